r"""Scalar reverse-mode automatic differentiation (chapter 4, "The chain rule on a graph").

A :class:`Value` wraps one Python float and remembers how it was computed: the
operation that made it and that operation's inputs. Calling :meth:`Value.backward`
on a result walks that graph from the output back to the inputs and applies the
chain rule once per node:

.. math::

    \frac{\partial L}{\partial x} \mathrel{+}=
    \frac{\partial z}{\partial x}\,\frac{\partial L}{\partial z}
    \quad\text{for every node } z \text{ that uses } x.

Each operation is a small class of :mod:`backprop_lab.autodiff_ops` (``MulOp``,
``TanhOp``, ...) that holds its maths on one screen: ``forward``, the value
:math:`z` computed from the inputs, and ``backward``, the local derivatives
:math:`\partial z/\partial x` times the gradient :math:`\partial L/\partial z`
that arrives from above.

Design choices the chapter explains:

- A result records its history as plain data (its operation's class, its inputs
  and, for ``**``, the constant exponent), as minitorch does, never a closure. So a
  graph has no reference cycles and is freed as soon as the last name for it goes
  away (micrograd's ``out._backward`` closure made every graph cyclic garbage).
- The topological sort uses an explicit stack, not recursion, so a chain of
  100,000 nodes is no problem.
- ``__slots__`` keeps each node small and fast to create.
- Checks of the user's input (types, domains, overflow) happen in :class:`Value`'s
  methods, the public boundary; the operation classes hold the maths.

The networks built from ``Value`` objects (:class:`~backprop_lab.scalar_nn.Neuron`,
:class:`~backprop_lab.scalar_nn.ScalarLayer`, :class:`~backprop_lab.scalar_nn.MLP`)
live in :mod:`backprop_lab.scalar_nn`.

Examples
--------
>>> from backprop_lab.autodiff import Value
>>> x = Value(2.0, label="x")
>>> y = x * x + 3 * x          # y = x^2 + 3x
>>> y.backward()
>>> y.data, x.grad             # dy/dx = 2x + 3 = 7
(10.0, 7.0)
"""

from __future__ import annotations

import math
import numbers

from backprop_lab.autodiff_ops import (
    AddOp,
    DivOp,
    DotOp,
    ExpOp,
    Leaf,
    LogOp,
    MulOp,
    NegOp,
    Operation,
    PowOp,
    ReLUOp,
    SigmoidOp,
    SubOp,
    SumOp,
    TanhOp,
)

__all__ = ["Value", "NonFiniteError"]

# Creating nodes without calling __init__ skips the validation that only user data
# needs; every operation's result is built this way.
_new = object.__new__
_isfinite = math.isfinite


class NonFiniteError(OverflowError, ValueError):
    """An operation on finite :class:`Value` s gave, or would differentiate through, a
    number that is not finite (chapter "The chain rule on a computational graph").

    Raised when a result overflows float64 (``Value(1e308) * 10``), or when
    :meth:`Value.backward` meets an infinite local derivative (the slope of
    ``x ** 0.5`` at ``x = 0``). The message names the operation and its operands. It is
    both an ``OverflowError`` (float arithmetic ran out of range) and a ``ValueError``
    (the values are the problem), so either ``except`` clause catches it.
    """


# ---------------------------------------------------------------------- the public boundary
def _result(op: type[Operation], data: float, inputs: tuple, n: float | None = None) -> Value:
    """Record ``data`` as the result of ``op`` on ``inputs`` (and the exponent ``n``).

    A result that is not a finite float64 is refused here, so no inf or nan enters a graph.
    """
    if not _isfinite(data):
        operands = [x.data for x in inputs] + ([] if n is None else [n])
        raise _overflow(op.symbol, operands, data)
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._prev = inputs
    out._op = op
    out._arg = n
    out.label = ""
    return out


def _overflow(op: str, operands, data) -> NonFiniteError:
    """The error for an operation ``op`` on finite ``operands`` whose result is ``data``."""
    args = ", ".join(repr(float(x)) for x in operands)
    return NonFiniteError(
        f"Value {op}: the result of {op} on ({args}) is {data}, not a finite float64 "
        "(|x| < 1.8e308). Use smaller numbers: scale the inputs or weights down."
    )


