r"""Learning-rate schedules (chapter "The learning rate").

A schedule is a pure function of the step index :math:`t = 0, 1, 2, \dots` and the base
learning rate :math:`\eta_0`: ``schedule(t, base_lr) -> lr``. Nothing is stored between
calls, so a schedule can be plotted (:meth:`Schedule.values`), shared between optimizers
and restarted at will.

==================  ========================================================================
schedule            :math:`\eta_t`
==================  ========================================================================
``ConstantLR``      :math:`\eta_0`
``StepLR``          :math:`\eta_0\,\gamma^{\lfloor t / s \rfloor}`
``ExponentialLR``   :math:`\eta_0\,\gamma^{t}`
``CosineLR``        :math:`\eta_{\min} + (\eta_0 - \eta_{\min})\,\frac{1 + \cos(\pi t / T)}{2}`
``WarmUp``          :math:`\eta_0 (t+1)/t_w` for :math:`t < t_w`, then ``after`` at :math:`t - t_w`
==================  ========================================================================

The formulas are the closed forms of ``torch.optim.lr_scheduler``'s ``StepLR``,
``ExponentialLR``, ``CosineAnnealingLR`` and a ``LinearLR`` warm-up from
:math:`1/t_w` to 1 (chained to the next schedule as ``SequentialLR`` does).

A schedule may reach a learning rate of 0: ``CosineLR`` with its default ``lr_min=0`` at
:math:`t = T`, or an ``ExponentialLR``/``StepLR`` whose rate underflows. The optimizer then
takes steps of size 0, as PyTorch's would, and training carries on. Only a schedule may set
0: an optimizer's constructor and ``opt.lr = ...`` still require ``lr > 0``.

Driving an optimizer: :func:`~backprop_lab.fit` takes ``schedule=`` and sets
``optimizer.lr = schedule(t, optimizer.base_lr)`` at the start of every epoch
(``t`` = number of epochs done), or of every mini-batch with ``schedule_every="batch"``.
By hand, call ``schedule.apply(optimizer, t)`` before the updates of step ``t``.

Examples
--------
>>> sched = StepLR(step_size=2, gamma=0.5)
>>> sched.values(1.0, 6)
array([1.  , 1.  , 0.5 , 0.5 , 0.25, 0.25])
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._checks import check_positive_int, check_real
from .optim import Optimizer

__all__ = ["ConstantLR", "CosineLR", "ExponentialLR", "Schedule", "StepLR", "WarmUp"]


def _check_t(t, who: str) -> int:
    if isinstance(t, bool) or not isinstance(t, numbers.Integral):
        raise TypeError(f"{who} expected the step index t to be an integer, got {t!r}.")
    if t < 0:
        raise ValueError(f"{who} expected a step index t >= 0, got {t}.")
    return int(t)


def _check_base_lr(base_lr, who: str) -> float:
    base_lr = check_real(base_lr, "base_lr", who)
    if not (math.isfinite(base_lr) and base_lr > 0):
        raise ValueError(
            f"{who} expected a finite base_lr > 0, got {base_lr}. "
            "Choose a learning rate such as 0.01."
        )
    return base_lr


def _check_gamma(gamma, who: str, typical: float) -> float:
    gamma = check_real(gamma, "gamma", who)
    if not 0 < gamma <= 1:
        raise ValueError(
            f"{who} expected 0 < gamma <= 1 (the factor the learning rate is multiplied by), "
            f"got {gamma}. A typical value is {typical}."
        )
    return gamma


class Schedule:
    """Base class: subclasses implement ``_lr(t, base_lr)``.

    Call a schedule as ``schedule(t, base_lr)``; :meth:`values` tabulates it for plots and
    :meth:`apply` sets an optimizer's ``lr``.
    """

    def __call__(self, t: int, base_lr: float) -> float:
        """The learning rate at step ``t >= 0`` for base learning rate ``base_lr``."""
        who = f"{self!r}"
        base_lr = _check_base_lr(base_lr, who)
        self._check_against(base_lr, who)
        return self._lr(_check_t(t, who), base_lr)

    def values(self, base_lr: float, n: int) -> np.ndarray:
        """The learning rates of steps ``0 .. n - 1``, as a float64 array of shape ``(n,)``."""
        who = f"{self!r}.values()"
        base_lr = _check_base_lr(base_lr, who)
        self._check_against(base_lr, who)
        n = check_positive_int(n, "n", who)
        return np.array([self._lr(t, base_lr) for t in range(n)])

    def apply(self, optimizer: Optimizer, t: int) -> float:
        """Set ``optimizer.lr = schedule(t, optimizer.base_lr)`` and return it."""
        who = f"{self!r}.apply()"
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{who} expected a backprop_lab Optimizer (SGD, RMSProp or Adam), got "
                f"{type(optimizer).__name__}. Pass the optimizer whose lr the schedule sets: "
                "opt = SGD(net, lr=0.1); schedule.apply(opt, t)."
            )
        base_lr = _check_base_lr(optimizer.base_lr, who)
        self._check_against(base_lr, who)
        optimizer._set_scheduled_lr(self._lr(_check_t(t, who), base_lr), who)
        return optimizer.lr

    def _lr(self, t: int, base_lr: float) -> float:
        raise NotImplementedError

    def _check_against(self, base_lr: float, who: str) -> None:
        """Check the schedule's own settings against ``base_lr`` (nothing to check here)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ConstantLR(Schedule):
    r"""The same learning rate at every step: :math:`\eta_t = \eta_0`.

    (Chapter "The learning rate".) Not PyTorch's ``ConstantLR``, which multiplies by a
    factor for a number of steps; this is "no schedule" made explicit.

    >>> ConstantLR()(10, 0.1)
    0.1
    """

    def _lr(self, t, base_lr):
        return base_lr


