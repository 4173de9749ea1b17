"""Pages of long answers: opaque cursors, a row limit and a size budget per answer.

An assistant's context is small and shared with everything else it reads, so no answer is
longer than BUDGET characters of text. A list that does not fit ends with a cursor; calling the
same tool again with the same arguments and that cursor gives the next page. The cursor holds
the position and a digest of the arguments, so a cursor from another question is refused
rather than silently answering it wrongly.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from finops_kg.assistant.backend import AssistantError

BUDGET = 12_000  # characters of Markdown per answer, about 3,000 tokens
DEFAULT_LIMIT = 25
MAX_LIMIT = 100

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """The items of one page, where they start in the whole list and the cursor to the next."""

    items: list[T]
    total: int
    offset: int
    next_cursor: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the page's position as the tools report it."""
        return {"total": self.total, "offset": self.offset, "returned": len(self.items),
                "next_cursor": self.next_cursor}


def digest(call: str, arguments: dict[str, Any]) -> str:
    """Return a short digest of a call's arguments (cursor and limit left out)."""
    kept = {k: v for k, v in arguments.items() if k not in ("cursor", "limit") and v is not None}
    text = json.dumps([call, kept], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def encode_cursor(call: str, arguments: dict[str, Any], offset: int) -> str:
    """Return the opaque cursor of the page of call(arguments) that starts at offset."""
    raw = json.dumps({"k": digest(call, arguments), "o": offset}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("ascii")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str | None, call: str, arguments: dict[str, Any]) -> int:
    """Return the offset a cursor stands for, or fail when it is not one of this call's."""
    if cursor is None or not cursor.strip():
        return 0
    try:
        padded = cursor.strip() + "=" * (-len(cursor.strip()) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        offset, key = int(data["o"]), str(data["k"])
    except (ValueError, KeyError, TypeError, UnicodeError):
        raise AssistantError(f"cursor {cursor[:40]!r} is not one this server gave: leave it out "
                             "to start at the first page") from None
    if key != digest(call, arguments):
        raise AssistantError("that cursor belongs to another question: repeat the call with the "
                             "arguments that gave it, or leave the cursor out")
    if offset < 0:
        raise AssistantError("the cursor points before the first item: leave it out")
    return offset


def check_limit(limit: int) -> int:
    """Return limit when it is between 1 and MAX_LIMIT, else fail saying the range."""
    if not 1 <= limit <= MAX_LIMIT:
        raise AssistantError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    return limit


def paginate(items: Sequence[T], size: Callable[[T], int], *, call: str,
             arguments: dict[str, Any], cursor: str | None, limit: int,
             budget: int = BUDGET) -> Page[T]:
    """Return the page of items the cursor asks for, within limit items and budget characters.

    A page holds at least one item, however long, so that every page moves on.
    """
    check_limit(limit)
    offset = decode_cursor(cursor, call, arguments)
    if offset > len(items) or (offset == len(items) and items):
        raise AssistantError(f"the cursor points past the end of the list ({len(items)} items): "
                             "leave it out to start again")
    taken: list[T] = []
    used = 0
    for item in items[offset:offset + limit]:
        cost = size(item)
        if taken and used + cost > budget:
            break
        taken.append(item)
        used += cost
    end = offset + len(taken)
    following = encode_cursor(call, arguments, end) if end < len(items) else None
    return Page(taken, len(items), offset, following)


def cut(text: str, limit: int, what: str = "text") -> str:
    """Return text, or its first limit characters with a note saying how much was left out."""
    if len(text) <= limit:
        return text
    left = len(text) - limit
    return text[:limit].rstrip() + f"\n\n… ({left} more characters of {what} left out)"
