"""Assignment 4: backpropagation through a network: a placeholder until its tasks land."""

from __future__ import annotations

from ._core import ASSIGNMENTS, Assignment

ASSIGNMENTS["a4_backprop"] = Assignment(
    name="a4_backprop",
    title="Assignment 4: backpropagation through a network",
    chapters=('backpropagation',),
    tasks=(),
)