class StepLR(Schedule):
    r"""Step decay: multiply by :math:`\gamma` every ``step_size`` steps.

    (Chapter "The learning rate".)
    :math:`\eta_t = \eta_0\,\gamma^{\lfloor t/s \rfloor}`, as ``torch.optim.lr_scheduler.StepLR``.

    Parameters
    ----------
    step_size : int
        :math:`s \ge 1`, the number of steps (epochs) between decays.
    gamma : float, default 0.1
        :math:`\gamma \in (0, 1]`.

    >>> StepLR(10)(25, 1.0)
    0.010000000000000002
    """

    def __init__(self, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = check_positive_int(step_size, "step_size", "StepLR()")
        self.gamma = _check_gamma(gamma, "StepLR()", 0.1)

    def _lr(self, t, base_lr):
        return base_lr * self.gamma ** (t // self.step_size)

    def __repr__(self):
        return f"StepLR(step_size={self.step_size}, gamma={self.gamma:g})"


class ExponentialLR(Schedule):
    r"""Exponential decay :math:`\eta_t = \eta_0\,\gamma^t` (chapter "The learning rate").

    As ``torch.optim.lr_scheduler.ExponentialLR``.

    Parameters
    ----------
    gamma : float
        :math:`\gamma \in (0, 1]`, the factor applied at every step.

    >>> ExponentialLR(0.5)(3, 1.0)
    0.125
    """

    def __init__(self, gamma: float) -> None:
        self.gamma = _check_gamma(gamma, "ExponentialLR()", 0.95)

    def _lr(self, t, base_lr):
        return base_lr * self.gamma**t

    def __repr__(self):
        return f"ExponentialLR(gamma={self.gamma:g})"


class CosineLR(Schedule):
    r"""Cosine annealing from :math:`\eta_0` down to :math:`\eta_{\min}` over ``t_max`` steps.

    (Chapter "The learning rate".)

    .. math:: \eta_t = \eta_{\min} + (\eta_0 - \eta_{\min})\,\frac{1 + \cos(\pi t/T)}{2},

    the closed form of ``torch.optim.lr_scheduler.CosineAnnealingLR``. It reaches
    :math:`\eta_{\min}` at :math:`t = T`; past :math:`T` the cosine carries on (rising
    again), as in PyTorch, so choose ``t_max`` equal to the number of epochs.

    Parameters
    ----------
    t_max : int
        :math:`T \ge 1`, the number of steps of the descent.
    lr_min : float, default 0.0
        :math:`\eta_{\min} \ge 0`.

    >>> CosineLR(t_max=4).values(1.0, 5)
    array([1.        , 0.85355339, 0.5       , 0.14644661, 0.        ])
    """

    def __init__(self, t_max: int, lr_min: float = 0.0) -> None:
        self.t_max = check_positive_int(t_max, "t_max", "CosineLR()")
        check_real(lr_min, "lr_min", "CosineLR()")
        if not (math.isfinite(lr_min) and lr_min >= 0):
            raise ValueError(f"CosineLR() expected a finite lr_min >= 0, got {lr_min}.")
        self.lr_min = float(lr_min)

    def _lr(self, t, base_lr):
        return self.lr_min + (base_lr - self.lr_min) * (1 + math.cos(math.pi * t / self.t_max)) / 2

    def _check_against(self, base_lr, who):
        if self.lr_min > base_lr:
            raise ValueError(
                f"{who}: lr_min={self.lr_min:g} is above the base learning rate {base_lr:g}, so "
                "the schedule would raise the rate instead of annealing it. Choose "
                f"lr_min < {base_lr:g} (0 by default)."
            )

    def __repr__(self):
        return f"CosineLR(t_max={self.t_max}, lr_min={self.lr_min:g})"


class WarmUp(Schedule):
    r"""Linear warm-up over ``warmup_steps`` steps, then another schedule (or constant).

    (Chapter "The learning rate".)

    .. math::

        \eta_t = \begin{cases} \eta_0\,\dfrac{t+1}{t_w} & t < t_w \\[4pt]
        \text{after}(t - t_w,\ \eta_0) & t \ge t_w \end{cases}

    The warm-up is ``torch.optim.lr_scheduler.LinearLR(start_factor=1/t_w, total_iters=t_w-1)``;
    the hand-over restarts ``after`` at its step 0, as ``SequentialLR(milestones=[t_w])`` does.

    Parameters
    ----------
    warmup_steps : int
        :math:`t_w \ge 1`.
    after : Schedule, optional
        The schedule that follows; constant :math:`\eta_0` if omitted.

    >>> WarmUp(4, after=ExponentialLR(0.5)).values(1.0, 7)
    array([0.25, 0.5 , 0.75, 1.  , 1.  , 0.5 , 0.25])
    """

    def __init__(self, warmup_steps: int, after: Schedule | None = None) -> None:
        self.warmup_steps = check_positive_int(warmup_steps, "warmup_steps", "WarmUp()")
        if after is not None and not isinstance(after, Schedule):
            raise TypeError(
                f"WarmUp() expected after to be a schedule such as CosineLR(50), "
                f"got {type(after).__name__}."
            )
        self.after = after if after is not None else ConstantLR()

    def _check_against(self, base_lr, who):
        self.after._check_against(base_lr, who)

    def _lr(self, t, base_lr):
        t_w = self.warmup_steps
        if t < t_w:
            return base_lr * (t + 1) / t_w
        return self.after._lr(t - t_w, base_lr)

    def __repr__(self):
        return f"WarmUp(warmup_steps={self.warmup_steps}, after={self.after!r})"
