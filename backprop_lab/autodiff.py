r"""Scalar reverse-mode automatic differentiation (chapter "The chain rule").

A :class:`Value` wraps one Python float and remembers how it was computed: the
operation (``op``), the operands (``children``) and, for ``**``, the constant
exponent. Calling :meth:`Value.backward` on a result walks that graph from the
output back to the inputs and applies the chain rule once per node:

.. math::

    \frac{\partial L}{\partial x} \mathrel{+}=
    \frac{\partial L}{\partial z}\,\frac{\partial z}{\partial x}
    \quad\text{for every node } z \text{ that uses } x.

Design choices the chapter explains:

- The local derivative :math:`\partial z/\partial x` of each operation is computed
  in :meth:`Value.backward` by looking at ``z.op``. Nodes hold no closures, so a
  graph has no reference cycles and is freed as soon as the last name for it goes
  away (micrograd's ``out._backward`` closure made every graph cyclic garbage).
- The topological sort uses an explicit stack, not recursion, so a chain of
  100,000 nodes is no problem.
- ``__slots__`` keeps each node small and fast to create.

:class:`Neuron`, :class:`Layer` and :class:`MLP` build a small network out of
``Value`` objects, one scalar at a time, for the same chapter. The matrix engine
(:mod:`backprop_lab.layers`, :mod:`backprop_lab.network`) computes the same
gradients with whole arrays.

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

from backprop_lab._checks import check_positive_int, check_rng, lookup

__all__ = ["Value", "Neuron", "Layer", "MLP", "NonFiniteError"]

# Creating nodes without calling __init__ skips the validation that only user data
# needs; every operation's result is built this way.
_new = object.__new__
_isfinite = math.isfinite


class NonFiniteError(OverflowError, ValueError):
    """An operation on finite :class:`Value` s gave, or would differentiate through, a
    number that is not finite (chapter "The chain rule").

    Raised when a result overflows float64 (``Value(1e308) * 10``), or when
    :meth:`Value.backward` meets an infinite local derivative (the slope of
    ``x ** 0.5`` at ``x = 0``). The message names the operation and its operands. It is
    both an ``OverflowError`` (float arithmetic ran out of range) and a ``ValueError``
    (the values are the problem), so either ``except`` clause catches it.
    """


def _overflow(op: str, operands: tuple, data) -> NonFiniteError:
    """The error for an operation ``op`` on finite ``operands`` whose result is ``data``."""
    args = ", ".join(repr(float(x)) for x in operands)
    return NonFiniteError(
        f"Value {op}: the result of {op} on ({args}) is {data}, not a finite float64 "
        "(|x| < 1.8e308). Use smaller numbers: scale the inputs or weights down."
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


def _dot(w: tuple, x: tuple):
    """The ``dot`` node of two equally long tuples of Values, without checks."""
    out = _new(Value)
    out.data = data = sum([a.data * b.data for a, b in zip(w, x, strict=True)])
    if not _isfinite(data):
        raise NonFiniteError(
            f"Value.dot: the dot product of {len(w)} pairs is {data}, not a finite float64 "
            f"(largest |w_i| {max(abs(a.data) for a in w):.3g}, largest |x_i| "
            f"{max(abs(b.data) for b in x):.3g}). Use smaller numbers: scale the inputs or "
            "weights down."
        )
    out.grad = 0.0
    out._prev = w + x
    out._op = "dot"
    out._arg = None
    out.label = ""
    return out


class Value:
    r"""A scalar that records how it was computed, for reverse-mode autodiff.

    Chapter "The chain rule". Each arithmetic operation returns a new ``Value``
    whose ``op`` names the operation and whose ``children`` are its operands.
    :meth:`backward` then fills ``.grad`` of every node in the graph with
    :math:`\partial \text{output} / \partial \text{node}`.

    Forward and local derivatives, for :math:`z = f(a, b)` with upstream
    gradient :math:`\bar z = \partial L/\partial z`:

    ============  =========================  ==============================================
    op            forward                    backward (added to the children's ``grad``)
    ============  =========================  ==============================================
    ``+``         :math:`z = a + b`          :math:`\bar a = \bar z,\ \bar b = \bar z`
    ``-``         :math:`z = a - b`          :math:`\bar a = \bar z,\ \bar b = -\bar z`
    ``*``         :math:`z = a b`            :math:`\bar a = b\,\bar z,\ \bar b = a\,\bar z`
    ``/``         :math:`z = a / b`          :math:`\bar a = \bar z / b,\ \bar b = -a\bar z / b^2`
    ``neg``       :math:`z = -a`             :math:`\bar a = -\bar z`
    ``**``        :math:`z = a^n`            :math:`\bar a = n a^{n-1}\,\bar z`
    ``relu``      :math:`z = \max(0, a)`     :math:`\bar a = [a > 0]\,\bar z`
    ``tanh``      :math:`z = \tanh a`        :math:`\bar a = (1 - z^2)\,\bar z`
    ``exp``       :math:`z = e^a`            :math:`\bar a = z\,\bar z`
    ``log``       :math:`z = \ln a`          :math:`\bar a = \bar z / a`
    ``sigmoid``   :math:`z = 1/(1+e^{-a})`   :math:`\bar a = z(1 - z)\,\bar z`
    ``sum``       :math:`z = \sum_i a_i`     :math:`\bar a_i = \bar z`
    ``dot``       :math:`z = \sum_i w_i x_i` :math:`\bar w_i = x_i\bar z,\ \bar x_i = w_i\bar z`
    ============  =========================  ==============================================

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
        The operation that produced this node, ``""`` for a leaf (an input,
        a parameter or a constant).
    children : tuple of Value
        The operands of ``op``; empty for a leaf.

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
        self._prev = ()
        self._op = ""
        self._arg = None
        self.label = label

    # ------------------------------------------------------------------ inspection
    @property
    def op(self) -> str:
        """The operation that produced this node (``""`` for a leaf)."""
        return self._op

    @property
    def children(self) -> tuple[Value, ...]:
        """The operands of :attr:`op`, in order (empty for a leaf)."""
        return self._prev

    def __repr__(self) -> str:
        return f"Value(data={self.data!r}, grad={self.grad!r})"

    # ------------------------------------------------------------------ binary ops
    def _binary(self, other, data: float, op: str) -> Value:
        if not _isfinite(data):
            raise _overflow(op, (self.data, other.data), data)
        out = _new(Value)
        out.data = data
        out.grad = 0.0
        out._prev = (self, other)
        out._op = op
        out._arg = None
        out.label = ""
        return out

    def __add__(self, other) -> Value:
        r"""Return :math:`z = a + b`; backward :math:`\bar a = \bar b = \bar z`."""
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        out = _new(Value)
        out.data = data = self.data + other.data
        if not _isfinite(data):
            raise _overflow("+", (self.data, other.data), data)
        out.grad = 0.0
        out._prev = (self, other)
        out._op = "+"
        out._arg = None
        out.label = ""
        return out

    def __radd__(self, other) -> Value:
        """Return ``other + self`` for a number ``other``."""
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other.__add__(self)

    def __sub__(self, other) -> Value:
        r"""Return :math:`z = a - b`; backward :math:`\bar a = \bar z,\ \bar b = -\bar z`."""
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        return self._binary(other, self.data - other.data, "-")

    def __rsub__(self, other) -> Value:
        """Return ``other - self`` for a number ``other``."""
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other.__sub__(self)

    def __mul__(self, other) -> Value:
        r"""Return :math:`z = ab`; backward :math:`\bar a = b\bar z,\ \bar b = a\bar z`."""
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        out = _new(Value)
        out.data = data = self.data * other.data
        if not _isfinite(data):
            raise _overflow("*", (self.data, other.data), data)
        out.grad = 0.0
        out._prev = (self, other)
        out._op = "*"
        out._arg = None
        out.label = ""
        return out

    def __rmul__(self, other) -> Value:
        """Return ``other * self`` for a number ``other``."""
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other.__mul__(self)

    def __truediv__(self, other) -> Value:
        r"""Return :math:`z = a/b`; backward :math:`\bar a = \bar z/b,\ \bar b = -a\bar z/b^2`.

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
        return self._binary(other, self.data / other.data, "/")

    def __rtruediv__(self, other) -> Value:
        """Return ``other / self`` for a number ``other``."""
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other.__truediv__(self)

    def __pow__(self, exponent) -> Value:
        r"""Return :math:`z = a^n` for a constant number :math:`n`.

        Backward: :math:`\bar a = n\,a^{n-1}\,\bar z`. The exponent is a constant
        stored on the node, not a child, so it receives no gradient.

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
            data = x**n
        except OverflowError:
            data = math.inf
        if not _isfinite(data):
            raise _overflow("**", (x, n), data)
        out = self._unary(data, "**")
        out._arg = n
        return out

    def __rpow__(self, base):
        raise TypeError(
            "number ** Value is not supported (the exponent would be a variable). "
            "For a positive base c write (x * math.log(c)).exp() instead of c ** x."
        )

    # ------------------------------------------------------------------ unary ops
    def _unary(self, data: float, op: str) -> Value:
        out = _new(Value)
        out.data = data
        out.grad = 0.0
        out._prev = (self,)
        out._op = op
        out._arg = None
        out.label = ""
        return out

    def __neg__(self) -> Value:
        r"""Return :math:`z = -a`; backward :math:`\bar a = -\bar z`."""
        return self._unary(-self.data, "neg")

    def __pos__(self) -> Value:
        """Return ``self`` unchanged (``+x`` adds no node)."""
        return self

    def relu(self) -> Value:
        r"""Rectified linear unit :math:`z = \max(0, a)`.

        Backward: :math:`\bar a = [a > 0]\,\bar z`; the derivative at the kink
        :math:`a = 0` is taken to be 0, as in PyTorch.

        Examples
        --------
        >>> Value(-1.5).relu().data, Value(2.0).relu().data
        (0.0, 2.0)
        """
        x = self.data
        return self._unary(x if x > 0.0 else 0.0, "relu")

    def tanh(self) -> Value:
        r"""Hyperbolic tangent :math:`z = \tanh a`; backward :math:`\bar a = (1 - z^2)\bar z`.

        Examples
        --------
        >>> x = Value(0.0)
        >>> y = x.tanh()
        >>> y.backward()
        >>> y.data, x.grad
        (0.0, 1.0)
        """
        return self._unary(math.tanh(self.data), "tanh")

    def exp(self) -> Value:
        r"""Exponential :math:`z = e^a`; backward :math:`\bar a = z\,\bar z`.

        Raises
        ------
        NonFiniteError
            If :math:`e^a` does not fit in a float64 (:math:`a > 709.78`); an
            ``OverflowError`` and a ``ValueError``.
        """
        try:
            data = math.exp(self.data)
        except OverflowError:
            raise NonFiniteError(
                f"Value.exp() overflows float64 for data={self.data} (the limit is about "
                "709.78). Rescale the input, or use sigmoid()/tanh() which are stable."
            ) from None
        return self._unary(data, "exp")

    def log(self) -> Value:
        r"""Natural logarithm :math:`z = \ln a`; backward :math:`\bar a = \bar z / a`.

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
        return self._unary(math.log(x), "log")

    def sigmoid(self) -> Value:
        r"""Logistic sigmoid :math:`z = 1/(1 + e^{-a})`; backward :math:`\bar a = z(1-z)\bar z`.

        Computed with two branches so that no ``exp`` overflows: for
        :math:`a \ge 0` as :math:`1/(1+e^{-a})`, for :math:`a < 0` as
        :math:`e^{a}/(1+e^{a})`.

        Examples
        --------
        >>> Value(0.0).sigmoid().data
        0.5
        >>> Value(-1000.0).sigmoid().data, Value(1000.0).sigmoid().data
        (0.0, 1.0)
        """
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return self._unary(s, "sigmoid")

    # ------------------------------------------------------------------ n-ary ops
    @staticmethod
    def sum(values) -> Value:
        r"""Return :math:`z = \sum_i a_i` as one node; backward :math:`\bar a_i = \bar z`.

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
            data = math.fsum(t.data for t in terms)
        except OverflowError:  # fsum refuses an intermediate overflow
            data = math.inf
        if not _isfinite(data):
            raise NonFiniteError(
                f"Value.sum: the sum of {len(terms)} terms (largest "
                f"{max(abs(t.data) for t in terms):.3g}) is not a finite float64 (|x| < "
                "1.8e308). Use smaller numbers: scale the inputs or weights down."
            )
        out = _new(Value)
        out.data = data
        out.grad = 0.0
        out._prev = terms
        out._op = "sum"
        out._arg = None
        out.label = ""
        return out

    @staticmethod
    def dot(w, x) -> Value:
        r"""Return the dot product :math:`z = \sum_i w_i x_i` as one node.

        Backward: :math:`\bar w_i = x_i\,\bar z`, :math:`\bar x_i = w_i\,\bar z`,
        the rule of ``*`` applied to every pair, with the ``+`` rule (pass
        :math:`\bar z` through) folded in. It gives the same gradients as
        ``sum(wi * xi for wi, xi in zip(w, x))`` with one node instead of
        :math:`2n - 1`; :class:`Neuron` uses it.

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
        """Every node this one depends on, children before parents, ``self`` last.

        Depth-first post-order with an explicit stack of (node, iterator over its
        children), so that neither a long chain (no recursion) nor a wide node
        (each child is looked at once) is a problem. A node enters ``seen`` when
        it is pushed; in a DAG a child already in ``seen`` is already finished,
        so a node is finished when its iterator runs out.
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
            Every node ``self`` depends on, in topological order: each node comes
            after all of its children; ``self`` is last.
        edges : list of (Value, Value)
            One ``(child, parent)`` pair per operand: ``child`` is an input of the
            operation ``parent.op``. A node used twice (``a * a``) gives two
            equal pairs.

        Examples
        --------
        >>> a = Value(2.0, label="a")
        >>> b = a * a
        >>> nodes, edges = b.graph()
        >>> [n.label or n.op for n in nodes]
        ['a', '*']
        >>> len(edges)
        2
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

    @staticmethod
    def _restore(topo: list[Value], saved: list[float]) -> None:
        """Put back the grads that ``backward`` found, after a failed pass."""
        for v, g in zip(topo, saved, strict=True):
            v.grad = g

    def backward(self) -> None:
        r"""Backpropagate: add :math:`\partial\,\text{self}/\partial v` to ``v.grad`` of every v.

        Seeds :math:`\partial\,\text{self}/\partial\,\text{self} = 1`, then visits
        the nodes in reverse topological order, so that each node's gradient is
        complete before it is passed on, and applies the local derivative of
        each node's ``op`` (table in :class:`Value`).

        The gradients of this pass are *added* to whatever ``grad`` held before,
        on every node: two calls give twice the gradient. Call :meth:`zero_grad`
        (or ``MLP.zero_grad()``) before a fresh pass.

        Examples
        --------
        >>> a = Value(2.0)
        >>> b = a * a                # a used twice: the two paths add up
        >>> b.backward()
        >>> a.grad
        4.0
        >>> b.backward()             # accumulates
        >>> a.grad
        8.0
        """
        topo = self._topo()
        for v in topo:  # leaves are finite (checked by Value()), so only an op can overflow
            if not math.isfinite(v.data):
                raise ValueError(
                    f"Value.backward(): the graph holds a node {v._op!r} whose value is {v.data} "
                    "although every leaf is finite: the arithmetic overflowed, and no gradient "
                    "can be trusted. Use smaller numbers (scale the inputs or weights down)."
                )
        # Propagate this pass's gradients from zero, then add the old ones back,
        # so that grads left by an earlier pass are not pushed through the graph again.
        saved = [v.grad for v in topo]
        for v in topo:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(topo):
            op = v._op
            g = v.grad
            # Most frequent operations first: this loop is the hot path.
            if op == "dot":
                children = v._prev
                n = len(children) >> 1
                for a, b in zip(children[:n], children[n:], strict=True):
                    a.grad += b.data * g
                    b.grad += a.data * g
            elif op == "*":
                a, b = v._prev
                a.grad += b.data * g
                b.grad += a.data * g
            elif op == "+":
                a, b = v._prev
                a.grad += g
                b.grad += g
            elif op == "":
                continue
            elif op == "tanh":
                t = v.data
                v._prev[0].grad += (1.0 - t * t) * g
            elif op == "-":
                a, b = v._prev
                a.grad += g
                b.grad -= g
            elif op == "**":
                a = v._prev[0]
                n = v._arg
                try:
                    d = n * a.data ** (n - 1.0)  # the local derivative
                except (ZeroDivisionError, OverflowError):  # 0.0 ** -0.5, 1e-100 ** -4
                    d = math.inf
                if not _isfinite(d):
                    self._restore(topo, saved)
                    why = " (a square root's slope at 0)" if n == 0.5 and a.data == 0 else ""
                    raise NonFiniteError(
                        f"Value.backward(): the derivative of x ** {n:g}, {n:g} * x ** "
                        f"{n - 1.0:g}, is not finite at x = {a.data!r}{why}. Keep the base "
                        f"away from 0, e.g. (x + 1e-12) ** {n:g}."
                    )
                a.grad += d * g
            elif op == "relu":
                a = v._prev[0]
                if a.data > 0.0:
                    a.grad += g
            elif op == "sigmoid":
                s = v.data
                v._prev[0].grad += s * (1.0 - s) * g
            elif op == "exp":
                v._prev[0].grad += v.data * g
            elif op == "log":
                a = v._prev[0]
                a.grad += g / a.data
            elif op == "/":
                a, b = v._prev
                a.grad += g / b.data
                try:
                    b.grad -= a.data * g / (b.data * b.data)
                except ZeroDivisionError:  # b * b underflowed to 0
                    self._restore(topo, saved)
                    raise NonFiniteError(
                        f"Value.backward(): the derivative of a / b with respect to b, -a / b**2, "
                        f"is not finite for a = {a.data!r}, b = {b.data!r}: b**2 is below the "
                        "smallest float64. Keep the divisor away from 0, e.g. a / (b + 1e-12)."
                    ) from None
            elif op == "sum":
                for a in v._prev:
                    a.grad += g
            elif op == "neg":
                v._prev[0].grad -= g
            else:  # pragma: no cover - every op above is produced by a method of Value
                raise RuntimeError(f"Value.backward() met an unknown op {op!r}.")
        for v, g in zip(topo, saved, strict=True):  # add back the grads of earlier passes
            v.grad += g
        for v in topo:
            if not _isfinite(v.grad):
                grad = v.grad
                self._restore(topo, saved)
                raise NonFiniteError(
                    f"Value.backward(): a gradient overflowed to {grad} (at a node "
                    f"{v._op or 'leaf'!r} with value {v.data:.3g}), although every value is "
                    "finite: a local derivative such as 1/x near x = 0 is too large. Keep "
                    "log() and division away from zero."
                )


# ---------------------------------------------------------------------- networks
_ACTIVATIONS = {
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "linear": None,
}


def _as_values(x, who: str) -> tuple[Value, ...]:
    """Return one sample as a tuple of Values: numbers become constant leaves, once."""
    if isinstance(x, Value | str) or not hasattr(x, "__len__"):
        raise TypeError(
            f"{who} expected one sample x as a sequence of numbers or Values, "
            f"got {type(x).__name__}."
        )
    return tuple(_as_value(v, who) for v in x)


class Module:
    """Base of :class:`Neuron`, :class:`Layer` and :class:`MLP`: parameters and zero_grad.

    Chapter "The chain rule".
    """

    def parameters(self) -> list[Value]:
        """Return the trainable ``Value`` objects."""
        return []

    def zero_grad(self) -> None:
        """Set ``grad`` to 0.0 on every parameter (gradients accumulate otherwise)."""
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    r"""One neuron :math:`y = \phi(\mathbf w \cdot \mathbf x + b)` built from ``Value`` nodes.

    Chapter "The chain rule". The weighted sum is one ``dot`` node
    (:meth:`Value.dot`), then ``+ b``, then the activation: three nodes per
    neuron whatever ``n_in`` is, which keeps the scalar engine fast enough to
    train a small network.

    The weights are drawn from :math:`\mathcal U(-1/\sqrt{n_{in}}, 1/\sqrt{n_{in}})`
    (PyTorch's default for ``nn.Linear``); the bias starts at 0.

    Parameters
    ----------
    n_in : int
        Number of inputs.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        The nonlinearity :math:`\phi`; ``"linear"`` means none.
    rng : numpy.random.Generator or int, optional
        Source of the initial weights. Same seed, same weights.

    Attributes
    ----------
    w : list of Value, length n_in
        The weights.
    b : Value
        The bias.
    activation : str

    Examples
    --------
    >>> n = Neuron(2, activation="linear", rng=0)
    >>> y = n([1.0, 2.0])
    >>> abs(y.data - (n.w[0].data + 2 * n.w[1].data)) < 1e-12
    True
    """

    def __init__(self, n_in: int, *, activation: str = "tanh", rng=None):
        n_in = check_positive_int(n_in, "n_in", "Neuron")
        self._phi = lookup(activation, _ACTIVATIONS, "activation", "Neuron")
        self.activation = activation.lower()
        gen = check_rng(rng, "Neuron")
        bound = 1.0 / math.sqrt(n_in)
        self.w = [Value(w) for w in gen.uniform(-bound, bound, size=n_in).tolist()]
        self.b = Value(0.0)

    def __call__(self, x) -> Value:
        """Return the output for one sample ``x``, a sequence of ``n_in`` numbers or Values.

        Raises
        ------
        ValueError
            If ``x`` does not have ``n_in`` entries.
        """
        x = _as_values(x, "Neuron")
        if len(x) != len(self.w):
            raise ValueError(
                f"Neuron({len(self.w)} inputs) expected x with {len(self.w)} entries, got {len(x)}."
            )
        return self._forward(x)

    def _forward(self, x: tuple[Value, ...]) -> Value:
        z = _dot(tuple(self.w), x) + self.b
        return z if self._phi is None else self._phi(z)

    def parameters(self) -> list[Value]:
        """Return ``w + [b]``."""
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class Layer(Module):
    """``n_out`` :class:`Neuron` objects that see the same input.

    Chapter "The chain rule".

    Parameters
    ----------
    n_in, n_out : int
        Inputs per neuron and number of neurons.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
    rng : numpy.random.Generator or int, optional
        Source of the initial weights. Same seed, same weights.

    Examples
    --------
    >>> layer = Layer(3, 2, rng=0)
    >>> len(layer([1.0, 2.0, 3.0])), len(layer.parameters())
    (2, 8)
    """

    def __init__(self, n_in: int, n_out: int, *, activation: str = "tanh", rng=None):
        n_in = check_positive_int(n_in, "n_in", "Layer")
        n_out = check_positive_int(n_out, "n_out", "Layer")
        gen = check_rng(rng, "Layer")
        self.neurons = [Neuron(n_in, activation=activation, rng=gen) for _ in range(n_out)]
        self.n_in = n_in

    def __call__(self, x) -> list[Value]:
        """Return the ``n_out`` outputs for one sample ``x`` (always a list)."""
        x = _as_values(x, "Layer")
        if len(x) != self.n_in:
            raise ValueError(
                f"Layer({self.n_in} -> {len(self.neurons)}) expected x with {self.n_in} "
                f"entries, got {len(x)}."
            )
        return list(self._forward(x))

    def _forward(self, x: tuple[Value, ...]) -> tuple[Value, ...]:
        return tuple([n._forward(x) for n in self.neurons])

    def parameters(self) -> list[Value]:
        """Return every neuron's parameters, neuron by neuron."""
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        act = self.neurons[0].activation
        return f"Layer({self.n_in} -> {len(self.neurons)}, activation={act!r})"


class MLP(Module):
    """A multilayer perceptron of :class:`Layer` objects; the last layer is linear.

    Chapter "The chain rule".

    Parameters
    ----------
    n_in : int
        Number of input features.
    layer_sizes : sequence of int
        ``n_out`` of each layer, e.g. ``[16, 16, 1]`` for a 2-16-16-1 network.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        The nonlinearity of every hidden layer.
    rng : numpy.random.Generator or int, optional
        Source of all initial weights. Same seed, same network.

    Examples
    --------
    >>> net = MLP(2, [16, 16, 1], rng=0)
    >>> out = net([0.5, -1.0])
    >>> len(out), len(net.parameters())   # (2*16 + 16) + (16*16 + 16) + (16 + 1)
    (1, 337)
    >>> loss = (out[0] - 1.0) ** 2
    >>> net.zero_grad()
    >>> loss.backward()
    >>> net.layers[0].neurons[0].b.grad != 0.0
    True
    """

    def __init__(self, n_in: int, layer_sizes, *, activation: str = "tanh", rng=None):
        n_in = check_positive_int(n_in, "n_in", "MLP")
        if isinstance(layer_sizes, str) or not hasattr(layer_sizes, "__iter__"):
            raise TypeError(
                f"MLP expected layer_sizes to be a list of integers such as [16, 16, 1], "
                f"got {layer_sizes!r}."
            )
        sizes = [check_positive_int(s, "every layer size", "MLP") for s in layer_sizes]
        if not sizes:
            raise ValueError(
                "MLP expected at least one layer size, got an empty list. "
                "Pass e.g. layer_sizes=[16, 16, 1]."
            )
        gen = check_rng(rng, "MLP")
        dims = [n_in, *sizes]
        last = len(sizes) - 1
        self.layers = [
            Layer(dims[i], dims[i + 1], activation=activation if i < last else "linear", rng=gen)
            for i in range(len(sizes))
        ]

    def __call__(self, x) -> list[Value]:
        """Return the outputs for one sample ``x``: a list of ``layer_sizes[-1]`` Values."""
        x = _as_values(x, "MLP")
        n_in = self.layers[0].n_in
        if len(x) != n_in:
            raise ValueError(f"MLP expected x with {n_in} entries, got {len(x)}.")
        for layer in self.layers:
            x = layer._forward(x)
        return list(x)

    def parameters(self) -> list[Value]:
        """Return every layer's parameters, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP([{', '.join(repr(layer) for layer in self.layers)}])"
