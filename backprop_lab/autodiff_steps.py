r"""The chain rule one node at a time: records of the reverse and forward sweeps
(chapter "The chain rule on a computational graph").

:meth:`Value.backward <backprop_lab.autodiff.Value.backward>` fills every ``grad`` of a
graph in one short loop. The functions here do the same arithmetic but also *record* it,
so that a chapter can print it, draw it one node per frame, and compare it with what goes
wrong and with the other way round:

- :func:`reverse_sweep` visits the nodes from the output back (reverse topological
  order). At each node :math:`z` it takes the upstream gradient
  :math:`\bar z = \partial L/\partial z`, multiplies it by each local derivative
  :math:`\partial z/\partial x` and adds the product to the input's gradient,

  .. math:: \bar x \mathrel{+}= \frac{\partial z}{\partial x}\,\bar z ,

  and returns one :class:`Step` per node visited. With ``accumulate=False`` it *assigns*
  :math:`\bar x = \frac{\partial z}{\partial x}\,\bar z` instead: the classic bug, wrong
  exactly where a node feeds more than one operation (a fork), where the gradients of the
  paths must add.
- :func:`forward_sweep` is forward mode: it pushes tangents :math:`\dot x = \partial
  x/\partial s` (for one chosen direction of the inputs) from the inputs to the output,
  :math:`\dot z = \sum_x \frac{\partial z}{\partial x}\,\dot x`. One sweep gives the
  derivative of *every* node with respect to one input; one reverse sweep gives the
  derivative of one output with respect to *every* input. :func:`gradient_forward_mode`
  needs one forward sweep per input to get a whole gradient.

Both multiply each edge's local derivative once per sweep; :attr:`ForwardSweep.n_products`
and :func:`n_products` count those products, the work of a sweep.

Examples
--------
>>> from backprop_lab.autodiff import Value
>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> f = (x + y) * z
>>> steps = reverse_sweep(f)
>>> [(s.node.op, s.upstream, s.local, s.products) for s in steps]
[('*', 1.0, (-4.0, 3.0), (-4.0, 3.0)), ('+', -4.0, (1.0, 1.0), (-4.0, -4.0))]
>>> x.grad, y.grad, z.grad
(-4.0, -4.0, 3.0)
>>> forward_sweep(f, {x: 1.0}).tangents[f]     # df/dx again, by forward mode
-4.0
"""

from __future__ import annotations

from typing import NamedTuple

from backprop_lab.autodiff import Value

__all__ = [
    "Step",
    "reverse_sweep",
    "ForwardSweep",
    "forward_sweep",
    "gradient_forward_mode",
    "n_products",
]


class Step(NamedTuple):
    r"""What the reverse sweep did at one node :math:`z` (chapter 4, "The chain rule").

    Attributes
    ----------
    node : Value
        The node visited, :math:`z`.
    upstream : float
        Its gradient when it was visited, :math:`\bar z = \partial L/\partial z`
        (complete by then: every node that uses :math:`z` was visited before).
    inputs : tuple of Value
        ``node.children``: the inputs :math:`x` of its operation, in order (a node used
        twice, as in ``a * a``, appears twice).
    local : tuple of float
        :math:`\partial z/\partial x` for each input (``node.local_derivatives()``).
    products : tuple of float
        What each input receives, :math:`\frac{\partial z}{\partial x}\,\bar z`
        (computed by the operation's rule, bit for bit what ``Value.backward`` adds).
    before, after : tuple of float
        Each input's ``grad`` just before and just after this input received its
        product: ``after = before + product`` when accumulating, ``after = product`` when
        assigning (the bug).
    """

    node: Value
    upstream: float
    inputs: tuple
    local: tuple
    products: tuple
    before: tuple
    after: tuple


def _check_root(root, who: str) -> None:
    if not isinstance(root, Value):
        raise TypeError(
            f"{who} expected the output Value of an expression, got "
            f"{type(root).__name__}. Build the expression from Values first, e.g. "
            "f = (x + y) * z with x = Value(-2.0)."
        )


def reverse_sweep(root: Value, *, accumulate: bool = True) -> list[Step]:
    r"""Backpropagate from ``root`` like :meth:`Value.backward`, recording every node visited.

    Chapter "The chain rule on a computational graph". Starts a fresh pass: every node of
    the graph gets ``grad = 0`` (earlier gradients are discarded, unlike ``backward``,
    which adds to them), ``root.grad = 1``; then the nodes that have inputs are visited in
    reverse topological order, and each input :math:`x` of a node :math:`z` receives
    :math:`\frac{\partial z}{\partial x}\,\bar z`.

    Parameters
    ----------
    root : Value
        The output, :math:`L`.
    accumulate : bool, default True
        ``True``: add the product to the input's gradient (``x.grad += ...``), the chain
        rule; afterwards every ``grad`` equals what ``root.backward()`` gives from zero
        gradients, bit for bit. ``False``: *assign* it (``x.grad = ...``), the classic bug:
        a node that feeds several operations (a fork) keeps only the share of the path
        visited last.

    Returns
    -------
    list of Step
        One per node with inputs, in the order visited (``root`` first); leaves are not
        visited (they have nothing to pass on). The gradients are left on the nodes.

    Raises
    ------
    TypeError
        If ``root`` is not a :class:`Value` or ``accumulate`` is not a bool.

    Examples
    --------
    >>> a = Value(3.0, label="a")
    >>> b = a + a                        # a feeds + twice: a fork
    >>> [s.products for s in reverse_sweep(b)], a.grad
    ([(1.0, 1.0)], 2.0)
    >>> [s.after for s in reverse_sweep(b, accumulate=False)], a.grad
    ([(1.0, 1.0)], 1.0)
    """
    _check_root(root, "reverse_sweep")
    if not isinstance(accumulate, bool):
        raise TypeError(
            f"reverse_sweep expected accumulate to be True or False, got {accumulate!r}."
        )
    # the sweep itself (chapter "The chain rule" prints from this line)
    nodes, _ = root.graph()
    for v in nodes:
        v.grad = 0.0
    root.grad = 1.0
    steps = []
    for z in reversed(nodes):
        if not z.children:
            continue
        upstream = z.grad
        local = z.local_derivatives()
        # the operation's own rule: the same bits as Value.backward
        products = tuple(z._op.backward(z, upstream))
        before, after = [], []
        for x, dx in zip(z.children, products, strict=True):
            before.append(x.grad)
            x.grad = x.grad + dx if accumulate else dx
            after.append(x.grad)
        steps.append(Step(z, upstream, z.children, local, products,
                          tuple(before), tuple(after)))
    return steps


