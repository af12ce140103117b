r"""Loss surfaces to watch optimizers on (chapters "The learning rate" and "Gradient descent
and its variants").

A *surface* is any object with ``loss(w)`` and ``grad(w)`` for a point ``w`` of shape
``(d,)``. :func:`descend` moves a point over a surface with the library's own optimizers,
exactly as they move a network's weights: the point is the only parameter of a
:class:`Point` layer in a one-layer :class:`~backprop_lab.Network`, and its gradient comes
from the surface instead of from a backward pass.

>>> bowl = Quadratic([[1.0, 0.0], [0.0, 10.0]])
>>> path, L = descend(bowl, [1.0, 1.0], lr=0.1, n_steps=2)
>>> path.round(4).tolist()  # each direction i is multiplied by 1 - lr * lambda_i per step
[[1.0, 1.0], [0.9, 0.0], [0.81, 0.0]]
"""

from __future__ import annotations

import functools

import numpy as np

from backprop_lab._checks import check_float_array, check_positive_int
from backprop_lab.layers import Layer
from backprop_lab.network import Network
from backprop_lab.optim import SGD, Optimizer, get_optimizer
from backprop_lab.schedules import Schedule


class Point(Layer):
    """A layer that is only a parameter vector ``w``: the point an optimizer moves.

    ``params["w"]`` is the point (float64, shape ``(d,)``) and ``grads["w"]`` its gradient,
    which the surface fills (see :func:`descend`), so the library's optimizers move ``w``
    exactly as they move a network's weights. A point has no forward pass.
    """

    def __init__(self, w0) -> None:
        super().__init__()
        w = check_float_array(w0, "w0", "Point()", ndim=1)
        self.params["w"] = np.array(w, dtype=np.float64)
        self.grads["w"] = np.zeros_like(self.params["w"])

    def _forward(self, X):
        raise TypeError(
            "A Point is a parameter vector, not a layer with inputs: it has no forward pass. "
            "Move it over a surface with backprop_lab.surfaces.descend()."
        )

    _predict = _forward

    def __repr__(self) -> str:
        return f"Point(d={self.params['w'].size})"


class Quadratic:
    r"""The quadratic bowl :math:`L(w) = \tfrac12\, w^\top H w` with a symmetric matrix :math:`H`.

    Its gradient is :math:`\nabla L(w) = H w`: writing the sum out,
    :math:`\partial L/\partial w_i = \tfrac12 \sum_k H_{ik} w_k + \tfrac12 \sum_j H_{ji} w_j
    = (Hw)_i` because :math:`H_{ji} = H_{ij}`. If every eigenvalue of :math:`H` is positive,
    :math:`w = 0` is the unique minimum, and the eigenvalues are the curvatures along the
    eigenvectors.

    Parameters
    ----------
    H : array of shape (d, d)
        Symmetric (to rounding: it is stored as :math:`(H + H^\top)/2`), finite.

    Attributes
    ----------
    H : ndarray (d, d), float64, read-only
    eigenvalues : ndarray (d,)
        In ascending order, :math:`\lambda_{\min}` first.
    """

    def __init__(self, H) -> None:
        who = "Quadratic()"
        H = check_float_array(H, "H", who, ndim=2, dtype=np.float64)
        if H.shape[0] != H.shape[1]:
            raise ValueError(
                f"{who} expected a square matrix H of shape (d, d), got shape {H.shape}."
            )
        scale = float(np.abs(H).max())
        if not np.allclose(H, H.T, rtol=0.0, atol=1e-12 * scale):
            raise ValueError(
                f"{who} expected a symmetric H (the Hessian of a loss is symmetric), got one "
                f"with H[i, j] != H[j, i] by up to {float(np.abs(H - H.T).max()):.3g}. "
                "Use (H + H.T) / 2 if only the symmetric part is meant."
            )
        H = (H + H.T) / 2
        H.flags.writeable = False
        self.H = H
        self.eigenvalues = np.linalg.eigvalsh(H)

    @property
    def d(self) -> int:
        """The number of coordinates of a point."""
        return self.H.shape[0]

    def _point(self, w, who: str, batch: bool) -> np.ndarray:
        # A float array is taken as it is, non-finite values included: a diverged path has
        # them, and its loss is then inf or nan. Anything else is checked and converted.
        if not (isinstance(w, np.ndarray) and w.dtype.kind == "f"):
            w = check_float_array(w, "w", who, ndim=None, dtype=np.float64)
        if w.ndim == 0 or w.shape[-1] != self.d or (not batch and w.ndim != 1):
            shape = "(d,) or (..., d)" if batch else "(d,)"
            raise ValueError(
                f"{who} expected a point w of shape {shape} with d = {self.d}, got shape "
                f"{w.shape}."
            )
        return w

    def loss(self, w) -> np.ndarray | float:
        r""":math:`L(w) = \tfrac12 w^\top H w` for one point ``(d,)``, or for every row of
        ``(..., d)`` (then an array of shape ``(...)``). A point with ``inf`` or ``nan`` in it
        (a diverged path) gives ``inf`` or ``nan``."""
        w = self._point(w, "Quadratic.loss()", batch=True)
        L = 0.5 * np.einsum("...i,ij,...j->...", w, self.H, w)
        return float(L) if w.ndim == 1 else L

    def grad(self, w) -> np.ndarray:
        r"""The gradient :math:`\nabla L(w) = H w` at one point ``w`` of shape ``(d,)``."""
        w = self._point(w, "Quadratic.grad()", batch=False)
        return self.H @ w

    def __repr__(self) -> str:
        return f"Quadratic(H={self.H.tolist()})"


