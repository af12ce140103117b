"""Assignment 2: losses and their gradients: a placeholder until its tasks land."""

from __future__ import annotations

from ._core import ASSIGNMENTS, Assignment

ASSIGNMENTS["a2_losses"] = Assignment(
    name="a2_losses",
    title="Assignment 2: losses and their gradients",
    chapters=('loss_functions',),
    tasks=(),
)
