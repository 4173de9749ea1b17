"""Answers in words: ranked search over the Framework and answer cards with their citations.

`search` ranks elements for a text (BM25 on stems, field weights, typo repair); `card` gathers
what the graph says about one element; `render` writes a card as Markdown or JSON.
"""
