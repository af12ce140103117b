r"""Optimizers: how a gradient becomes a parameter update (chapter "Gradient descent and
its variants").

An optimizer holds a network and, for each trainable array :math:`\theta` with gradient
:math:`g = \partial L/\partial\theta` (filled by ``net.backward``), applies one update per
:meth:`Optimizer.step`. The rules and their defaults are those of ``torch.optim.SGD``,
``torch.optim.RMSprop`` and ``torch.optim.Adam``, operation for operation, so the two
libraries agree step by step to float64 rounding.

=============  ==============================================================================
optimizer      update of :math:`\theta` at step :math:`t` (:math:`\lambda` = ``weight_decay``)
=============  ==============================================================================
``SGD``        :math:`g \leftarrow g + \lambda\theta`; :math:`\theta \leftarrow \theta - \eta g`
momentum       :math:`b_t = \mu b_{t-1} + g` (:math:`b_1 = g`);
               :math:`\theta \leftarrow \theta - \eta b_t`
Nesterov       :math:`\theta \leftarrow \theta - \eta (g + \mu b_t)`
``RMSProp``    :math:`v_t = \alpha v_{t-1} + (1-\alpha) g^2`;
               :math:`\theta \leftarrow \theta - \eta\, g / (\sqrt{v_t} + \epsilon)`
``Adam``       :math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g`,
               :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2) g^2`;
               :math:`\theta \leftarrow \theta - \frac{\eta}{1-\beta_1^t}\,
               \frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}`
=============  ==============================================================================

Every update happens in place on the parameter arrays themselves (a layer's ``params``
dict keeps the same array objects), with the state (velocities, running means) allocated
once, in the parameters' dtype (float32 stays float32).

Each optimizer's ``_update(i, param, grad)`` is its rule, written as the formulas above
read, with numpy's in-place operators (``b *= momentum`` multiplies the buffer ``b`` itself;
``param -= lr * g`` changes ``param``, and ``lr * g`` is a new array). This numpy code is the
reference. For parameters of at least ``_kernels.MIN_SIZE`` elements, when numba is
installed, :meth:`Optimizer.step` runs the rule's compiled twin from
:mod:`backprop_lab._kernels` instead: the same operations in the same order, one pass over
memory instead of one per operation, and the same bits (``tests/test_kernels.py``). (The new
arrays cost nothing on small parameters; on large ones without numba they make Adam's step
about 10 % slower than writing into buffers kept from step to step would.)
"""

from __future__ import annotations

import math

import numpy as np

from . import _kernels
from ._checks import check_positive_float, check_real, lookup
from .network import Network

__all__ = ["SGD", "Adam", "Optimizer", "RMSProp", "get_optimizer"]


# -- what each option must be -----------------------------------------------------------------
# Each optimizer declares its options in a table, _OPTIONS: name -> check. The constructor
# checks every option once (Optimizer._set_options); the updates then trust them.

def _learning_rate(value, name: str, who: str, *, allow_zero: bool = False) -> float:
    """A finite ``lr > 0`` (``>= 0`` from a schedule)."""
    value = check_real(value, name, who)
    bound = ">= 0" if allow_zero else "> 0"
    if not math.isfinite(value):
        raise ValueError(
            f"{who} expected a finite {name} {bound}, got {value}. "
            "Choose a learning rate such as 0.01."
        )
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(
            f"{who} expected {name} {bound}, got {value}. Choose a learning rate such as 0.01."
        )
    return value


def _fraction(hint: str):
    """A check for a number in ``[0, 1)`` (a momentum, a decay rate); ``hint`` says what to
    choose instead."""
    def check(value, name: str, who: str) -> float:
        value = check_real(value, name, who)
        if not 0.0 <= value < 1.0:
            raise ValueError(f"{who} expected 0 <= {name} < 1, got {value}. {hint}")
        return value
    return check


def _non_negative(value, name: str, who: str) -> float:
    """A finite number ``>= 0`` (a weight decay)."""
    return check_positive_float(value, name, who, allow_zero=True)


def _positive(value, name: str, who: str) -> float:
    """A finite number ``> 0`` (an epsilon)."""
    return check_positive_float(value, name, who)


