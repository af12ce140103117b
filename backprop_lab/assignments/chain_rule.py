"""Assignment 3: the chain rule: a placeholder until its tasks land."""

from __future__ import annotations

from ._core import ASSIGNMENTS, Assignment

ASSIGNMENTS["a3_chain_rule"] = Assignment(
    name="a3_chain_rule",
    title="Assignment 3: the chain rule",
    chapters=('chain_rule',),
    tasks=(),
)
