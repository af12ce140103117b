"""The controls of an interactive figure: :class:`Slider` (ordered values) and
:class:`Choice` (unordered ones).

A control is a named, finite list of values with their labels; it knows nothing of
matplotlib or ipywidgets (the live face makes its widget: :mod:`.live`; the player its
``<input type="range">`` or ``<select>``: :mod:`.player`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

import numpy as np

__all__ = ["Slider", "Choice"]


class _Control:
    """A named, finite list of values (base of :class:`Slider` and :class:`Choice`)."""

    kind = "control"

    def __init__(self, name, values, *, label=None, fmt="{}", initial=None):
        who = f"{type(self).__name__}({name!r})"
        if not isinstance(name, str) or not name.isidentifier() or name == "axes":
            raise ValueError(
                f"{type(self).__name__} expected a name that is a Python identifier other "
                f"than 'axes' (it is passed to draw as a keyword argument), got {name!r}."
            )
        if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
            raise TypeError(
                f"{who} expected values to be a list or 1-D array, got {type(values).__name__}. "
                "Write values=[0.01, 0.1, 1.0]."
            )
        arr = np.asarray(values, dtype=object)
        if arr.ndim != 1 or any(np.ndim(v) != 0 for v in arr):
            raise ValueError(
                f"{who} expected a 1-D list of values, got shape {np.shape(values)}. "
                "Pass one value per position, e.g. values=np.geomspace(0.01, 1, 7)."
            )
        if len(arr) == 0:
            raise ValueError(
                f"{who} expected at least one value, got none. Pass values=[...] with the "
                "values the reader can choose from."
            )
        vals = [v.item() if isinstance(v, np.generic) else v for v in arr]
        # a control finds its current value by equality: an unhashable value (a dict, a
        # set) cannot be looked up, and NaN never equals itself
        for v in vals:
            if not isinstance(v, Hashable):
                raise TypeError(
                    f"{who} expected values that are numbers, strings or other hashable "
                    f"values, got a {type(v).__name__}: {v!r}. For settings such as dicts, "
                    "pass their names, e.g. values=['sgd', 'adam'], and look them up in draw."
                )
            if isinstance(v, float) and math.isnan(v):
                raise ValueError(f"{who} expected values that are not NaN, got {vals}.")
        if len(set(vals)) != len(vals):
            raise ValueError(f"{who} expected distinct values, got {vals}.")
        if not isinstance(fmt, str):
            raise TypeError(f"{who} expected fmt to be a format string such as '{{:.3g}}'.")
        try:
            labels = [fmt.format(v) for v in vals]
        except (ValueError, TypeError, IndexError, KeyError) as err:
            raise ValueError(
                f"{who} could not format its values with fmt={fmt!r}: {err}. "
                "Use a format string with one field, e.g. fmt='{:.3g}'."
            ) from err
        if len(set(labels)) != len(labels):
            raise ValueError(
                f"{who}: fmt={fmt!r} shows different values the same way ({labels}). "
                "Use more digits, e.g. fmt='{:.3g}'."
            )
        if initial is None:
            index = 0
        else:
            if initial not in vals:
                raise ValueError(f"{who} expected initial to be one of {vals}, got {initial!r}.")
            index = vals.index(initial)
        self.name: str = name
        self.values: list = vals
        self.labels: list[str] = labels
        self.label: str = name if label is None else str(label)
        self.index: int = index

    def __len__(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, {self.values!r})"



class Slider(_Control):
    """An ordered control (a range input / selection slider), e.g. a learning rate.

    Parameters
    ----------
    name : str
        The keyword under which ``draw`` receives the value.
    values : 1-D sequence
        The values the reader can choose, in slider order (at least one, distinct).
    label : str, optional
        Shown next to the control (default: ``name``); may use Unicode (``"η"``).
    fmt : str
        Format of the displayed value, e.g. ``"{:.3g}"``.
    initial : optional
        The value shown first (default: the first value).

    >>> Slider("lr", [0.01, 0.1, 1.0], label="learning rate η", fmt="{:.2g}").labels
    ['0.01', '0.1', '1']
    """

    kind = "slider"


class Choice(_Control):
    """An unordered control (a select / dropdown), e.g. a schedule or an optimizer.

    Same parameters as :class:`Slider`; ``fmt`` defaults to ``"{}"`` (``str`` of the value).

    >>> Choice("schedule", ["constant", "step"]).labels
    ['constant', 'step']
    """

    kind = "choice"
