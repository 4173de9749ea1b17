"""SSSOM mapping sets: check them against the Framework and a target, and apply them as RDF.

The file is read line by line, so that each problem can name its line and field, as the SSSOM
table itself does not; sssom-py infers the cardinality of a clean set from the rows so read.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from rdflib import Graph, URIRef

from finops_kg.errors import FinopsKGError
from finops_kg.graph.iris import DEFAULT_EDITION, NOT_IN_IRI, expand_curie

REQUIRED_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification")
MAPPING_PREDICATE_NAMESPACES = ("http://www.w3.org/2004/02/skos/core#",
                                "http://www.w3.org/2002/07/owl#")
EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
SEMAPV = "https://w3id.org/semapv/vocab/"


class MappingError(FinopsKGError):
    """A mapping set cannot be read, or fails its check where a clean one is needed."""


@dataclass
class MappingCheck:
    """The problems found in one mapping set, one line each, and its pairs' cardinalities."""

    path: Path
    problems: list[str] = field(default_factory=list)
    cardinality: Counter = field(default_factory=Counter)
    mappings: list[dict] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Return the number of mapping rows that could be read."""
        return len(self.mappings)

    @property
    def ok(self) -> bool:
        """Return True when the set has no problem."""
        return not self.problems

    def add(self, line: int, column: str, message: str) -> None:
        """Record one problem at a line and column of the file."""
        self.problems.append(f"{self.path}:{line}: {column}: {message}")


def count_rows(path: str | Path) -> int:
    """Return the number of mapping rows in a set, without checking them."""
    return len(_read_table(_read_text(Path(path)), MappingCheck(Path(path)))[1])


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
        return raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except OSError as error:
        raise MappingError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise MappingError(f"{path}:{line}: not UTF-8 text (byte {error.start}); save it as "
                           "UTF-8") from None


def check(path: str | Path, target: str | Path | None = None, edition: str = DEFAULT_EDITION,
          cardinality: bool = True) -> MappingCheck:
    """Check a mapping set, ours or a user's, and return every problem found."""
    path = Path(path)
    result = MappingCheck(path)
    header_lines, rows = _read_table(_read_text(path), result)
    if not result.ok:
        return result  # the table cannot be parsed: what follows would only repeat it
    curie_map = result.metadata.get("curie_map") or {}
    framework = _framework_terms(edition)[0]
    targets = _subjects(_target_graph(target)) if target else None
    seen: dict[tuple, int] = {}
    exact: dict[tuple, list] = defaultdict(list)
    for offset, row in enumerate(rows):
        line = header_lines + 2 + offset
        _check_row(result, line, row, curie_map, framework, targets, seen, exact)
    for (subject, vocabulary), objects in exact.items():
        if len(objects) > 1:
            lines = ", ".join(str(line) for line, _ in objects)
            result.add(objects[-1][0], "object_id", f"{subject} is an exactMatch of "
                       f"{len(objects)} terms of {vocabulary} (lines {lines})")
    result.mappings = rows
    result.problems.sort(key=lambda problem: int(problem[len(str(path)) + 1:].split(":")[0]))
    if result.ok and cardinality:
        result.cardinality = _cardinality(rows, result.metadata)
    return result