def n_products(steps: list[Step]) -> int:
    """The number of (local derivative x upstream gradient) products a reverse sweep made:
    one per edge of the graph.

    >>> a, b = Value(2.0), Value(3.0)
    >>> n_products(reverse_sweep(a * b + a))
    4
    """
    return sum(len(s.products) for s in steps)


class ForwardSweep(NamedTuple):
    r"""The result of :func:`forward_sweep` (chapter "The chain rule on a computational graph").

    Attributes
    ----------
    tangents : dict of Value to float
        :math:`\dot v = \partial v/\partial s` for every node ``v`` of the graph, where
        the inputs' tangents define the direction :math:`s` (``{x: 1.0}``: the derivative
        with respect to ``x``).
    n_products : int
        The number of (local derivative x tangent) products made: one per edge.
    """

    tangents: dict
    n_products: int


def forward_sweep(root: Value, tangents: dict) -> ForwardSweep:
    r"""Forward-mode differentiation: push tangents from the inputs to ``root``.

    Chapter "The chain rule on a computational graph". Visits the graph in topological
    order (inputs first); a leaf's tangent is ``tangents.get(leaf, 0.0)``, and every other
    node's is

    .. math:: \dot z = \sum_{x \in \text{inputs}(z)} \frac{\partial z}{\partial x}\,\dot x .

    With ``{x: 1.0}`` each :math:`\dot v` is :math:`\partial v/\partial x`: one sweep
    gives the derivative of every node with respect to one input. Grads are not touched.

    Parameters
    ----------
    root : Value
        The output.
    tangents : dict of Value to float
        The tangent of each input (leaf) that moves; every other leaf has tangent 0.

    Returns
    -------
    ForwardSweep

    Raises
    ------
    TypeError
        If ``root`` is not a Value, or ``tangents`` is not a dict of Values to numbers.
    ValueError
        If a key of ``tangents`` is not a leaf of ``root``'s graph.

    Examples
    --------
    >>> x = Value(3.0)
    >>> y = x * x + x                    # dy/dx = 2x + 1 = 7
    >>> sweep = forward_sweep(y, {x: 1.0})
    >>> sweep.tangents[y], sweep.n_products
    (7.0, 4)
    """
    _check_root(root, "forward_sweep")
    if not isinstance(tangents, dict) or not all(isinstance(k, Value) for k in tangents):
        raise TypeError(
            "forward_sweep expected tangents as a dict {input Value: number}, e.g. "
            f"{{x: 1.0}}, got {type(tangents).__name__}."
        )
    nodes, _ = root.graph()
    leaves = {v for v in nodes if not v.children}
    strangers = [k for k in tangents if k not in leaves]
    if strangers:
        raise ValueError(
            f"forward_sweep: {len(strangers)} key(s) of tangents are not inputs (leaves) of "
            f"the graph of root (e.g. {strangers[0]!r}). Give tangents only to Values the "
            "expression was built from."
        )
    out: dict = {}
    count = 0
    for v in nodes:
        if not v.children:
            out[v] = float(tangents.get(v, 0.0))
            continue
        dot = 0.0
        for x, d in zip(v.children, v.local_derivatives(), strict=True):
            dot += d * out[x]
            count += 1
        out[v] = dot
    return ForwardSweep(out, count)


def gradient_forward_mode(root: Value, inputs) -> tuple[list[float], int, int]:
    r"""The gradient of ``root`` with respect to ``inputs`` by forward mode: one sweep each.

    Chapter "The chain rule on a computational graph". For a function of :math:`n` inputs
    and one output, forward mode needs :math:`n` sweeps (one per input, tangent 1 there and
    0 elsewhere), reverse mode one.

    Parameters
    ----------
    root : Value
    inputs : sequence of Value
        Leaves of ``root``'s graph.

    Returns
    -------
    grads : list of float
        :math:`\partial\,\text{root}/\partial x` for each input, in order.
    n_sweeps : int
        The number of forward sweeps made (``len(inputs)``).
    n_products : int
        The products made over all sweeps.

    Examples
    --------
    >>> a, b = Value(2.0), Value(3.0)
    >>> gradient_forward_mode(a * b + a, [a, b])
    ([4.0, 2.0], 2, 8)
    """
    grads, n_sweeps, count = [], 0, 0
    for x in inputs:
        sweep = forward_sweep(root, {x: 1.0})
        grads.append(sweep.tangents[root])
        n_sweeps += 1
        count += sweep.n_products
    return grads, n_sweeps, count