def _infinite_derivative(z: Value) -> NonFiniteError:
    """The error for a node ``z`` whose local derivative is not finite (``**`` or ``/``)."""
    if z._op is PowOp:
        x, n = z._prev[0].data, z._arg
        why = " (a square root's slope at 0)" if n == 0.5 and x == 0 else ""
        return NonFiniteError(
            f"Value.backward(): the derivative of x ** {n:g}, {n:g} * x ** "
            f"{n - 1.0:g}, is not finite at x = {x!r}{why}. Keep the base "
            f"away from 0, e.g. (x + 1e-12) ** {n:g}."
        )
    if z._op is DivOp:  # b * b underflowed to 0
        a, b = (v.data for v in z._prev)
        return NonFiniteError(
            f"Value.backward(): the derivative of a / b with respect to b, -a / b**2, "
            f"is not finite for a = {a!r}, b = {b!r}: b**2 is below the "
            "smallest float64. Keep the divisor away from 0, e.g. a / (b + 1e-12)."
        )
    inputs = ", ".join(repr(v.data) for v in z._prev)  # only a node edited by hand
    return NonFiniteError(
        f"Value.backward(): the derivative of {z.op} is not finite at ({inputs}). "
        "Keep the inputs away from the points where it is undefined."
    )


def _lift(other):
    """Wrap a number as a constant leaf ``Value``. An array or a list is refused with advice
    (a ``Value`` holds one number); anything else is not ours to handle."""
    if isinstance(other, numbers.Real) and not isinstance(other, bool):
        return Value(other)
    if hasattr(other, "__array__") or isinstance(other, list | tuple):
        shape = getattr(other, "shape", None)
        if shape == ():  # a 0-d array is one number
            return Value(float(other))
        what = (f"an array of shape {shape}" if shape is not None
                else f"a {type(other).__name__} of length {len(other)}")
        raise TypeError(
            f"Value arithmetic expected a Value or a real number, got {what}. A Value holds "
            "one number: combine it with each entry in turn, e.g. [x * float(a) for a in "
            "values], or use Value.sum(terms) and Value.dot(w, x) for sums over many."
        )
    return NotImplemented


def _as_value(v, who: str):
    """Return ``v`` if it is a Value, else a constant leaf (``Value`` validates the number)."""
    if v.__class__ is Value or isinstance(v, Value):
        return v
    try:
        return Value(v)
    except TypeError:
        raise TypeError(
            f"{who} expected Values or real numbers, got {type(v).__name__}: {v!r}."
        ) from None


def _as_terms(values, who: str) -> tuple:
    """Return an iterable of Values or numbers as a tuple of Values."""
    try:
        items = iter(values)
    except TypeError:
        raise TypeError(
            f"{who} expected an iterable (list or tuple) of Values or numbers, got "
            f"{type(values).__name__}: {values!r}. Wrap a single term in a list: [v]."
        ) from None
    return tuple(_as_value(v, who) for v in items)


def _dot(w: tuple, x: tuple) -> Value:
    """The ``dot`` node of two equally long tuples of Values, without checks of the inputs
    (:class:`~backprop_lab.scalar_nn.Neuron` calls it with inputs it has checked)."""
    data = DotOp.forward(w, x)
    if not _isfinite(data):
        raise NonFiniteError(
            f"Value.dot: the dot product of {len(w)} pairs is {data}, not a finite float64 "
            f"(largest |w_i| {max(abs(a.data) for a in w):.3g}, largest |x_i| "
            f"{max(abs(b.data) for b in x):.3g}). Use smaller numbers: scale the inputs or "
            "weights down."
        )
    return _result(DotOp, data, w + x)


def _refuse_nonfinite_data(topo: list[Value]) -> None:
    """Raise if a node of the graph holds inf or nan (only a node edited by hand can)."""
    for v in topo:  # leaves are finite (checked by Value()), and so is every result
        if not _isfinite(v.data):
            raise ValueError(
                f"Value.backward(): the graph holds a node {v.op!r} whose value is {v.data} "
                "although every leaf is finite: the arithmetic overflowed, and no gradient "
                "can be trusted. Use smaller numbers (scale the inputs or weights down)."
            )