def _read_table(text: str, result: MappingCheck) -> tuple[int, list[dict]]:
    import yaml

    # Only \n, \r\n and \r end a line of TSV: splitlines() would also break a row at a
    # \x0b, \x85 or \u2028 inside a comment or label.
    lines = re.split(r"\r\n|\r|\n", text)
    if lines[-1] == "":
        lines.pop()  # the newline that ends the last line starts no new one
    header = [line[1:] for line in lines if line.startswith("#")]
    try:
        result.metadata = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        # a control character raises a ReaderError: no mark, but a position in the header's text
        line = mark.line + 1 if mark else \
            "\n".join(header)[:getattr(error, "position", 0)].count("\n") + 1
        reason = " ".join(str(getattr(error, "problem", None) or getattr(error, "reason", None)
                              or error).split())  # one line
        result.add(line, "metadata", f"the YAML header is malformed ({reason})")
        return len(header), []
    if not isinstance(result.metadata, dict):
        result.add(1, "metadata", "the YAML header is not a mapping of keys to values")
        return len(header), []
    curie_map = result.metadata.get("curie_map")
    if curie_map is not None and not (isinstance(curie_map, dict) and all(
            isinstance(key, str) and isinstance(value, str) for key, value in curie_map.items())):
        line = next((number for number, text in enumerate(header, start=1)
                     if text.strip().startswith("curie_map")), 1)
        result.add(line, "curie_map", "must map each prefix to its namespace IRI, such as "
                   "'ex: https://example.org/'")
        return len(header), []
    table = lines[len(header):]
    if not table:
        result.add(len(header) + 1, "table", "the file has no table after its header")
        return len(header), []
    columns = table[0].split("\t")
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            result.add(len(header) + 1, column, "this required column is missing")
    rows = []
    for offset, raw in enumerate(table[1:], start=2):
        if not raw.strip():
            continue
        cells = _split_row(raw)
        if len(cells) != len(columns):
            # spaces for tabs leave too few fields; with too many, a tab is the cause
            spaced = len(cells) < len(columns) and " " in raw
            reason = "columns are separated by spaces, not tabs" if spaced else \
                f"{len(cells)} fields where the header has {len(columns)}"
            result.add(len(header) + offset, "table", reason)
            continue
        rows.append(dict(zip(columns, cells)))
    return len(header), rows


def _split_row(raw: str) -> list[str]:
    # csv only differs from a plain split where a quote is, and costs several times more per line
    if '"' not in raw:
        return raw.split("\t")
    return next(csv.reader([raw], delimiter="\t"))


def _check_row(result: MappingCheck, line: int, row: dict, curie_map: dict,
               framework: set[str], targets: set[str] | None, seen: dict, exact: dict) -> None:
    expanded = {}
    for column in ("subject_id", "predicate_id", "object_id", "mapping_justification"):
        value = row[column].strip()  # check() reads no row when a required column is missing
        if not value:
            label = "justification" if column == "mapping_justification" else column
            result.add(line, column, f"the {label} is missing")
            continue
        prefix, sep, local = value.partition(":")
        if sep and not value.startswith(("http://", "https://")):
            if prefix not in curie_map:
                result.add(line, column, f"the prefix {prefix!r} is not declared in the curie_map")
                continue
            value = curie_map[prefix] + local
        if forbidden := NOT_IN_IRI.search(value):
            result.add(line, column, f"{row[column].strip()} holds {forbidden.group()!r}, which "
                       "an IRI cannot hold")
            continue
        expanded[column] = value
    predicate = expanded.get("predicate_id")
    if predicate and not predicate.startswith(MAPPING_PREDICATE_NAMESPACES):
        result.add(line, "predicate_id", f"{row['predicate_id']} is neither a SKOS nor an OWL "
                   "mapping predicate")
    justification = expanded.get("mapping_justification")
    if justification and not justification.startswith(SEMAPV):
        result.add(line, "mapping_justification", f"{row['mapping_justification']} is not a "
                   "SEMAPV justification, such as semapv:ManualMappingCuration")
    modifier = row.get("predicate_modifier", "").strip()
    if modifier not in ("", "Not"):
        result.add(line, "predicate_modifier", f"{modifier!r} is not a modifier; SSSOM has only "
                   "'Not'")
    confidence = row.get("confidence", "").strip()
    if confidence:
        try:
            within = 0 <= float(confidence) <= 1
        except ValueError:
            within = False
        if not within:
            result.add(line, "confidence", f"{confidence!r} is not a number from 0 to 1")
    subject, obj = expanded.get("subject_id"), expanded.get("object_id")
    if subject and subject not in framework:
        result.add(line, "subject_id", f"{row['subject_id']} is not in the Framework graph")
    if obj and targets is not None and obj not in targets:
        result.add(line, "object_id", f"{row['object_id']} is not in the target ontology")
    negated = modifier == "Not"
    key = (subject, predicate, negated, obj)
    if None not in key[:2] and key in seen:
        result.add(line, "row", f"duplicates line {seen[key]}")
    seen.setdefault(key, line)
    if predicate == EXACT_MATCH and subject and obj:
        if (subject, predicate, not negated, obj) in seen:
            result.add(line, "predicate_modifier", f"contradicts line "
                       f"{seen[(subject, predicate, not negated, obj)]}: exactMatch and "
                       "Not exactMatch on the same pair")
        if not negated:
            exact[(row["subject_id"], row["object_id"].partition(":")[0])].append((line, obj))


