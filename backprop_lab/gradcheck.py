r"""Checking gradients against central differences (chapter "Backpropagation, layer by
layer", section "Checking gradients").

For a scalar function :math:`f(\theta)` the central difference

.. math:: \frac{\partial f}{\partial \theta_j} \approx
          \frac{f(\theta + \epsilon e_j) - f(\theta - \epsilon e_j)}{2\epsilon}

has an error of order :math:`\epsilon^2`. A layer's output is an array, not a scalar, so
the check contracts it with a *random* upstream gradient :math:`G`:
:math:`f = \sum_{ij} G_{ij} Y_{ij}`, whose gradient is exactly what ``backward(G)``
computes. (An all-ones :math:`G` would hide a backward that forgot to multiply by
:math:`dY`.) The relative error of each array is

.. math:: \frac{\lVert a - n\rVert}{\max(\lVert a\rVert + \lVert n\rVert,\ 10^{-12})},

with :math:`a` the analytic and :math:`n` the numerical gradient (Euclidean norms over the
whole array, so a gradient that is exactly zero somewhere does not dominate); in float64 a
correct backward gives errors around :math:`10^{-9}` or smaller.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._checks import check_float_array, check_has_rows, check_positive_float, check_rng
from .layers import Layer
from .losses import Loss, _as_loss
from .network import Network

__all__ = ["GradcheckResult", "gradcheck", "numerical_gradient", "relative_error"]


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """Relative error between two gradients as norms over the whole array (module docs)."""
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"relative_error() expected equal shapes, got {a.shape} and {n.shape}.")
    # gradients beyond 1e150 would overflow the norms (squares): divide by the largest
    # magnitude first, which leaves the ratio unchanged
    big = max(float(np.abs(a).max(initial=0.0)), float(np.abs(n).max(initial=0.0)))
    if big > 1e150:
        a, n = a / big, n / big
    scale = max(float(np.linalg.norm(a) + np.linalg.norm(n)), 1e-12 if big <= 1e150 else 0.0)
    return float(np.linalg.norm(a - n)) / scale


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    r"""Central-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is perturbed *in place* one element at a time and restored afterwards, so ``f``
    must read ``x`` (for example a layer's ``params["W"]``).

    >>> x = np.array([1.0, 2.0])
    >>> np.round(numerical_gradient(lambda: float(np.sum(x ** 2)), x), 6)
    array([2., 4.])
    """
    grad = np.zeros_like(x, dtype=np.float64)
    flat = x.reshape(-1)  # a view: writing to it perturbs x
    gflat = grad.reshape(-1)
    for j in range(flat.size):
        old = flat[j]
        flat[j] = old + eps
        f_plus = f()
        flat[j] = old - eps
        f_minus = f()
        flat[j] = old
        gflat[j] = (f_plus - f_minus) / (2 * eps)
    return grad


class GradcheckResult:
    """Per-array relative errors of one gradient check.

    ``errors`` maps a name (``"X"``, ``"W"``, ``"0.W"``, ``"Y_hat"``) to its relative error;
    ``passed`` is true when every error is below ``tol``. Printing it shows a table.
    """

    def __init__(self, errors: dict[str, float], tol: float) -> None:
        self.errors = errors
        self.tol = tol

    @property
    def passed(self) -> bool:
        return all(e < self.tol for e in self.errors.values())

    @property
    def max_error(self) -> float:
        return max(self.errors.values(), default=0.0)

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        width = max((len(k) for k in self.errors), default=4)
        lines = [f"{'array':<{width}}  relative error"]
        for k, e in self.errors.items():
            mark = "ok" if e < self.tol else f"FAILED (tol {self.tol:g})"
            lines.append(f"{k:<{width}}  {e:.2e}  {mark}")
        return "\n".join(lines)


def gradcheck(
    obj: Layer | Network | Loss,
    X,
    y=None,
    *,
    loss: Loss | None = None,
    eps: float = 1e-6,
    tol: float = 1e-6,
    rng=None,
    check_input: bool = True,
    upstream=None,
) -> GradcheckResult:
    r"""Compare backpropagated gradients with central differences.

    Parameters
    ----------
    obj : Layer, Network or Loss
        What to check. A layer or network is contracted with a random upstream gradient
        :math:`G` (or, for a network given ``loss`` and ``y``, checked through the loss);
        a loss is checked with respect to its predictions ``X`` (that is, :math:`\hat Y`).
    X : ndarray
        The input batch (for a loss: the predictions ``Y_hat``). Must be float64.
    y : ndarray, optional
        Targets, for a loss or a network checked with ``loss``.
    loss : Loss, optional
        With a network: check :math:`L(\text{net}(X), y)` instead of a random contraction.
    eps : float
        Step of the central difference.
    tol : float
        Relative error below which an array passes.
    rng : Generator or int, optional
        Source of the random upstream gradient.
    check_input : bool
        Also check the gradient with respect to ``X`` (``dX``).
    upstream : ndarray, optional
        The upstream gradient :math:`G` to contract the output with, instead of a random
        one (a layer or network without ``loss`` only). The chapter "Backpropagation, layer
        by layer" passes ``np.ones(...)`` to show what an all-ones :math:`G` fails to catch.

    Returns
    -------
    GradcheckResult
        ``result.errors`` maps each array's name to its relative error.

    Examples
    --------
    >>> from backprop_lab import Dense, Tanh, Network, MSE
    >>> net = Network([Dense(3, 4, rng=0), Tanh(), Dense(4, 2, rng=1)])
    >>> X = np.random.default_rng(2).standard_normal((5, 3))
    >>> gradcheck(net, X, rng=3).passed
    True
    >>> gradcheck(MSE(), X[:, :2], np.zeros((5, 2))).passed
    True
    """
    who = "gradcheck()"
    eps = check_positive_float(eps, "eps", who)
    tol = check_positive_float(tol, "tol", who)
    if not isinstance(obj, Layer | Network | Loss):
        raise TypeError(
            f"{who} expected a Layer, a Network or a Loss, got {type(obj).__name__}."
        )
    layers = obj.layers if isinstance(obj, Network) else [obj]
    for layer in layers:  # before X, whose dtype message would point the wrong way
        if getattr(layer, "dtype", None) not in (None, np.float64):
            raise TypeError(
                f"{who} expected float64 layers, got {layer!r} in {layer.dtype}: central "
                "differences are too inaccurate in float32. Build the layers with "
                "dtype=np.float64 to check them."
            )
    X = check_has_rows(check_float_array(X, "X", who, ndim=None), "X", who)
    if X.dtype != np.float64:
        raise TypeError(
            f"{who} expected float64 inputs, got {X.dtype}: central differences are too "
            "inaccurate in float32. Build the layers with dtype=np.float64 and pass "
            "X.astype(np.float64)."
        )
    X = X.copy()  # perturbed in place below; the caller's array stays untouched
    rng = check_rng(rng, who)
    if not isinstance(check_input, bool):
        raise TypeError(f"{who} expected check_input to be True or False, got {check_input!r}.")
    if isinstance(obj, Loss) and loss is not None:
        raise ValueError(
            f"{who} was given the loss {obj!r} to check and also loss={loss!r}, which would be "
            "ignored. Pass the loss to check as the first argument only."
        )
    if upstream is not None and (isinstance(obj, Loss) or loss is not None):
        raise ValueError(
            f"{who} was given upstream and a loss: through a loss the upstream gradient is "
            "the loss's own. Pass upstream=... only to check a layer or network without a loss."
        )
    if not isinstance(obj, Loss) and loss is None and y is not None:
        raise ValueError(
            f"{who} was given targets y but no loss, so y would be ignored (the check uses a "
            "random upstream gradient). Pass loss=..., e.g. gradcheck(net, X, y, loss=MSE()), "
            "or leave out y."
        )

    if isinstance(obj, Loss):
        if y is None:
            raise ValueError(f"{who} checking a loss needs the targets y.")
        obj.forward(X, y)  # errors here are about X and y themselves
        analytic = obj.backward()
        try:
            numeric = numerical_gradient(lambda: obj.forward(X, y), X, eps)
        except ValueError as err:
            raise ValueError(
                f"{who}: {obj!r} accepts Y_hat but refuses Y_hat +- eps (eps={eps:g}), which "
                f"central differences evaluate: {err} Keep every prediction at least eps inside "
                "the loss's domain (for BinaryCrossEntropy, in [eps, 1 - eps]), or pass a "
                "smaller eps."
            ) from err
        _check_numeric_finite(numeric, "Y_hat", who)
        return GradcheckResult({"Y_hat": relative_error(analytic, numeric)}, tol)

    if isinstance(obj, Network):
        named = [(name, p) for name, p, _ in obj.named_parameters()]
        grads = {name: g for name, _, g in obj.named_parameters()}
    else:
        named = list(obj.params.items())
        grads = obj.grads

    for name, param in named:
        if not np.isfinite(param).all():
            raise ValueError(
                f"{who}: the parameter {name} contains NaN or infinity, so no gradient can be "
                "checked. Build the layer or network afresh."
            )
    if loss is not None:
        if y is None:
            raise ValueError(f"{who} was given a loss but no targets y.")
        loss = _as_loss(loss, who)

        def f() -> float:
            return loss.forward(obj.forward(X), y)

        f()
        dX = obj.backward(loss.backward())
    else:
        Y = obj.forward(X)
        if upstream is None:
            G = rng.standard_normal(Y.shape)
        else:
            G = check_float_array(upstream, "upstream", who, ndim=None)
            if G.shape != Y.shape:
                raise ValueError(
                    f"{who} expected upstream of shape {Y.shape} (the "
                    f"shape of the output), got {G.shape}. Pass an array "
                    f"shaped like obj.forward(X), e.g. np.ones({Y.shape})."
                )

        def f() -> float:
            return float(np.sum(G * obj.forward(X)))

        dX = obj.backward(G)

    analytic = {name: np.array(grads[name], copy=True) for name, _ in named}
    errors = {}
    with np.errstate(over="ignore", invalid="ignore"):  # a non-finite difference is reported
        if check_input:
            _check_eps_resolves(X, "X", eps, who)
            numeric = numerical_gradient(f, X, eps)
            _check_numeric_finite(numeric, "X", who)
            errors["X"] = relative_error(dX, numeric)
        for name, param in named:
            _check_eps_resolves(param, name, eps, who)
            numeric = numerical_gradient(f, param, eps)
            _check_numeric_finite(numeric, name, who)
            errors[name] = relative_error(analytic[name], numeric)
    return GradcheckResult(errors, tol)


def _check_eps_resolves(x: np.ndarray, name: str, eps: float, who: str) -> None:
    """Raise if ``x + eps == x`` somewhere: the difference would then be 0, not a slope."""
    big = float(np.abs(x).max(initial=0.0))
    if big + eps == big:
        raise ValueError(
            f"{who}: eps={eps:g} is below the float64 spacing of {name}, whose largest value "
            f"is {big:.3g} ({name} + eps == {name} there), so the central differences would be "
            "0. Check gradients on values of moderate size, or pass a larger eps."
        )


def _check_numeric_finite(numeric: np.ndarray, name: str, who: str) -> None:
    if not np.isfinite(numeric).all():
        raise ValueError(
            f"{who}: the central differences for {name} are not finite: the values are too "
            "large for f(x + eps) - f(x - eps) to stay finite. Check gradients on inputs of "
            "moderate size, e.g. rng.standard_normal(shape)."
        )
