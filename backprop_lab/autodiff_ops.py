r"""The operations of the scalar autodiff: each one's forward value and local derivatives
(chapter "The chain rule on a computational graph").

Every operation a :class:`~backprop_lab.autodiff.Value` supports is a small class here
that holds its maths on one screen, as minitorch's ``ScalarFunction`` s do:

- ``forward``: the value :math:`z` from the inputs' numbers;
- ``backward(z, dz)``: what each input :math:`x` receives through the node ``z``,
  :math:`\partial z/\partial x \cdot dz`, where :math:`dz = \partial L/\partial z`
  arrives from above.

A result node records which class made it, never a function (no closure), so graphs
have no reference cycles. :mod:`backprop_lab.autodiff` holds the ``Value`` class: the
checks of the user's input, the graph and :meth:`~backprop_lab.autodiff.Value.backward`.

Examples
--------
>>> from backprop_lab.autodiff import Value
>>> from backprop_lab.autodiff_ops import MulOp
>>> a, b = Value(3.0), Value(2.0)
>>> z = a * b
>>> z.op == MulOp.symbol, MulOp.forward(3.0, 2.0), MulOp.backward(z, 1.0)
(True, 6.0, (2.0, 3.0))
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotations: this module is below autodiff
    from backprop_lab.autodiff import Value

__all__ = [
    "Operation",
    "Leaf",
    "AddOp",
    "SubOp",
    "MulOp",
    "DivOp",
    "NegOp",
    "PowOp",
    "ReLUOp",
    "TanhOp",
    "ExpOp",
    "LogOp",
    "SigmoidOp",
    "SumOp",
    "DotOp",
]

_isfinite = math.isfinite


class Operation:
    r"""One operation of the graph: its forward value and local derivatives.

    Chapter "The chain rule". For :math:`z = f(a, b, \dots)` a subclass
    defines:

    ``symbol``
        The name in a drawing of the graph (:attr:`Value.op`).
    ``forward(a, b, ...) -> z``
        The value, from the inputs' numbers.
    ``backward(z, dz) -> (da, db, ...)``
        Given the node ``z`` (a :class:`Value`; its ``children`` are the
        inputs) and :math:`dz = \partial L/\partial z`, what each input
        receives through ``z``: :math:`da = \partial z/\partial a \cdot dz`,
        one number per input, in the order of ``z.children``.
        :meth:`Value.backward` adds them to the inputs' ``grad``.

    Both are static methods, plain arithmetic. A node stores which class
    made it (plus its inputs), never a function, so a graph holds no
    reference cycles. ``backward(z, 1.0)`` gives the local derivatives
    themselves (:meth:`Value.local_derivatives`).
    """

    symbol = ""


class Leaf(Operation):
    """A number given, not computed: an input, a weight or a constant.

    ``Value(x)`` makes one. It has no inputs, so it passes nothing on.
    """

    symbol = ""

    @staticmethod
    def backward(z: Value, dz: float) -> tuple[()]:
        return ()


class AddOp(Operation):
    r"""Sum :math:`z = a + b`.

    :math:`\partial z/\partial a = 1`, :math:`\partial z/\partial b = 1`.
    """

    symbol = "+"

    @staticmethod
    def forward(a: float, b: float) -> float:
        return a + b

    @staticmethod
    def backward(z: Value, dz: float) -> tuple[float, float]:
        return dz, dz


class SubOp(Operation):
    r"""Difference :math:`z = a - b`.

    :math:`\partial z/\partial a = 1`, :math:`\partial z/\partial b = -1`.
    """

    symbol = "-"

    @staticmethod
    def forward(a: float, b: float) -> float:
        return a - b

    @staticmethod
    def backward(z: Value, dz: float) -> tuple[float, float]:
        return dz, -dz


class MulOp(Operation):
    r"""Product :math:`z = a b`.

    :math:`\partial z/\partial a = b`, :math:`\partial z/\partial b = a`.
    """

    symbol = "*"

    @staticmethod
    def forward(a: float, b: float) -> float:
        return a * b

    @staticmethod
    def backward(z: Value, dz: float) -> tuple[float, float]:
        a, b = z._prev
        return b.data * dz, a.data * dz


class DivOp(Operation):
    r"""Quotient :math:`z = a / b`.

    :math:`\partial z/\partial a = 1/b`,
    :math:`\partial z/\partial b = -a/b^2`.
    """

    symbol = "/"

    @staticmethod
    def forward(a: float, b: float) -> float:
        return a / b

    @staticmethod
    def backward(z: Value, dz: float) -> tuple[float, float]:
        a, b = z._prev
        return dz / b.data, -(a.data * dz / (b.data * b.data))


class NegOp(Operation):
    r"""Negation :math:`z = -a`.

    :math:`\partial z/\partial a = -1`.
    """

    symbol = "neg"

    @staticmethod
    def forward(a: float) -> float:
        return -a

    @staticmethod
    def backward(z: Value, dz: float) -> tuple[float]:
        return (-dz,)


class PowOp(Operation):
    r"""Power with a constant exponent :math:`z = a^n`.

    :math:`\partial z/\partial a = n\,a^{n-1}`. The exponent is a number
    stored on the node (:attr:`Value.exponent`), not an input: it receives
    no gradient.
    """

    symbol = "**"

    @staticmethod
    def forward(a: float, n: float) -> float:
        return a**n

    @staticmethod
    def backward(z: Value, dz: float) -> tuple[float]:
        (a,), n = z._prev, z._arg
        dz_da = n * a.data ** (n - 1.0)  # OverflowError beyond float64
        if not _isfinite(dz_da):  # n * ... can still overflow
            raise OverflowError
        return (dz_da * dz,)


class ReLUOp(Operation):
    r"""Rectified linear unit :math:`z = \max(0, a)`.

    :math:`\partial z/\partial a = 1` if :math:`a > 0`, else 0 (also at
    the kink :math:`a = 0`, as in PyTorch).
    """

    symbol = "relu"

    @staticmethod
    def forward(a: float) -> float:
        return a if a > 0.0 else 0.0

    @staticmethod
    def backward(z: Value, dz: float) -> tuple[float]:
        return (dz if z._prev[0].data > 0.0 else 0.0,)


class TanhOp(Operation):
    r"""Hyperbolic tangent :math:`z = \tanh a`.

    :math:`\partial z/\partial a = 1 - \tanh^2 a = 1 - z^2`.
    """

    symbol = "tanh"

    @staticmethod
    def forward(a: float) -> float:
        return math.tanh(a)

    @staticmethod
    def backward(z: Value, dz: float) -> tuple[float]:
        t = z.data
        return ((1.0 - t * t) * dz,)


class ExpOp(Operation):
    r"""Exponential :math:`z = e^a`.

    :math:`\partial z/\partial a = e^a = z`.
    """

    symbol = "exp"

    @staticmethod
    def forward(a: float) -> float:
        return math.exp(a)

    @staticmethod
    def backward(z: Value, dz: float) -> tuple[float]:
        return (z.data * dz,)


class LogOp(Operation):
    r"""Natural logarithm :math:`z = \ln a`.

    :math:`\partial z/\partial a = 1/a`.
    """

    symbol = "log"

    @staticmethod
    def forward(a: float) -> float:
        return math.log(a)

    @staticmethod
    def backward(z: Value, dz: float) -> tuple[float]:
        return (dz / z._prev[0].data,)


class SigmoidOp(Operation):
    r"""Logistic sigmoid :math:`z = \sigma(a) = 1/(1 + e^{-a})`.

    :math:`\partial z/\partial a = \sigma(a)(1 - \sigma(a)) = z(1 - z)`.
    Two branches, so that no ``exp`` overflows: :math:`1/(1+e^{-a})` for
    :math:`a \ge 0`, :math:`e^{a}/(1+e^{a})` for :math:`a < 0`.
    """

    symbol = "sigmoid"

    @staticmethod
    def forward(a: float) -> float:
        if a >= 0.0:
            return 1.0 / (1.0 + math.exp(-a))
        e = math.exp(a)
        return e / (1.0 + e)

    @staticmethod
    def backward(z: Value, dz: float) -> tuple[float]:
        s = z.data
        return (s * (1.0 - s) * dz,)


class SumOp(Operation):
    r"""Sum of many terms :math:`z = \sum_i a_i`, one node.

    :math:`\partial z/\partial a_i = 1` for every term. ``math.fsum`` adds
    the terms without rounding in between.
    """

    symbol = "sum"

    @staticmethod
    def forward(*a: float) -> float:
        return math.fsum(a)

    @staticmethod
    def backward(z: Value, dz: float) -> tuple[float, ...]:
        return (dz,) * len(z._prev)


class DotOp(Operation):
    r"""Dot product :math:`z = \sum_i w_i x_i`: one node, inputs (*w, *x).

    :math:`\partial z/\partial w_i = x_i`, :math:`\partial z/\partial x_i =
    w_i`: the rule of ``*`` for each pair, with the rule of ``+`` folded in.
    ``forward`` takes the two halves as Values (for speed: no copies).
    """

    symbol = "dot"

    @staticmethod
    def forward(w: tuple[Value, ...], x: tuple[Value, ...]) -> float:
        return sum([wi.data * xi.data for wi, xi in zip(w, x, strict=True)])

    @staticmethod
    def backward(z: Value, dz: float) -> list[float]:
        n = len(z._prev) // 2
        partners = z._prev[n:] + z._prev[:n]  # x_i for w_i, w_i for x_i
        return [p.data * dz for p in partners]