PARALLEL_FROM_ROWS = 10_000
_TERM_COLUMNS = ("subject_id", "subject_label", "object_id", "object_label")


def _cardinality(rows: list[dict], metadata: dict,
                 parallel_from: int = PARALLEL_FROM_ROWS) -> Counter:
    """Count the pairs of each cardinality, as sssom-py infers it from the rows already read.

    sssom-py spends about 0.1 ms per row, so a large set is cut into two parts that share no
    term, whose cardinalities cannot depend on each other, and the parts are inferred side by side.
    """
    from finops_kg.forked import ForkedTask

    _require_sssom()  # imported before forking, so that the child need not import it again

    parts = _independent_parts(rows, 2) if len(rows) >= parallel_from else [rows]
    if len(parts) < 2:
        return _infer_cardinality(rows, metadata)
    other = ForkedTask(_infer_cardinality, parts[1], metadata)
    try:
        return _infer_cardinality(parts[0], metadata) + other.result()
    finally:
        other.cancel()


def _require_sssom() -> None:
    try:
        import sssom.util  # noqa: F401
    except ImportError:
        raise MappingError("this needs sssom-py, in the mapping extra: "
                           "pip install 'finops-kg[mapping]'") from None


def _infer_cardinality(rows: list[dict], metadata: dict) -> Counter:
    import pandas as pd
    from curies import Converter
    from sssom.util import MappingSetDataFrame, propagate_condensed_slots

    # parse_sssom_table would read the file again and build and validate a schema object per row,
    # which costs twice what inferring the cardinality does
    frame = pd.DataFrame(rows)
    propagate_condensed_slots(frame, metadata)  # e.g. a set-wide subject_type: rdfs literal
    # infer_cardinality reads the ids and labels of the frame alone, never the prefix map or the
    # set's metadata; an empty converter spares sssom-py loading its default, the Bioregistry
    mappings = MappingSetDataFrame(df=frame, converter=Converter([]), metadata={})
    mappings.infer_cardinality()
    return Counter(mappings.df["mapping_cardinality"].astype(str))


def _independent_parts(rows: list[dict], count: int) -> list[list[dict]]:
    """Split rows into at most count parts, balanced by size, such that no term is in two parts."""
    # Rows are joined through every id and label they carry, on either side: sssom-py counts a
    # literal mapping by its label, so joining on more than it uses can only merge parts, which
    # is safe, never split a group it counts together.
    parent: dict[str, str] = {}

    def root(term: str) -> str:
        while parent.setdefault(term, term) != term:
            parent[term] = parent[parent[term]]
            term = parent[term]
        return term

    for row in rows:
        terms = [row[column] for column in _TERM_COLUMNS if row.get(column)]
        for term in terms[1:]:
            parent[root(term)] = root(terms[0])
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[root(next(row[c] for c in _TERM_COLUMNS if row.get(c)))].append(row)
    parts: list[list[dict]] = [[] for _ in range(count)]
    for group in sorted(groups.values(), key=len, reverse=True):
        min(parts, key=len).extend(group)
    return [part for part in parts if part]