def _flag(value, name: str, who: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{who} expected {name} to be True or False, got {value!r}.")
    return value


def _betas(value, name: str, who: str) -> tuple[float, float]:
    """A pair ``(beta1, beta2)``, each in ``[0, 1)``."""
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise TypeError(
            f"{who} expected {name} to be a pair (beta1, beta2), got {value!r}. "
            "The default is betas=(0.9, 0.999)."
        )
    return (_fraction("The default is 0.9.")(value[0], f"{name}[0]", who),
            _fraction("The default is 0.999.")(value[1], f"{name}[1]", who))


def _check_net(net, who: str):
    if not isinstance(net, Network):
        raise TypeError(
            f"{who} expected a Network as its first argument, got {type(net).__name__}. "
            f"Build the network first: {who.rstrip('()')}(net, lr=...)."
        )
    return net


class Optimizer:
    r"""Base class: holds the network, the learning rate and per-parameter state.

    Parameters
    ----------
    net : Network
        The network whose ``params`` are updated from its ``grads``.
    lr : float
        The learning rate :math:`\eta > 0`.
    **options
        The subclass's options, each checked by its entry in the class's ``_OPTIONS``
        table (name -> check) and stored as an attribute of the same name.

    Attributes
    ----------
    lr : float
        The learning rate used by the next :meth:`step`. Public: schedules
        (:mod:`backprop_lab.schedules`) and the book's widgets change it between steps.
        Setting it, like the constructor, requires ``lr > 0``; only a schedule may set 0
        (the end of a cosine annealing), which makes the steps do nothing, as in PyTorch.
    base_lr : float
        The learning rate the optimizer was built with; schedules scale this value.
    t : int
        Number of steps taken so far.

    Notes
    -----
    The parameters are collected once, at construction, as a list in layer order
    (the order of :meth:`Network.named_parameters`); each optimizer keeps its state in
    lists parallel to that one. Subclasses implement the rule, ``_update(i, param, grad)``,
    in numpy. A subclass that overrides ``_update`` always runs its own; one that keeps its
    parent's may get the compiled twin (:mod:`backprop_lab._kernels`).
    """

    _OPTIONS: dict = {}  # name -> check(value, name, who): the options a subclass takes

    def __init__(self, net, lr: float, **options) -> None:
        who = f"{type(self).__name__}()"
        self.net = _check_net(net, who)
        self._lr = _learning_rate(lr, "lr", who)
        self._set_options(options, who)
        self.base_lr = self._lr
        self.t = 0
        # (layer.params, layer.grads, key) triples: re-read at every step so a layer whose
        # grads dict was rebound still updates correctly; the arrays themselves never move.
        self._slots = [
            (layer.params, layer.grads, key) for layer in net.layers for key in layer.params
        ]

    def _set_options(self, options: dict, who: str) -> None:
        """Check each option against the class's ``_OPTIONS`` and store it as an attribute."""
        for name, value in options.items():
            if name not in self._OPTIONS:
                raise TypeError(
                    f"{who} got the option {name!r}, which {type(self).__name__}._OPTIONS does "
                    f"not declare. Add it there: {name!r}: a check(value, name, who)."
                )
            setattr(self, name, self._OPTIONS[name](value, name, who))

    @property
    def lr(self) -> float:
        """The learning rate of the next step; setting it checks the new value."""
        return self._lr

    @lr.setter
    def lr(self, value) -> None:
        self._lr = _learning_rate(value, "lr", f"Setting {type(self).__name__}.lr:")

    def _set_scheduled_lr(self, value, who: str) -> None:
        """Set ``lr`` from a schedule, which may reach 0 (the end of a cosine, an exponential
        decay that underflows): the steps then have size 0, as in PyTorch. Only a schedule
        may set 0; the constructor and ``opt.lr = ...`` keep refusing it."""
        self._lr = _learning_rate(value, "lr", who, allow_zero=True)

    def _zeros(self) -> list[np.ndarray]:
        """One zero array per parameter, of its shape and dtype: a state that starts at 0."""
        return [np.zeros_like(params[key]) for params, _, key in self._slots]

    def step(self) -> None:
        """Apply one update to every parameter, in place, from the current gradients."""
        self._check_grads()
        self.t += 1
        for i, (params, grads, key) in enumerate(self._slots):
            param, grad = params[key], grads[key]
            # a large parameter may take the rule's compiled twin (same bits, one pass)
            if not _kernels.update(self, i, param, grad):
                self._update(i, param, grad)

    def _update(self, i: int, param: np.ndarray, grad: np.ndarray) -> None:
        """The update rule of parameter ``i``: change ``param`` in place from ``grad``."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement _update(i, param, grad); use a concrete "
            "optimizer such as SGD(net, lr=0.1)."
        )

    def _check_grads(self) -> None:
        """Before any update: every gradient must be an array of its parameter's shape and
        dtype (a layer's ``grads`` dict may have been re-bound). O(1) per array: type, shape
        and dtype only, never the values."""
        for i, (params, grads, key) in enumerate(self._slots):
            param, grad = params[key], grads[key]
            if (type(grad) is not np.ndarray or grad.shape != param.shape
                    or grad.dtype != param.dtype):
                name = [n for n, _, _ in self.net.named_parameters()][i]
                got = (f"an array of shape {grad.shape} and dtype {grad.dtype}"
                       if isinstance(grad, np.ndarray) else type(grad).__name__)
                raise ValueError(
                    f"{type(self).__name__}.step(): the gradient of parameter {name} must be "
                    f"an array of its shape {param.shape} and dtype {param.dtype}, got {got}. "
                    "A layer's grads[key] may be re-bound, but to such an array, e.g. "
                    "np.zeros_like(param). No parameter was updated."
                )

    def zero_grad(self) -> None:
        """Set every gradient array to zero, in place.

        Not needed between steps of :func:`~backprop_lab.fit`: every backward pass
        overwrites the gradients rather than adding to them.
        """
        for _, grads, key in self._slots:
            grads[key].fill(0)

    def _options(self) -> str:
        return f"lr={self.lr:g}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._options()})"


class SGD(Optimizer):
    r"""Stochastic gradient descent, with optional momentum and Nesterov momentum.

    (Chapter "Gradient descent and its variants".) For each parameter :math:`\theta` with
    gradient :math:`g`, learning rate :math:`\eta`, momentum :math:`\mu` and weight decay
    :math:`\lambda`, exactly as ``torch.optim.SGD`` with ``dampening=0``:

    .. math::

        g &\leftarrow g + \lambda\theta \\
        b_t &= \begin{cases} g & t = 1 \\ \mu b_{t-1} + g & t > 1 \end{cases} \\
        \theta &\leftarrow \theta - \eta\, d, \qquad
        d = \begin{cases} g & \mu = 0 \\ b_t & \text{momentum} \\ g + \mu b_t & \text{Nesterov}
        \end{cases}

    Parameters
    ----------
    net : Network
    lr : float, default 0.001
        Learning rate :math:`\eta > 0` (PyTorch's default).
    momentum : float, default 0.0
        :math:`\mu \in [0, 1)`. The velocity buffer starts equal to the first gradient.
    nesterov : bool, default False
        Use Nesterov momentum; requires ``momentum > 0``.
    weight_decay : float, default 0.0
        L2 penalty :math:`\lambda \ge 0`, added to the gradient.

    Examples
    --------
    >>> import numpy as np
    >>> from backprop_lab import Dense, Network
    >>> net = Network([Dense(1, 1, init="zeros")])
    >>> net.layers[0].grads["W"][:] = 2.0
    >>> opt = SGD(net, lr=0.1)
    >>> opt.step()
    >>> net.layers[0].params["W"]
    array([[-0.2]])
    """

    _OPTIONS = {
        "momentum": _fraction("A typical value is 0.9."),
        "nesterov": _flag,
        "weight_decay": _non_negative,
    }

    def __init__(
        self,
        net,
        lr: float = 1e-3,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(net, lr, momentum=momentum, nesterov=nesterov,
                         weight_decay=weight_decay)
        if self.nesterov and self.momentum == 0:
            raise ValueError(
                "SGD() with nesterov=True needs momentum > 0, got momentum=0.0. "
                "Pass momentum=0.9, for example."
            )
        # velocity b per parameter; None until the first step (torch starts it at g)
        self.velocity: list[np.ndarray | None] = [None] * len(self._slots)

    def _update(self, i, param, grad):
        g = grad
        if self.weight_decay:
            g = g + self.weight_decay * param
        if self.momentum:
            b = self.velocity[i]
            if b is None:  # the first step: b = g
                b = self.velocity[i] = g.copy()
            else:
                b *= self.momentum
                b += g
            if self.nesterov:
                g = g + self.momentum * b
            else:
                g = b
        param -= self.lr * g

    def _options(self):
        out = f"lr={self.lr:g}"
        if self.momentum:
            out += f", momentum={self.momentum:g}"
        if self.nesterov:
            out += ", nesterov=True"
        if self.weight_decay:
            out += f", weight_decay={self.weight_decay:g}"
        return out


class RMSProp(Optimizer):
    r"""RMSProp: divide each gradient by a running root mean square of its past values.

    (Chapter "Gradient descent and its variants".) As ``torch.optim.RMSprop`` with
    ``centered=False``; :math:`v_0 = 0`, :math:`b_0 = 0`:

    .. math::

        g &\leftarrow g + \lambda\theta \\
        v_t &= \alpha v_{t-1} + (1-\alpha)\, g^2 \\
        \theta &\leftarrow \theta - \eta\, \frac{g}{\sqrt{v_t} + \epsilon}
        \quad\text{or, with momentum } \mu > 0:\quad
        b_t = \mu b_{t-1} + \frac{g}{\sqrt{v_t} + \epsilon},\;
        \theta \leftarrow \theta - \eta b_t

    Parameters
    ----------
    net : Network
    lr : float, default 0.01
    alpha : float, default 0.99
        Decay :math:`\alpha \in [0, 1)` of the running mean of :math:`g^2`.
    eps : float, default 1e-8
        :math:`\epsilon > 0`, added to :math:`\sqrt{v_t}` (outside the square root, as torch).
    momentum : float, default 0.0
    weight_decay : float, default 0.0
    """

    _OPTIONS = {
        "alpha": _fraction("A typical value is 0.99."),
        "eps": _positive,
        "momentum": _fraction("A typical value is 0.9."),
        "weight_decay": _non_negative,
    }

    def __init__(
        self,
        net,
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(net, lr, alpha=alpha, eps=eps, momentum=momentum,
                         weight_decay=weight_decay)
        self.square_avg = self._zeros()  # v
        self.velocity = self._zeros() if self.momentum else None  # b

    def _update(self, i, param, grad):
        g = grad
        if self.weight_decay:
            g = g + self.weight_decay * param
        v = self.square_avg[i]
        v *= self.alpha
        v += (1 - self.alpha) * g * g
        avg = np.sqrt(v) + self.eps
        if self.momentum:
            b = self.velocity[i]
            b *= self.momentum
            b += g / avg
            param -= self.lr * b
        else:
            param -= self.lr * g / avg

    def _options(self):
        out = f"lr={self.lr:g}, alpha={self.alpha:g}, eps={self.eps:g}"
        if self.momentum:
            out += f", momentum={self.momentum:g}"
        if self.weight_decay:
            out += f", weight_decay={self.weight_decay:g}"
        return out


class Adam(Optimizer):
    r"""Adam: momentum on the gradient, RMSProp on its scale, both bias-corrected.

    (Chapter "Gradient descent and its variants".) As ``torch.optim.Adam`` with
    ``amsgrad=False``; :math:`m_0 = v_0 = 0`:

    .. math::

        g &\leftarrow g + \lambda\theta \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g \\
        v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g^2 \\
        \theta &\leftarrow \theta - \frac{\eta}{1-\beta_1^t}\,
        \frac{m_t}{\sqrt{v_t}\,/\sqrt{1-\beta_2^t} + \epsilon}

    The last line is :math:`\theta - \eta\,\hat m_t/(\sqrt{\hat v_t}+\epsilon)` with the
    bias-corrected moments :math:`\hat m_t = m_t/(1-\beta_1^t)`,
    :math:`\hat v_t = v_t/(1-\beta_2^t)`.

    Adam is memory-bound (every step streams every parameter and both moments), so the code
    keeps the moments divided by their weights, :math:`n_t = m_t/(1-\beta_1)` and
    :math:`u_t = v_t/(1-\beta_2)`, which turns the updates into
    :math:`n_t = \beta_1 n_{t-1} + g` and :math:`u_t = \beta_2 u_{t-1} + g^2`, and puts every
    constant into two scalars:
    :math:`\theta \leftarrow \theta - c\,\frac{n_t}{\sqrt{u_t} + \epsilon k}` with
    :math:`k = \sqrt{(1-\beta_2^t)/(1-\beta_2)}` and :math:`c = \eta(1-\beta_1)k/(1-\beta_1^t)`.
    That is 10 operations per element instead of 12, with the same numbers as PyTorch to
    rounding. ``exp_avg`` and ``exp_avg_sq`` return :math:`m_t` and :math:`v_t` as PyTorch
    stores them. The price: :math:`u_t` is :math:`1/(1-\beta_2)` times :math:`v_t` (1000 with the
    default), so it overflows at gradients about 30 times smaller than PyTorch's :math:`v_t`,
    from about :math:`|g| = 6\cdot 10^{17}` in float32 (:math:`10^{152}` in float64), and the
    step of those entries becomes 0. Only a run that has already diverged has such gradients;
    ``fit`` stops it when its loss stops being finite.

    In numpy each of those operations is one pass over the arrays; the compiled twin (module
    docstring) does them in one, about four times faster on the benchmark's network.

    Parameters
    ----------
    net : Network
    lr : float, default 0.001
    betas : (float, float), default (0.9, 0.999)
        :math:`\beta_1, \beta_2 \in [0, 1)`.
    eps : float, default 1e-8
    weight_decay : float, default 0.0
        L2 penalty added to the gradient (not AdamW's decoupled decay).
    """

    _OPTIONS = {"betas": _betas, "eps": _positive, "weight_decay": _non_negative}

    def __init__(
        self,
        net,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(net, lr, betas=betas, eps=eps, weight_decay=weight_decay)
        self._n = self._zeros()  # m / (1 - beta1)
        self._u = self._zeros()  # v / (1 - beta2)

    @property
    def exp_avg(self) -> list[np.ndarray]:
        """The first moments :math:`m_t` (copies), one per parameter, as torch's ``exp_avg``."""
        return [n * (1 - self.betas[0]) for n in self._n]

    @property
    def exp_avg_sq(self) -> list[np.ndarray]:
        """The second moments :math:`v_t` (copies), as torch's ``exp_avg_sq``."""
        return [u * (1 - self.betas[1]) for u in self._u]

    def step(self) -> None:
        """Apply one Adam update to every parameter, in place."""
        t = self.t + 1  # the step about to be taken
        beta1, beta2 = self.betas
        # the bias corrections as torch computes them, folded into c and eps k
        bias_correction1 = 1 - beta1**t
        k = ((1 - beta2**t) / (1 - beta2)) ** 0.5
        self._c = self.lr * (1 - beta1) * k / bias_correction1
        self._eps_k = self.eps * k
        super().step()

    def _update(self, i, param, grad):
        # m and v are kept as n = m / (1 - beta1) and u = v / (1 - beta2), and the bias
        # corrections are in c and eps_k (class docstring): the same numbers as the
        # textbook's m_hat / (sqrt(v_hat) + eps) to rounding, in fewer operations
        beta1, beta2 = self.betas
        g = grad
        if self.weight_decay:
            g = g + self.weight_decay * param
        n, u = self._n[i], self._u[i]
        n *= beta1
        n += g  # m <- beta1 m + (1 - beta1) g
        u *= beta2
        u += g * g  # v <- beta2 v + (1 - beta2) g^2
        param -= self._c * (n / (np.sqrt(u) + self._eps_k))

    def _options(self):
        out = f"lr={self.lr:g}, betas=({self.betas[0]:g}, {self.betas[1]:g}), eps={self.eps:g}"
        if self.weight_decay:
            out += f", weight_decay={self.weight_decay:g}"
        return out


def _momentum_sgd(net, **kwargs) -> SGD:
    kwargs.setdefault("momentum", 0.9)
    return SGD(net, **kwargs)


_BY_NAME = {
    "sgd": SGD,
    "momentum": _momentum_sgd,
    "rmsprop": RMSProp,
    "adam": Adam,
}


def get_optimizer(name: str, net, **kwargs) -> Optimizer:
    """Build an optimizer by name: ``"sgd"``, ``"momentum"``, ``"rmsprop"`` or ``"adam"``.

    ``"momentum"`` is :class:`SGD` with ``momentum=0.9`` unless given. Keyword arguments
    go to the optimizer, e.g. ``get_optimizer("adam", net, lr=0.01)``.
    (Chapter "Gradient descent and its variants".)
    """
    import inspect

    make = lookup(name, _BY_NAME, "optimizer", "get_optimizer()")
    cls = SGD if make is _momentum_sgd else make
    accepted = [p for p in inspect.signature(cls).parameters if p != "net"]
    for key in kwargs:
        if key not in accepted:
            raise TypeError(
                f"get_optimizer(): {cls.__name__} has no option {key!r}. "
                f"It accepts {', '.join(accepted)}."
            )
    return make(net, **kwargs)