def _refuse_nonfinite_grads(topo: list[Value], saved: list[float]) -> None:
    """After a pass: if a gradient is not finite, put back the ``saved`` grads and raise."""
    for v in topo:
        if not _isfinite(v.grad):
            grad = v.grad
            _restore(topo, saved)
            raise NonFiniteError(
                f"Value.backward(): a gradient overflowed to {grad} (at a node "
                f"{v.op or 'leaf'!r} with value {v.data:.3g}), although every value is "
                "finite: a local derivative such as 1/x near x = 0 is too large. Keep "
                "log() and division away from zero."
            )


def _restore(topo: list[Value], saved: list[float]) -> None:
    """Put back the grads that ``backward`` found, after a failed pass."""
    for v, g in zip(topo, saved, strict=True):
        v.grad = g


class Value:
    r"""A scalar that records how it was computed, for reverse-mode autodiff.

    Chapter "The chain rule". Each arithmetic operation returns a new ``Value``
    whose ``op`` names the operation and whose ``children`` are its operands.
    :meth:`backward` then fills ``.grad`` of every node in the graph with
    :math:`\partial \text{output} / \partial \text{node}`.

    Forward and local derivatives, for :math:`z = f(a, b)`; each row is one
    class of :mod:`backprop_lab.autodiff_ops` that holds both (its ``backward``
    multiplies the local derivative by :math:`\bar z = \partial L/\partial z`):

    ============  =========================  ==============================  ===============
    op            forward                    local derivatives               rule
    ============  =========================  ==============================  ===============
    ``+``         :math:`z = a + b`          :math:`1,\ 1`                   :class:`AddOp`
    ``-``         :math:`z = a - b`          :math:`1,\ -1`                  :class:`SubOp`
    ``*``         :math:`z = a b`            :math:`b,\ a`                   :class:`MulOp`
    ``/``         :math:`z = a / b`          :math:`1/b,\ -a/b^2`            :class:`DivOp`
    ``neg``       :math:`z = -a`             :math:`-1`                      :class:`NegOp`
    ``**``        :math:`z = a^n`            :math:`n a^{n-1}`               :class:`PowOp`
    ``relu``      :math:`z = \max(0, a)`     :math:`[a > 0]`                 :class:`ReLUOp`
    ``tanh``      :math:`z = \tanh a`        :math:`1 - z^2`                 :class:`TanhOp`
    ``exp``       :math:`z = e^a`            :math:`z`                       :class:`ExpOp`
    ``log``       :math:`z = \ln a`          :math:`1 / a`                   :class:`LogOp`
    ``sigmoid``   :math:`z = 1/(1+e^{-a})`   :math:`z(1 - z)`                :class:`SigmoidOp`
    ``sum``       :math:`z = \sum_i a_i`     :math:`1` for every term        :class:`SumOp`
    ``dot``       :math:`z = \sum_i w_i x_i` :math:`x_i` for :math:`w_i`,    :class:`DotOp`
                                             :math:`w_i` for :math:`x_i`
    ============  =========================  ==============================  ===============

    Parameters
    ----------
    data : float
        A finite real number (``int``, ``float`` or a numpy scalar). Stored as
        ``float``.
    label : str, optional
        A name shown when the graph is drawn, e.g. ``"w1"``.

    Attributes
    ----------
    data : float
        The value computed by the forward pass.
    grad : float
        :math:`\partial \text{output}/\partial \text{self}` after
        :meth:`backward`; ``0.0`` until then. Gradients *accumulate* over several
        ``backward`` calls, as PyTorch's do; reset them with :meth:`zero_grad`.
    label : str
        The display name.
    op : str
        The operation that produced this node (the ``symbol`` of its
        :class:`Operation`), ``""`` for a leaf (an input, a parameter or a constant).
    children : tuple of Value
        The operands of ``op``, in order; empty for a leaf. ``_prev`` is the same
        tuple (micrograd's name).
    exponent : float or None
        The constant :math:`n` of a ``**`` node; ``None`` for every other node.

    Raises
    ------
    TypeError
        If ``data`` is not a real number (a ``bool``, a string, a ``Value``...).
    ValueError
        If ``data`` is NaN or infinite.

    Notes
    -----
    Every operation checks its result: one that is not a finite float64
    (``Value(1e308) * 10``) raises :class:`NonFiniteError` naming the operation and
    its operands, and :meth:`backward` raises it for an infinite local derivative
    (the slope of ``x ** 0.5`` at 0), so no inf or nan ever enters a graph or a grad.

    Numbers mixed with a ``Value`` (``2 * x``, ``x - 1``, ``1 / x``) become
    constant leaf nodes. In-place forms such as ``x += 1`` rebind ``x`` to a new
    node and leave the old node, and any graph that uses it, untouched.

    **Walking the graph** (to draw it, or to follow the chain rule by hand):
    ``nodes, edges = out.graph()`` lists every node, inputs before the nodes that
    use them, and every ``(child, parent)`` edge. For each node, ``node.op`` is the
    operation's name, ``node.children`` its inputs, ``node.exponent`` the constant
    of ``**``, and ``node.local_derivatives()`` gives
    :math:`\partial\,\text{node}/\partial\,\text{child}` for each child, in the
    order of ``children``. :meth:`backward` is exactly: for every node, from the
    output back, add ``local derivative * node.grad`` to each child's ``grad``.

    Examples
    --------
    >>> a = Value(3.0, label="a")
    >>> b = Value(-2.0, label="b")
    >>> c = a * b + a          # c = ab + a
    >>> c.backward()
    >>> c
    Value(data=-3.0, grad=1.0)
    >>> a.grad, b.grad         # dc/da = b + 1, dc/db = a
    (-1.0, 3.0)
    >>> ab = c.children[0]
    >>> ab.op, ab.local_derivatives()    # d(ab)/da = b, d(ab)/db = a
    ('*', (-2.0, 3.0))
    """

    __slots__ = ("data", "grad", "_prev", "_op", "_arg", "label", "__weakref__")

    # numpy must not treat a Value as an array: np.float64(2) * x calls x.__rmul__.
    __array_ufunc__ = None

    def __init__(self, data, label: str = ""):
        if isinstance(data, Value):
            raise TypeError(
                "Value expected data to be a real number, got a Value. "
                "Use the Value itself, or Value(x.data) for a new leaf with the same number."
            )
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(
                f"Value expected data to be a real number (int or float), "
                f"got {type(data).__name__}: {data!r}."
            )
        try:
            data = float(data)
        except OverflowError:  # an int beyond float64, e.g. 10**400
            raise ValueError(
                f"Value expected finite data, got an integer of {len(str(abs(data)))} digits, "
                "too large for a float64 (|x| < 1.8e308). Use smaller numbers."
            ) from None
        if not math.isfinite(data):
            raise ValueError(
                f"Value expected finite data, got {data}. "
                "NaN and infinity have no useful gradient; check the computation that made it."
            )
        if not isinstance(label, str):
            raise TypeError(f"Value expected label to be a str, got {type(label).__name__}.")
        self.data = data
        self.grad = 0.0
        self._prev = ()  # a leaf: no inputs
        self._op = Leaf
        self._arg = None
        self.label = label

    # ------------------------------------------------------------------ inspection
    @property
    def op(self) -> str:
        """The operation that produced this node (``""`` for a leaf)."""
        return self._op.symbol

    @property
    def children(self) -> tuple[Value, ...]:
        """The operands of :attr:`op`, in order (empty for a leaf)."""
        return self._prev

    @property
    def exponent(self) -> float | None:
        """The constant exponent :math:`n` of a ``**`` node (``None`` for any other node)."""
        return self._arg

    def local_derivatives(self) -> tuple[float, ...]:
        r"""Return :math:`\partial\,\text{self}/\partial c` for each child.

        In the order of :attr:`children`; ``()`` for a leaf. These are
        the numbers that :meth:`backward` multiplies by ``self.grad`` and
        adds to the children's ``grad``.

        Raises
        ------
        NonFiniteError
            If a derivative is not finite (``x ** 0.5`` at ``x = 0``).

        Examples
        --------
        >>> a, b = Value(3.0), Value(2.0)
        >>> (a * b).local_derivatives()      # b, a
        (2.0, 3.0)
        >>> (a / b).local_derivatives()      # 1/b, -a/b^2
        (0.5, -0.75)
        >>> a.local_derivatives()
        ()
        """
        try:
            return tuple(self._op.backward(self, 1.0))
        except ArithmeticError:
            raise _infinite_derivative(self) from None

    def __repr__(self) -> str:
        return f"Value(data={self.data!r}, grad={self.grad!r})"

    # ------------------------------------------------------------------ binary ops
    def __add__(self, other) -> Value:
        r"""Return :math:`z = a + b` (rule: :class:`AddOp`)."""
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        data = AddOp.forward(self.data, other.data)
        return _result(AddOp, data, (self, other))

    def __radd__(self, other) -> Value:
        """Return ``other + self`` for a number ``other``."""
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other.__add__(self)

    def __sub__(self, other) -> Value:
        r"""Return :math:`z = a - b` (rule: :class:`SubOp`)."""
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        data = SubOp.forward(self.data, other.data)
        return _result(SubOp, data, (self, other))

    def __rsub__(self, other) -> Value:
        """Return ``other - self`` for a number ``other``."""
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other.__sub__(self)

    def __mul__(self, other) -> Value:
        r"""Return :math:`z = ab` (rule: :class:`MulOp`)."""
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        data = MulOp.forward(self.data, other.data)
        return _result(MulOp, data, (self, other))

    def __rmul__(self, other) -> Value:
        """Return ``other * self`` for a number ``other``."""
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other.__mul__(self)

    def __truediv__(self, other) -> Value:
        r"""Return :math:`z = a/b` (rule: :class:`DivOp`).

        Raises
        ------
        ZeroDivisionError
            If ``b`` is zero.
        """
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        if other.data == 0.0:
            raise ZeroDivisionError(
                f"Value division by zero: {self.data!r} / 0.0. "
                "Add a small epsilon to the denominator if it can be zero."
            )
        data = DivOp.forward(self.data, other.data)
        return _result(DivOp, data, (self, other))

    def __rtruediv__(self, other) -> Value:
        """Return ``other / self`` for a number ``other``."""
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other.__truediv__(self)

    def __pow__(self, exponent) -> Value:
        r"""Return :math:`z = a^n` for a constant number :math:`n` (rule: :class:`PowOp`).

        The exponent is a constant stored on the node (:attr:`exponent`), not a
        child, so it receives no gradient.

        Raises
        ------
        TypeError
            If the exponent is a ``Value`` or not a real number.
        ValueError
            If the result is not a real number (a negative base with a fractional
            exponent) or is undefined (zero to a negative power).
        """
        if isinstance(exponent, Value):
            raise TypeError(
                "Value ** expected a number exponent (int or float), got a Value. "
                "For a variable exponent with a positive base write (n * x.log()).exp() "
                "instead of x ** n."
            )
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            raise TypeError(
                f"Value ** expected a number exponent (int or float), "
                f"got {type(exponent).__name__}: {exponent!r}."
            )
        n = float(exponent)
        if not math.isfinite(n):
            raise ValueError(f"Value ** expected a finite exponent, got {n}.")
        x = self.data
        if x == 0.0 and n < 0.0:
            raise ValueError(f"Value ** is undefined for 0.0 ** {n}: zero to a negative power.")
        if x < 0.0 and not n.is_integer():
            raise ValueError(
                f"Value ** expected a non-negative base for the fractional exponent {n}, "
                f"got {x}. The result would be a complex number."
            )
        try:
            data = PowOp.forward(x, n)
        except OverflowError:
            data = math.inf
        return _result(PowOp, data, (self,), n)

    def __rpow__(self, base):
        raise TypeError(
            "number ** Value is not supported (the exponent would be a variable). "
            "For a positive base c write (x * math.log(c)).exp() instead of c ** x."
        )

    # ------------------------------------------------------------------ unary ops
    def __neg__(self) -> Value:
        r"""Return :math:`z = -a` (rule: :class:`NegOp`)."""
        return _result(NegOp, NegOp.forward(self.data), (self,))

    def __pos__(self) -> Value:
        """Return ``self`` unchanged (``+x`` adds no node)."""
        return self

    def relu(self) -> Value:
        r"""Rectified linear unit :math:`z = \max(0, a)` (:class:`ReLUOp`).

        The derivative at the kink :math:`a = 0` is 0, as in PyTorch.

        Examples
        --------
        >>> Value(-1.5).relu().data, Value(2.0).relu().data
        (0.0, 2.0)
        """
        return _result(ReLUOp, ReLUOp.forward(self.data), (self,))

    def tanh(self) -> Value:
        r"""Hyperbolic tangent :math:`z = \tanh a` (rule: :class:`TanhOp`).

        Examples
        --------
        >>> x = Value(0.0)
        >>> y = x.tanh()
        >>> y.backward()
        >>> y.data, x.grad
        (0.0, 1.0)
        """
        return _result(TanhOp, TanhOp.forward(self.data), (self,))

    def exp(self) -> Value:
        r"""Exponential :math:`z = e^a` (rule: :class:`ExpOp`).

        Raises
        ------
        NonFiniteError
            If :math:`e^a` does not fit in a float64 (:math:`a > 709.78`); an
            ``OverflowError`` and a ``ValueError``.
        """
        try:
            data = ExpOp.forward(self.data)
        except OverflowError:
            raise NonFiniteError(
                f"Value.exp() overflows float64 for data={self.data} (the limit is about "
                "709.78). Rescale the input, or use sigmoid()/tanh() which are stable."
            ) from None
        return _result(ExpOp, data, (self,))

    def log(self) -> Value:
        r"""Natural logarithm :math:`z = \ln a` (rule: :class:`LogOp`).

        Raises
        ------
        ValueError
            If ``data <= 0``.
        """
        x = self.data
        if x <= 0.0:
            raise ValueError(
                f"Value.log() expected data > 0, got {x}. "
                "Clip the argument first, e.g. (p + 1e-12).log()."
            )
        return _result(LogOp, LogOp.forward(x), (self,))

    def sigmoid(self) -> Value:
        r"""Logistic sigmoid :math:`z = 1/(1 + e^{-a})` (:class:`SigmoidOp`).

        Examples
        --------
        >>> Value(0.0).sigmoid().data
        0.5
        >>> Value(-1000.0).sigmoid().data, Value(1000.0).sigmoid().data
        (0.0, 1.0)
        """
        return _result(SigmoidOp, SigmoidOp.forward(self.data), (self,))

    # ------------------------------------------------------------------ n-ary ops
    @staticmethod
    def sum(values) -> Value:
        r"""Return :math:`z = \sum_i a_i` as one node (rule: :class:`SumOp`).

        Python's ``sum(values)`` gives the same number and gradients through a
        chain of ``+`` nodes; this builds a single node, which is smaller to draw
        and faster to differentiate.

        Parameters
        ----------
        values : iterable of Value or numbers
            At least one term. Numbers become constant leaves.

        Raises
        ------
        TypeError
            If ``values`` is not iterable or holds anything but Values and numbers.
        ValueError
            If ``values`` is empty.

        Examples
        --------
        >>> a, b = Value(1.0), Value(2.0)
        >>> s = Value.sum([a, b, a])
        >>> s.backward()
        >>> s.data, a.grad, b.grad
        (4.0, 2.0, 1.0)
        """
        terms = _as_terms(values, "Value.sum")
        if not terms:
            raise ValueError("Value.sum expected at least one term, got none.")
        try:
            data = SumOp.forward(*[t.data for t in terms])
        except OverflowError:  # fsum refuses an intermediate overflow
            data = math.inf
        if not _isfinite(data):
            raise NonFiniteError(
                f"Value.sum: the sum of {len(terms)} terms (largest "
                f"{max(abs(t.data) for t in terms):.3g}) is not a finite float64 (|x| < "
                "1.8e308). Use smaller numbers: scale the inputs or weights down."
            )
        return _result(SumOp, data, terms)

    @staticmethod
    def dot(w, x) -> Value:
        r"""Return the dot product :math:`z = \sum_i w_i x_i` as one node (rule: :class:`DotOp`).

        It gives the same gradients as ``sum(wi * xi for wi, xi in zip(w, x))``
        with one node instead of :math:`2n - 1`;
        :class:`~backprop_lab.scalar_nn.Neuron` uses it.

        Parameters
        ----------
        w, x : sequence of Value or numbers, same length n >= 1
            Numbers become constant leaves. ``children`` of the result is
            ``(*w, *x)``.

        Raises
        ------
        TypeError
            If ``w`` or ``x`` is not iterable or holds anything but Values and numbers.
        ValueError
            If the lengths differ or are zero.

        Examples
        --------
        >>> w = [Value(2.0), Value(-1.0)]
        >>> x = [Value(3.0), Value(4.0)]
        >>> z = Value.dot(w, x)
        >>> z.backward()
        >>> z.data, [wi.grad for wi in w], [xi.grad for xi in x]
        (2.0, [3.0, 4.0], [2.0, -1.0])
        """
        w = _as_terms(w, "Value.dot")
        x = _as_terms(x, "Value.dot")
        if len(w) != len(x) or not w:
            raise ValueError(
                f"Value.dot expected w and x of the same length >= 1, "
                f"got lengths {len(w)} and {len(x)}."
            )
        return _dot(w, x)

    # ------------------------------------------------------------------ the graph
    def _topo(self) -> list[Value]:
        """Every node this one uses, children before parents, ``self`` last.

        Depth-first post-order with an explicit stack of (node, iterator
        over its children), so that neither a long chain (no recursion) nor
        a wide node (each child is looked at once) is a problem. A node
        enters ``seen`` when it is pushed; in a DAG a child already in
        ``seen`` is already finished, so a node is finished when its
        iterator runs out.
        """
        order = []
        seen = {self}
        stack = [(self, iter(self._prev))]
        while stack:
            v, children = stack[-1]
            for c in children:
                if c not in seen:
                    seen.add(c)
                    stack.append((c, iter(c._prev)))
                    break
            else:
                stack.pop()
                order.append(v)
        return order

    def graph(self) -> tuple[list[Value], list[tuple[Value, Value]]]:
        """List the graph that computed this node, for drawing it.

        Returns
        -------
        nodes : list of Value
            Every node ``self`` depends on, in topological order: each node
            comes after all of its children; ``self`` is last.
        edges : list of (Value, Value)
            One ``(child, parent)`` pair per operand: ``child`` is an input
            of the operation ``parent.op``. A node used twice (``a * a``)
            gives two equal pairs. ``parent.local_derivatives()`` gives one
            number per edge into ``parent``, in the same order.

        Examples
        --------
        >>> a = Value(2.0, label="a")
        >>> b = a * a
        >>> nodes, edges = b.graph()
        >>> [n.label or n.op for n in nodes]
        ['a', '*']
        >>> len(edges), b.local_derivatives()
        (2, (2.0, 2.0))
        """
        nodes = self._topo()
        edges = [(c, v) for v in nodes for c in v._prev]
        return nodes, edges

    def zero_grad(self) -> None:
        """Set ``grad`` to 0.0 on this node and on every node it depends on.

        Examples
        --------
        >>> x = Value(3.0)
        >>> y = x * x
        >>> y.backward()
        >>> x.grad
        6.0
        >>> y.zero_grad()
        >>> x.grad, y.grad
        (0.0, 0.0)
        """
        for v in self._topo():
            v.grad = 0.0

    def backward(self) -> None:
        """Add d(self)/dv to ``v.grad`` for every node v that self uses.

        Seeds d(self)/d(self) = 1, then visits the nodes from the output
        back (reverse topological order: a node's grad is complete before
        it is passed on) and calls each node's rule. Grads add up over
        calls: call :meth:`zero_grad` before a fresh pass.
        """
        topo = self._topo()
        _refuse_nonfinite_data(topo)
        saved = [v.grad for v in topo]  # earlier passes' grads, added last
        for v in topo:
            v.grad = 0.0
        self.grad = 1.0
        try:
            for z in reversed(topo):
                if z._prev:  # a leaf has no inputs to pass on to
                    dxs = z._op.backward(z, z.grad)  # dL/dx = dz/dx * dL/dz
                    for x, dx in zip(z._prev, dxs, strict=True):
                        x.grad += dx
        except ArithmeticError:  # an infinite slope, e.g. of x ** 0.5 at 0
            _restore(topo, saved)
            raise _infinite_derivative(z) from None
        for v, g in zip(topo, saved, strict=True):
            v.grad += g
        _refuse_nonfinite_grads(topo, saved)