def _subjects(graph: Graph) -> set[str]:
    return {str(s) for s in graph.subjects() if isinstance(s, URIRef)}


@lru_cache(maxsize=None)
def _framework_terms(edition: str) -> tuple[frozenset[str], frozenset[URIRef]]:
    """Return the Framework's subjects and its OWL classes, loaded once per edition."""
    from rdflib.namespace import OWL, RDF

    from finops_kg.graph.load import new_graph, parse_files, source_files

    graph = parse_files(new_graph(), source_files(edition))
    return frozenset(_subjects(graph)), frozenset(graph.subjects(RDF.type, OWL.Class))


def _target_graph(target: str | Path) -> Graph:
    from finops_kg.graph.formats import rdf_format_of
    from finops_kg.graph.guard import check_syntax
    from finops_kg.graph.load import parse_file

    fmt = rdf_format_of(Path(target))
    if fmt is not None and Path(target).is_file():  # Oxigraph names an error rdflib would pass
        check_syntax(Path(target), fmt.oxigraph)
    return parse_file(Graph(), target)


def apply(paths: Iterable[str | Path], as_owl: bool = False,
          edition: str = DEFAULT_EDITION) -> list[tuple[URIRef, Graph]]:
    """Return the mappings of clean sets as named graphs, one per set, in the order given."""
    from rdflib import Literal
    from rdflib.namespace import DCTERMS, OWL, PROV, RDF

    from finops_kg.graph.load import new_graph

    classes = _framework_terms(edition)[1]
    named = []
    for path in map(Path, paths):
        result = _clean(path, edition)
        curie_map = result.metadata.get("curie_map") or {}
        set_id = URIRef(str(result.metadata.get("mapping_set_id") or path.resolve().as_uri()))
        graph = new_graph()
        graph.add((set_id, RDF.type, PROV.Entity))
        graph.add((set_id, DCTERMS.title, Literal(path.name)))
        if result.metadata.get("license"):
            graph.add((set_id, DCTERMS.license, URIRef(str(result.metadata["license"]))))
        for row in result.mappings:
            if row.get("predicate_modifier", "").strip() == "Not":
                continue  # a negative mapping states what is not so: no triple follows
            subject, predicate, obj = (URIRef(expand_curie(row[c], curie_map))
                                       for c in ("subject_id", "predicate_id", "object_id"))
            if as_owl and str(predicate) == EXACT_MATCH and subject in classes:
                predicate = OWL.equivalentClass
            graph.add((subject, predicate, obj))
        named.append((set_id, graph))
    return named


def _clean(path: Path, edition: str) -> MappingCheck:
    """Return the check of a set that must be clean, or raise MappingError naming its problems."""
    result = check(path, edition=edition, cardinality=False)
    if not result.ok:
        more = len(result.problems) - 1
        tail = f" (and {more} more; finops-kg map check {path} lists them)" if more else ""
        raise MappingError(f"{result.problems[0]}{tail}; the set fails its check, and nothing "
                           "was written")
    return result


def curated_graphs() -> list[tuple[URIRef, Graph]]:
    """Return each curated mapping set, applied as SKOS, and each target vocabulary as a graph.

    A set's graph is named by its mapping_set_id, a vocabulary's by its concept scheme.
    """
    from rdflib.namespace import RDF, SKOS

    from finops_kg.graph import resources
    from finops_kg.graph.load import parse_file

    graphs = apply(resources.mapping_set_files())
    for path in resources.mapping_vocabulary_files():
        vocabulary = parse_file(Graph(), path)
        graphs.append((next(vocabulary.subjects(RDF.type, SKOS.ConceptScheme)), vocabulary))
    return graphs