def descend(surface, w0, lr: float, n_steps: int, *, optimizer=SGD, schedule=None,
            noise=None, **options) -> tuple[np.ndarray, np.ndarray]:
    r"""Move a point from ``w0`` over ``surface`` with one of the library's optimizers.

    Every step fills the point's gradient from the surface, :math:`g_t = \nabla L(w_t)`
    (plus ``noise[t]`` if given, as a mini-batch would add), and calls the optimizer's
    ``step()``. With the default ``SGD`` that is :math:`w_{t+1} = w_t - \eta_t\, g_t`.

    Parameters
    ----------
    surface : object with ``loss(w)`` and ``grad(w)``
        E.g. :class:`Quadratic`.
    w0 : array of shape (d,)
        The start.
    lr : float > 0
        The learning rate (the base rate if a ``schedule`` is given).
    n_steps : int >= 0
    optimizer : Optimizer class or name, default SGD
        ``SGD``, ``RMSProp``, ``Adam`` or a name for :func:`~backprop_lab.get_optimizer`;
        ``options`` go to it (e.g. ``momentum=0.9``).
    schedule : Schedule, optional
        Sets the learning rate of step ``t`` (``schedule.apply(optimizer, t)``).
    noise : array of shape (n_steps, d), optional
        Added to the gradient of step ``t``.

    Returns
    -------
    path : ndarray of shape (n_steps + 1, d)
        Row ``t`` is :math:`w_t`; row 0 is ``w0``.
    losses : ndarray of shape (n_steps + 1,)
        :math:`L(w_t)` for every row. A diverging path is kept as it is: it may overflow to
        ``inf`` and then ``nan`` without an error, because figures of divergence need it.
        Check ``np.isfinite(losses)`` if it matters.
    """
    who = "descend()"
    for method in ("loss", "grad"):
        if not callable(getattr(surface, method, None)):
            raise TypeError(
                f"{who} expected a surface with methods loss(w) and grad(w), such as "
                f"Quadratic(H), got {type(surface).__name__} without {method}()."
            )
    point = Point(w0)
    d = point.params["w"].size
    n_steps = check_positive_int(n_steps, "n_steps", who, minimum=0)
    if noise is not None:
        noise = check_float_array(noise, "noise", who, ndim=None, dtype=np.float64)
        if noise.shape != (n_steps, d):
            raise ValueError(
                f"{who} expected noise of shape (n_steps, d) = {(n_steps, d)}, one row added "
                f"to the gradient of each step, got shape {noise.shape}."
            )
    if schedule is not None and not isinstance(schedule, Schedule):
        raise TypeError(
            f"{who} expected schedule to be a Schedule such as CosineLR(t_max=...), "
            f"got {schedule!r}."
        )
    if isinstance(optimizer, str):
        optimizer = functools.partial(get_optimizer, optimizer)
    elif not (isinstance(optimizer, type) and issubclass(optimizer, Optimizer)):
        raise TypeError(
            f"{who} expected optimizer to be an optimizer class (SGD, RMSProp, Adam) or its "
            f"name, got {optimizer!r}."
        )

    # the descent itself (printed by the chapter "The learning rate")
    opt = optimizer(Network([point]), lr=lr, **options)
    w, g = point.params["w"], point.grads["w"]
    path = np.empty((n_steps + 1, d))
    path[0] = w
    # a diverging path may overflow: let it, the figures show it
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(n_steps):
            if schedule is not None:
                # opt.lr = the schedule's rate of step t
                schedule.apply(opt, t)
            grad = surface.grad(w)
            g[:] = grad if noise is None else grad + noise[t]
            opt.step()
            path[t + 1] = w
        losses = np.array([surface.loss(p) for p in path], dtype=np.float64)
    return path, losses
