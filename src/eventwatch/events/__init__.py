"""Events: PLOVER 2.0 type, mode, actor, recipient, flags and evidence from the parse.

- ``coder.py``: reads the parse around each candidate word (actor, recipient, flags,
  date, evidence) and combines the two ways of typing a word;
- ``typer.py``: the learned typer, a calibrated probability of each type per word;
- ``training.py``: the team's labelled sentences as rows for the typer
  (``scripts/train_events.py`` builds the shipped model, ``eval/events.py --cv`` checks it).
"""
from .coder import VERBAL, Context, Rules, Trigger, code, embedder, rules, score, second_opinion

__all__ = ["VERBAL", "Context", "Rules", "Trigger", "code", "embedder", "rules", "score", "second_opinion"]