def curated_rows_by_subject(edition: str = DEFAULT_EDITION) -> dict[URIRef, list[dict]]:
    """Return every row of the curated sets, negative ones too, by the IRI of its subject.

    Each row keeps its columns as written, plus "mapping_set", the set's file name without
    .sssom.tsv, so that a reader can show the reason and confidence the RDF leaves out.
    """
    from finops_kg.graph import resources

    by_subject: dict[URIRef, list[dict]] = defaultdict(list)
    for path in resources.mapping_set_files():
        result = _clean(path, edition)
        curie_map = result.metadata.get("curie_map") or {}
        for row in result.mappings:
            subject = URIRef(expand_curie(row["subject_id"], curie_map))
            by_subject[subject].append({**row, "mapping_set": path.name.removesuffix(".sssom.tsv")})
    return dict(by_subject)


CSV_COLUMNS = ("subject", "predicate", "object")
UNSPECIFIED_LICENSE = "https://w3id.org/sssom/license/unspecified"


def import_csv(path: str | Path, set_id: str, license: str = UNSPECIFIED_LICENSE,
               prefixes: dict[str, str] | None = None) -> str:
    """Return a plain subject,predicate,object CSV as an SSSOM/TSV mapping set."""
    _require_sssom()
    import pandas as pd
    from curies import Converter
    from sssom.util import MappingSetDataFrame
    from sssom.writers import write_table

    from finops_kg.graph.namespace import PREFIXES

    path = Path(path)
    converter = Converter.from_prefix_map({**PREFIXES, "semapv": SEMAPV, **(prefixes or {})})
    text = _read_text(path).removeprefix("\ufeff")  # the byte-order mark Excel writes
    # Excel writes semicolons where the decimal separator is a comma: accept what the header uses.
    delimiter = max((",", ";", "\t"), key=text.split("\n", 1)[0].count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise MappingError(f"{path}:1: {missing[0]}: this required column is missing "
                           f"(the header must name {', '.join(CSV_COLUMNS)})")
    rows = []
    for row in reader:
        line = reader.line_num
        cells = {f"{c}_id": _as_curie(path, line, c, row.get(c) or "", converter)
                 for c in CSV_COLUMNS}
        cells["mapping_justification"] = _as_curie(
            path, line, "justification",
            row.get("justification") or "semapv:UnspecifiedMatching", converter)
        if row.get("comment"):
            if re.search(r"[\r\n]", row["comment"]):
                raise MappingError(f"{path}:{line}: comment: a line break is not allowed; "
                                   "SSSOM/TSV holds one mapping per line")
            cells["comment"] = row["comment"]
        if row.get("confidence"):
            try:
                cells["confidence"] = float(row["confidence"])
            except ValueError:
                raise MappingError(f"{path}:{line}: confidence: {row['confidence']!r} is not a "
                                   "number") from None
        rows.append(cells)
    if not rows:
        raise MappingError(f"{path}: the CSV has a header but no mapping")
    used = {value.partition(":")[0] for cells in rows for key, value in cells.items()
            if key.endswith(("_id", "justification"))}
    frame = MappingSetDataFrame(
        df=pd.DataFrame(rows),
        converter=Converter.from_prefix_map(
            {p: n for p, n in converter.prefix_map.items() if p in used}),
        metadata={"mapping_set_id": set_id, "license": license})
    out = io.StringIO()
    write_table(frame, out)
    return out.getvalue()


def _as_curie(path: Path, line: int, column: str, value: str, converter) -> str:
    value = value.strip()
    if not value:
        raise MappingError(f"{path}:{line}: {column}: the value is missing")
    if value.startswith(("http://", "https://")):
        curie = converter.compress(value)
        if curie is None:
            raise MappingError(f"{path}:{line}: {column}: {value} is under no known namespace; "
                               "declare one with --prefix NAME=NAMESPACE")
        return curie
    if converter.expand(value) is None:
        raise MappingError(f"{path}:{line}: {column}: the prefix of {value!r} is not known; "
                           "declare it with --prefix NAME=NAMESPACE")
    return value
