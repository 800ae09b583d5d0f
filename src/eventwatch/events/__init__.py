"""Events: PLOVER 2.0 type, mode, actor, recipient, flags and evidence from the parse.

- ``coder.py``: finds the candidate words, reads the parse around each and combines the
  two ways of typing a word, one event per act; its parts are ``grammar.py`` (the trigger
  table, the context, parse readings), ``roles.py`` (actor and recipient) and
  ``dates.py`` (the date of the act);
- ``typer.py``: the learned typer, a calibrated probability of each type per word;
- ``training.py``: the team's labelled sentences as rows for the typer
  (``scripts/train_events.py`` builds the shipped model, ``eval/events.py --cv`` checks it).
"""
from .coder import code, embedder, second_opinion
from .grammar import VERBAL, Context, Rules, Trigger, rules, score

__all__ = ["VERBAL", "Context", "Rules", "Trigger", "code", "embedder", "rules", "score", "second_opinion"]
