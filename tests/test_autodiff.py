"""Tests of the scalar autodiff engine ``backprop_lab.autodiff`` (chapter "The chain rule")."""

from __future__ import annotations

import doctest
import functools
import gc
import inspect
import math
import types
import weakref

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_lab import autodiff, autodiff_ops
from backprop_lab.autodiff import Value


# ---------------------------------------------------------------------- helpers
def numeric_grad(f, xs, i):
    """Central difference of the float function ``f(list)`` in coordinate ``i``."""
    h = 1e-6 * max(1.0, abs(xs[i]))
    up = list(xs)
    down = list(xs)
    up[i] += h
    down[i] -= h
    return (f(up) - f(down)) / (2.0 * h)


def check_grads(build, xs, upstream=1.0, rel=1e-5, abs_=1e-6):
    """Compare ``backward`` of ``upstream * build(*Values)`` with central differences.

    ``upstream`` is the gradient arriving from above; a value other than 1
    catches a backward rule that forgot to multiply by it.
    """
    leaves = [Value(x) for x in xs]
    out = build(*leaves) * upstream
    out.backward()

    def f(values):
        return build(*[Value(v) for v in values]).data * upstream

    for i, leaf in enumerate(leaves):
        expected = numeric_grad(f, xs, i)
        assert math.isclose(leaf.grad, expected, rel_tol=rel, abs_tol=abs_), (
            f"d/dx{i}: backward gave {leaf.grad}, central differences {expected}"
        )


UNARY = {
    "neg": (lambda a: -a, lambda x: True),
    "relu": (lambda a: a.relu(), lambda x: abs(x) > 1e-3),
    "tanh": (lambda a: a.tanh(), lambda x: True),
    "exp": (lambda a: a.exp(), lambda x: True),
    "log": (lambda a: a.log(), lambda x: x > 1e-2),
    "sigmoid": (lambda a: a.sigmoid(), lambda x: True),
    "square": (lambda a: a**2, lambda x: True),
    "cube": (lambda a: a**3, lambda x: True),
    "inverse": (lambda a: a**-1, lambda x: abs(x) > 0.1),
    "sqrt": (lambda a: a**0.5, lambda x: x > 1e-2),
}

BINARY = {
    "+": (lambda a, b: a + b, lambda x, y: True),
    "-": (lambda a, b: a - b, lambda x, y: True),
    "*": (lambda a, b: a * b, lambda x, y: True),
    "/": (lambda a, b: a / b, lambda x, y: abs(y) > 0.1),
}

bounded = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False, allow_infinity=False)
upstreams = st.floats(min_value=-3.0, max_value=3.0).filter(lambda u: abs(u) > 0.1)


# ---------------------------------------------------------------------- forward values
@pytest.mark.parametrize(
    ("build", "x", "expected"),
    [
        (lambda a: a + 2, 3.0, 5.0),
        (lambda a: a - 2, 3.0, 1.0),
        (lambda a: a * 2, 3.0, 6.0),
        (lambda a: a / 2, 3.0, 1.5),
        (lambda a: -a, 3.0, -3.0),
        (lambda a: a**2, 3.0, 9.0),
        (lambda a: a.relu(), -3.0, 0.0),
        (lambda a: a.relu(), 3.0, 3.0),
        (lambda a: a.tanh(), 0.5, math.tanh(0.5)),
        (lambda a: a.exp(), 0.5, math.exp(0.5)),
        (lambda a: a.log(), 0.5, math.log(0.5)),
        (lambda a: a.sigmoid(), 0.5, 1.0 / (1.0 + math.exp(-0.5))),
        (lambda a: a.sigmoid(), -0.5, 1.0 / (1.0 + math.exp(0.5))),
    ],
)
def test_forward_values(build, x, expected):
    assert build(Value(x)).data == pytest.approx(expected, rel=1e-15)


def test_sigmoid_is_stable_at_extremes():
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0
    x = Value(-800.0)
    s = x.sigmoid()
    s.backward()
    assert x.grad == 0.0


# ---------------------------------------------------------------------- gradients, by hand
@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("x", [-1.7, -0.3, 0.4, 2.2])
def test_unary_gradient_matches_central_differences(name, x):
    build, valid = UNARY[name]
    if not valid(x):
        x = abs(x)
    check_grads(build, [x], upstream=-1.3)


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize(("x", "y"), [(1.5, -0.7), (-2.0, 3.0), (0.25, 0.5)])
def test_binary_gradient_matches_central_differences(name, x, y):
    build, _ = BINARY[name]
    check_grads(build, [x, y], upstream=0.7)


def test_hand_worked_example():
    # The chapter's example: L = (a*b + c) * f with a=2, b=-3, c=10, f=-2.
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    e = a * b
    d = e + c
    L = d * f
    L.backward()
    assert L.data == -8.0
    assert (a.grad, b.grad, c.grad, f.grad) == (6.0, -4.0, -2.0, 4.0)
    assert (d.grad, e.grad) == (-2.0, -2.0)


def test_known_local_derivatives():
    x = Value(0.5)
    y = x.tanh()
    y.backward()
    assert x.grad == pytest.approx(1.0 - math.tanh(0.5) ** 2)
    x = Value(0.5)
    y = x.sigmoid()
    y.backward()
    s = 1.0 / (1.0 + math.exp(-0.5))
    assert x.grad == pytest.approx(s * (1.0 - s))
    x = Value(-2.0)
    y = x**3
    y.backward()
    assert x.grad == 12.0


def test_relu_gradient_at_kink_is_zero():
    x = Value(0.0)
    y = x.relu()
    y.backward()
    assert x.grad == 0.0


def test_composite_expression_gradients():
    def build(a, b, c):
        return ((a * b).tanh() + (c.exp() / (1 + a**2)).log() - b.sigmoid() * c.relu()) ** 2

    check_grads(build, [0.3, -1.2, 0.8], upstream=2.5)


def test_sum_and_dot_match_their_unfused_form():
    xs = [0.5, -1.0, 2.0]
    ws = [1.5, 0.25, -0.75]

    def fused(*v):
        return Value.dot(v[:3], v[3:]) + Value.sum(v)

    def unfused(*v):
        return sum(a * b for a, b in zip(v[:3], v[3:], strict=True)) + sum(v)

    leaves1 = [Value(t) for t in ws + xs]
    leaves2 = [Value(t) for t in ws + xs]
    out1 = fused(*leaves1)
    out2 = unfused(*leaves2)
    out1.backward()
    out2.backward()
    assert out1.data == pytest.approx(out2.data)
    assert [v.grad for v in leaves1] == pytest.approx([v.grad for v in leaves2])
    check_grads(fused, ws + xs, upstream=-0.9)


def test_dot_and_sum_accept_numbers():
    w = Value(2.0)
    z = Value.dot([w, 3.0], [4.0, w])
    z.backward()
    assert z.data == 8.0 + 6.0
    assert w.grad == 4.0 + 3.0
    s = Value.sum([1, w, 2.5])
    assert s.data == 5.5


# ---------------------------------------------------------------------- gradients, property tests
@settings(deadline=None)
@given(name=st.sampled_from(sorted(UNARY)), x=bounded, upstream=upstreams)
def test_unary_gradient_property(name, x, upstream):
    build, valid = UNARY[name]
    if not valid(x):
        x = 0.5 + abs(x)  # away from the kink or outside the domain
    check_grads(build, [x], upstream=upstream)


@settings(deadline=None)
@given(name=st.sampled_from(sorted(BINARY)), x=bounded, y=bounded, upstream=upstreams)
def test_binary_gradient_property(name, x, y, upstream):
    build, valid = BINARY[name]
    if not valid(x, y):
        y = 0.5 + abs(y)
    check_grads(build, [x, y], upstream=upstream)


@settings(deadline=None)
@given(
    base=st.floats(min_value=0.1, max_value=4.0),
    exponent=st.floats(min_value=-3.0, max_value=3.0),
)
def test_pow_gradient_property(base, exponent):
    check_grads(lambda a: a**exponent, [base])


@settings(deadline=None)
@given(
    values=st.lists(bounded, min_size=2, max_size=8).filter(lambda v: len(v) % 2 == 0),
    upstream=upstreams,
)
def test_dot_gradient_property(values, upstream):
    n = len(values) // 2
    check_grads(lambda *v: Value.dot(v[:n], v[n:]), values, upstream=upstream)


# ---------------------------------------------------------------------- numbers mixed with Values
@pytest.mark.parametrize(
    ("build", "expected_data", "expected_grad"),
    [
        (lambda v: 2 + v, 5.0, 1.0),
        (lambda v: 2 - v, -1.0, -1.0),
        (lambda v: 2 * v, 6.0, 2.0),
        (lambda v: 2 / v, 2.0 / 3.0, -2.0 / 9.0),
        (lambda v: v + 2, 5.0, 1.0),
        (lambda v: v - 2, 1.0, 1.0),
        (lambda v: v * 2, 6.0, 2.0),
        (lambda v: v / 2, 1.5, 0.5),
        (lambda v: 2.5 * v, 7.5, 2.5),
        (lambda v: np.float64(2.0) * v, 6.0, 2.0),
        (lambda v: v * np.float32(2.0), 6.0, 2.0),
        (lambda v: np.int64(2) - v, -1.0, -1.0),
        (lambda v: sum([v, v, 1]), 7.0, 2.0),
        (lambda v: +v, 3.0, 1.0),
    ],
)
def test_reflected_operators(build, expected_data, expected_grad):
    v = Value(3.0)
    out = build(v)
    assert isinstance(out, Value)
    out.backward()
    assert out.data == pytest.approx(expected_data)
    assert v.grad == pytest.approx(expected_grad)


def test_no_inplace_dunders_defined():
    # In-place forms fall back to the binary operators, which build new nodes.
    for name in ("__iadd__", "__isub__", "__imul__", "__itruediv__", "__ipow__"):
        assert not hasattr(Value, name)


def test_inplace_operators_make_new_nodes():
    x = Value(2.0)
    y = x * 3.0  # y depends on x
    alias = y
    y += 1
    assert y is not alias
    assert alias.data == 6.0 and alias.op == "*"
    y -= 0.5
    y *= 2
    y /= 4
    y **= 2
    assert y.data == pytest.approx(((6.0 + 1.0 - 0.5) * 2 / 4) ** 2)
    y.backward()
    # y = ((3x + 0.5) / 2)^2  ->  dy/dx = 2 * (3x + 0.5)/2 * 3/2
    assert x.grad == pytest.approx(2 * (3 * 2.0 + 0.5) / 2 * 1.5)
    assert alias.grad == pytest.approx(2 * (6.0 + 0.5) / 2 * 0.5)


def test_inplace_on_a_graph_node_leaves_the_graph_alone():
    a = Value(1.0)
    b = a + a
    c = b * 2
    b += 10  # rebinds b; c's graph still sees the old node
    c.backward()
    assert c.data == 4.0
    assert a.grad == 4.0
    assert b.grad == 0.0


# ---------------------------------------------------------------------- accumulation
def test_node_used_twice_accumulates():
    a = Value(3.0)
    b = a * a
    b.backward()
    assert a.grad == 6.0
    a2 = Value(3.0)
    c = a2 + a2
    c.backward()
    assert a2.grad == 2.0


def test_diamond_graph():
    x = Value(1.5)
    y = x.tanh()
    z = y * x + y.exp() * x  # x and y both reach z along two paths
    check_grads(lambda v: v.tanh() * v + v.tanh().exp() * v, [1.5])
    z.backward()
    t = math.tanh(1.5)
    dt = 1.0 - t * t
    assert x.grad == pytest.approx(dt * 1.5 + t + math.exp(t) * dt * 1.5 + math.exp(t))


def test_backward_twice_adds_exactly_twice():
    a = Value(0.7)
    b = Value(-1.1)
    out = (a * b).tanh() * a
    out.backward()
    first = (a.grad, b.grad, out.grad)
    out.backward()
    assert (a.grad, b.grad, out.grad) == pytest.approx(tuple(2 * g for g in first))


def test_zero_grad_resets_the_whole_graph():
    a = Value(2.0)
    b = a * 3.0
    c = b.tanh()
    c.backward()
    c.zero_grad()
    nodes, _ = c.graph()
    assert all(n.grad == 0.0 for n in nodes)
    c.backward()
    assert a.grad == pytest.approx(3.0 * (1.0 - math.tanh(6.0) ** 2))


def test_two_outputs_share_inputs():
    a = Value(2.0)
    out1 = a * 3.0
    out2 = a * a
    out1.backward()
    out2.backward()
    assert a.grad == 3.0 + 4.0


# ---------------------------------------------------------------------- the graph
def test_long_chain_has_no_recursion_limit():
    x = Value(1.0)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.backward()
    assert y.data == 100_001.0
    assert x.grad == 1.0
    nodes, edges = y.graph()
    assert len(nodes) == 1 + 2 * 100_000  # x, and one constant and one "+" per step
    assert len(edges) == 2 * 100_000
    y.zero_grad()
    assert x.grad == 0.0
    del y, nodes, edges  # freeing the chain must not overflow either


def test_a_wide_sum_gives_every_term_gradient_one():
    # its speed (linear in the width) is measured by make bench, not by a timed test
    xs = [Value(float(i)) for i in range(50_000)]
    s = Value.sum(xs)
    s.backward()
    assert all(x.grad == 1.0 for x in xs)


def test_graph_lists_nodes_in_topological_order():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    nodes, edges = d.graph()
    assert nodes[-1] is d
    assert {id(n) for n in nodes} == {id(a), id(b), id(c), id(d)}
    assert len(nodes) == 4
    position = {id(n): i for i, n in enumerate(nodes)}
    for child, parent in edges:
        assert position[id(child)] < position[id(parent)]
    pairs = [(child.label, parent.label) for child, parent in edges]
    assert sorted(pairs) == sorted([("a", "c"), ("b", "c"), ("c", "d"), ("a", "d")])
    assert c.op == "*" and c.children == (a, b)
    assert a.op == "" and a.children == ()


def test_graph_edges_repeat_for_a_node_used_twice():
    a = Value(1.0)
    b = a * a
    nodes, edges = b.graph()
    assert nodes == [a, b]
    assert edges == [(a, b), (a, b)]


def test_pow_stores_exponent_not_a_child():
    a = Value(2.0)
    b = a**3
    assert b.op == "**"
    assert b.children == (a,)


def test_no_reference_cycles():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        a = Value(1.5)
        b = Value(-0.5)
        c = a * b
        d = c.tanh() + a.exp() / b - c**2
        e = Value.dot([d, a], [b, c]).sigmoid()
        e.backward()
        ref = weakref.ref(c)
        ref_out = weakref.ref(e)
        del a, b, c, d, e
        assert ref() is None, "an inner node survived: the graph holds a reference cycle"
        assert ref_out() is None
    finally:
        if was_enabled:
            gc.enable()


def test_value_uses_slots():
    v = Value(1.0)
    assert not hasattr(v, "__dict__")
    with pytest.raises(AttributeError):
        v.something = 1


def test_repr_and_label():
    v = Value(2, label="x")
    assert repr(v) == "Value(data=2.0, grad=0.0)"
    assert v.label == "x"
    assert isinstance(v.data, float)
    assert Value(np.float32(0.5)).data == 0.5


# ---------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("data", "error", "match"),
    [
        ("1.0", TypeError, r"Value expected data to be a real number .*got str"),
        (None, TypeError, r"Value expected data to be a real number .*got NoneType"),
        (True, TypeError, r"Value expected data to be a real number .*got bool"),
        (1 + 2j, TypeError, r"got complex"),
        ([1.0], TypeError, r"got list"),
        (float("nan"), ValueError, r"Value expected finite data, got nan"),
        (float("inf"), ValueError, r"Value expected finite data, got inf"),
        (-np.inf, ValueError, r"Value expected finite data, got -inf"),
    ],
)
def test_bad_data(data, error, match):
    with pytest.raises(error, match=match):
        Value(data)


def test_value_of_value_is_refused():
    with pytest.raises(TypeError, match=r"got a Value.*Value\(x.data\)"):
        Value(Value(1.0))


def test_bad_label():
    with pytest.raises(TypeError, match="Value expected label to be a str, got int"):
        Value(1.0, label=3)


def test_value_exponent_is_refused():
    with pytest.raises(TypeError, match=r"expected a number exponent .*got a Value"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(TypeError, match=r"expected a number exponent .*got str"):
        Value(2.0) ** "3"
    with pytest.raises(TypeError, match=r"number \*\* Value is not supported"):
        2 ** Value(3.0)
    with pytest.raises(ValueError, match="expected a finite exponent"):
        Value(2.0) ** float("inf")


def test_pow_domain_errors():
    with pytest.raises(ValueError, match=r"non-negative base for the fractional exponent 0.5"):
        Value(-4.0) ** 0.5
    with pytest.raises(ValueError, match=r"0.0 \*\* -1.0"):
        Value(0.0) ** -1
    assert (Value(-2.0) ** 2).data == 4.0


def test_log_of_non_positive():
    with pytest.raises(ValueError, match=r"Value.log\(\) expected data > 0, got 0.0"):
        Value(0.0).log()
    with pytest.raises(ValueError, match=r"got -1.0"):
        Value(-1.0).log()


def test_exp_overflow():
    with pytest.raises(OverflowError, match=r"Value.exp\(\) overflows float64 for data=1000.0"):
        Value(1000.0).exp()


def test_division_by_zero():
    with pytest.raises(ZeroDivisionError, match=r"Value division by zero: 1.0 / 0.0"):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        1.0 / Value(0.0)


@pytest.mark.parametrize("other", ["2", None, [1.0], np.array([1.0, 2.0]), float("nan")])
def test_bad_operands(other):
    error = ValueError if isinstance(other, float) else TypeError
    with pytest.raises(error):
        Value(1.0) + other
    with pytest.raises(error):
        other * Value(1.0)


@pytest.mark.parametrize("other, what", [(np.array([1.0, 2.0]), r"an array of shape \(2,\)"),
                                         ([1.0], "a list of length 1"),
                                         ((1.0, 2.0), "a tuple of length 2")])
def test_array_or_list_operand_message_says_a_value_holds_one_number(other, what):
    for operation in (lambda: Value(1.0) + other, lambda: other * Value(1.0),
                      lambda: Value(1.0) - other, lambda: other / Value(1.0)):
        with pytest.raises(TypeError, match=rf"Value arithmetic expected a Value or a real "
                                            rf"number, got {what}\. A Value holds one number: "
                                            r".*\[x \* float\(a\) for a in values\]"):
            operation()
    x, values = Value(3.0), [1.0, 2.0]
    assert [v.data for v in [x * float(a) for a in values]] == [3.0, 6.0]  # the advice works


def test_a_zero_d_array_is_one_number():
    y = Value(2.0) * np.array(3.0)
    assert isinstance(y, Value) and y.data == 6.0


def test_string_operand_message():
    with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for \+: 'Value' and 'str'"):
        Value(1.0) + "a"


def test_sum_and_dot_errors():
    with pytest.raises(ValueError, match="Value.sum expected at least one term"):
        Value.sum([])
    with pytest.raises(ValueError, match=r"Value.dot expected w and x of the same length"):
        Value.dot([Value(1.0)], [Value(1.0), Value(2.0)])
    with pytest.raises(ValueError, match=r"got lengths 0 and 0"):
        Value.dot([], [])
    with pytest.raises(TypeError, match=r"Value.sum expected Values or real numbers, got str"):
        Value.sum([Value(1.0), "x"])


@pytest.mark.parametrize("call, who, given", [
    (lambda: Value.sum(None), "Value.sum", "NoneType"),
    (lambda: Value.sum(5), "Value.sum", "int"),
    (lambda: Value.sum(Value(1.0)), "Value.sum", "Value"),
    (lambda: Value.dot(None, [1.0]), "Value.dot", "NoneType"),
    (lambda: Value.dot([1.0], 2.0), "Value.dot", "float"),
])
def test_sum_and_dot_need_iterables(call, who, given):
    with pytest.raises(TypeError, match=rf"{who} expected an iterable \(list or tuple\) of "
                                        rf"Values or numbers, got {given}: .*Wrap a single term"):
        call()


def test_dot_of_unequal_iterables():
    with pytest.raises(ValueError, match=r"same length >= 1, got lengths 3 and 2"):
        Value.dot((Value(float(i)) for i in range(3)), iter([1.0, 2.0]))


# ---------------------------------------------------------------------- docstrings
def test_docstring_examples_run():
    result = doctest.testmod(autodiff, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10
    assert result.failed == 0
    result = doctest.testmod(autodiff_ops, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5
    assert result.failed == 0


# ---------------------------------------------------------------------- PyTorch, float64
def test_expression_matches_torch():
    torch = pytest.importorskip("torch")
    xs = [0.7, -1.3, 2.1]

    def expr(a, b, c, ops):
        tanh, exp, log, sigmoid, relu = ops
        return (
            tanh(a * b)
            + exp(c / 4) * a
            - log(c * c + 1) / (b - 3)
            + sigmoid(a - c) * relu(c)
            + (a**3) * 0.5
            - 2 / (1 + b**2)
            + (2 - a) * (-c)
        )

    a, b, c = (Value(x) for x in xs)
    out = expr(a, b, c, (Value.tanh, Value.exp, Value.log, Value.sigmoid, Value.relu))
    out.backward()

    ta, tb, tc = (torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs)
    tout = expr(ta, tb, tc, (torch.tanh, torch.exp, torch.log, torch.sigmoid, torch.relu))
    tout.backward()
    assert out.data == pytest.approx(tout.item(), rel=1e-12)
    for v, t in zip((a, b, c), (ta, tb, tc), strict=True):
        assert v.grad == pytest.approx(t.grad.item(), rel=1e-12, abs=1e-14)


def test_backward_refuses_overflowed_values_and_gradients():
    """Leaves are finite by construction; an op that overflows must not give silent grads."""
    a, b = Value(1e200), Value(1e200)
    # Python floats overflow silently; since audit A (H7) the operation itself refuses
    with pytest.raises(ValueError, match=r"Value \*: the result of \* on \(1e\+200, 1e\+200\)"):
        a * b
    c = a * Value(1.0)
    c.data = float("inf")  # a node broken by hand: backward still refuses it
    with pytest.raises(ValueError, match=r"node '\*' whose value is inf although every leaf"):
        c.backward()
    assert a.grad == 0.0 and b.grad == 0.0  # nothing was propagated
    x = Value(1e-320)
    with pytest.raises(ValueError, match=r"a gradient overflowed to inf.*log\(\) and division"):
        x.log().backward()


# -- audit A: no raw ZeroDivisionError/OverflowError, no silent inf or nan ------------------------
@pytest.mark.parametrize("make, match", [
    (lambda: Value(1e308) * 10, r"Value \*: the result of \* on \(1e\+308, 10.0\) is inf"),
    (lambda: Value(1e308) + Value(1e308), r"Value \+: the result of \+ on \(1e\+308, 1e\+308\)"),
    (lambda: Value(-1e308) - 1e308, r"Value -: the result of - on \(-1e\+308, 1e\+308\) is -inf"),
    (lambda: Value(1.0) / 1e-320, r"Value /: the result of / on \(1.0, 1e-320\) is inf"),
    (lambda: Value(10.0) ** 400, r"Value \*\*: the result of \*\* on \(10.0, 400.0\) is inf"),
    (lambda: Value.sum([1e308, 1e308]), r"Value.sum: the sum of 2 terms \(largest 1e\+308\)"),
    (lambda: Value.dot([1e308, -1e308], [10.0, 10.0]), r"Value.dot: the dot product of 2 pairs"
                                                        r" is nan"),
    (lambda: Value(1000.0).exp(), r"Value.exp\(\) overflows float64 for data=1000.0"),
])
def test_operations_whose_result_is_not_finite_raise_naming_the_operation(make, match):
    from backprop_lab.autodiff import NonFiniteError

    with pytest.raises(NonFiniteError, match=match) as info:
        make()
    assert isinstance(info.value, ValueError) and isinstance(info.value, OverflowError)


def test_an_integer_too_large_for_a_float_is_a_value_error():
    with pytest.raises(ValueError, match=r"Value expected finite data, got an integer of 401 "
                                         r"digits, too large for a float64"):
        Value(10**400)


@pytest.mark.parametrize("x0, make, match", [
    (0.0, lambda x: x ** 0.5, r"derivative of x \*\* 0.5, 0.5 \* x \*\* -0.5, is not finite "
                              r"at x = 0.0 \(a square root's slope at 0\).*\(x \+ 1e-12\) "
                              r"\*\* 0.5"),
    (1e-200, lambda x: 1 / x, r"derivative of a / b with respect to b, -a / b\*\*2, is not "
                              r"finite for a = 1.0, b = 1e-200.*a / \(b \+ 1e-12\)"),
    (1e-100, lambda x: x ** -3, r"derivative of x \*\* -3, -3 \* x \*\* -4, is not finite at "
                                r"x = 1e-100"),
])
def test_backward_refuses_an_infinite_local_derivative_and_leaves_grads_alone(x0, make, match):
    from backprop_lab.autodiff import NonFiniteError

    x = Value(x0)
    x.grad = 2.0  # from an earlier pass: must survive the failed one
    z = make(x)
    with pytest.raises(NonFiniteError, match=r"Value.backward\(\): the " + match):
        z.backward()
    assert x.grad == 2.0 and z.grad == 0.0


@pytest.mark.parametrize(
    ("build", "x0", "expected"),
    [
        (lambda x, y: (x + 1) * x, 2.0, 5.0),  # d/dx (x^2 + x) = 2x + 1
        (lambda x, y: x * y + x, 2.0, 4.0),  # y + 1 with y = 3
        (lambda x, y: (x + y) + (x + y) * x, 2.0, 8.0),  # 1 + (2x + y) = 1 + 7
    ],
)
def test_a_node_used_twice_accumulates_its_gradient(build, x0, expected):
    x, y = Value(x0), Value(3.0)
    build(x, y).backward()
    assert x.grad == pytest.approx(expected)


# -- the operations: forward and local derivative together, and the graph-walking API ---------
OPERATIONS = [getattr(autodiff_ops, name) for name in (
    "Leaf", "AddOp", "SubOp", "MulOp", "DivOp", "NegOp", "PowOp", "ReLUOp", "TanhOp", "ExpOp",
    "LogOp", "SigmoidOp", "SumOp", "DotOp",
)]


def every_operation():
    """A small graph that uses every operation once; returns (output, leaves)."""
    a, b, c = Value(1.5, label="a"), Value(-0.5, label="b"), Value(2.0, label="c")
    d = (a * b + c - a / c).tanh() + (-b).exp() * (a**3).log()
    e = Value.sum([d, b.relu(), c.sigmoid()]) + Value.dot([a, d], [c, b])
    return e, (a, b, c)


def test_every_operation_class_is_exported_and_used():
    assert set(OPERATIONS) == {
        obj for obj in vars(autodiff_ops).values()
        if isinstance(obj, type) and issubclass(obj, autodiff_ops.Operation)
        and obj is not autodiff_ops.Operation
    }
    assert {op.__name__ for op in OPERATIONS} <= set(autodiff_ops.__all__)
    out, _ = every_operation()
    nodes, _ = out.graph()
    assert {n._op for n in nodes} == set(OPERATIONS)
    assert len({op.symbol for op in OPERATIONS}) == len(OPERATIONS)  # one name each


@pytest.mark.parametrize("op", OPERATIONS[1:], ids=lambda op: op.__name__)
def test_each_operation_holds_its_math_on_one_screen(op):
    # forward, backward and the formula in the docstring, short enough to print in the book
    source = inspect.getsource(op)
    assert len(source.splitlines()) <= 25, f"{op.__name__} is {len(source.splitlines())} lines"
    assert max(len(line) for line in source.splitlines()) <= 76
    assert r"\partial z/\partial" in op.__doc__
    assert callable(op.forward) and callable(op.backward)


def test_backward_is_short_enough_to_print_whole():
    source = inspect.getsource(Value.backward).splitlines()
    assert len(source) <= 30, f"Value.backward is {len(source)} lines"
    assert max(len(line) for line in source) <= 76
    assert "elif" not in inspect.getsource(Value.backward)  # no per-operation branches


@pytest.mark.parametrize(
    ("build", "x", "expected"),
    [
        (lambda a, b: a + b, (3.0, 2.0), (1.0, 1.0)),
        (lambda a, b: a - b, (3.0, 2.0), (1.0, -1.0)),
        (lambda a, b: a * b, (3.0, 2.0), (2.0, 3.0)),
        (lambda a, b: a / b, (3.0, 2.0), (0.5, -0.75)),
        (lambda a, b: -a, (3.0, 2.0), (-1.0,)),
        (lambda a, b: a**3, (3.0, 2.0), (27.0,)),
        (lambda a, b: a**0.5, (4.0, 2.0), (0.25,)),
        (lambda a, b: a.relu(), (3.0, 2.0), (1.0,)),
        (lambda a, b: (-a).relu(), (3.0, 2.0), (0.0,)),
        (lambda a, b: a.tanh(), (0.5, 2.0), (1.0 - math.tanh(0.5) ** 2,)),
        (lambda a, b: a.exp(), (0.5, 2.0), (math.exp(0.5),)),
        (lambda a, b: a.log(), (4.0, 2.0), (0.25,)),
        (lambda a, b: a.sigmoid(), (0.0, 2.0), (0.25,)),
        (lambda a, b: Value.sum([a, b, a]), (3.0, 2.0), (1.0, 1.0, 1.0)),
        (lambda a, b: Value.dot([a, b], [b, 5.0]), (3.0, 2.0), (2.0, 5.0, 3.0, 2.0)),
    ],
)
def test_local_derivatives(build, x, expected):
    a, b = Value(x[0]), Value(x[1])
    z = build(a, b)
    derivatives = z.local_derivatives()
    assert isinstance(derivatives, tuple)
    assert len(derivatives) == len(z.children)
    assert derivatives == pytest.approx(expected, rel=1e-15)
    assert a.local_derivatives() == ()


def test_local_derivatives_are_what_backward_multiplies_by_dz():
    # the rule is linear in dz: backward(z, dz) == dz * local derivatives
    out, _ = every_operation()
    for z in out.graph()[0]:
        dz = -1.7
        passed = z._op.backward(z, dz)
        assert len(passed) == len(z.children)  # one number per input, for every operation
        assert list(passed) == pytest.approx([dz * d for d in z.local_derivatives()], rel=1e-15)


def test_the_graph_api_is_enough_to_backpropagate_by_hand():
    # What a later chapter does when it draws the graph and the chain rule on it: walk the
    # nodes from the output back and multiply by the local derivatives on each edge.
    out, leaves = every_operation()
    nodes, edges = out.graph()
    grad = {id(n): 0.0 for n in nodes}
    grad[id(out)] = 1.0
    for z in reversed(nodes):
        for child, d in zip(z.children, z.local_derivatives(), strict=True):
            grad[id(child)] += d * grad[id(z)]
    out.backward()
    for n in nodes:
        assert grad[id(n)] == pytest.approx(n.grad, rel=1e-12, abs=1e-15)
    # every edge into a node is one of its children, in order
    into = {}
    for child, parent in edges:
        into.setdefault(id(parent), []).append(child)
    for n in nodes:
        assert tuple(into.get(id(n), ())) == n.children
        assert (n.op == "") == (n.children == ())


def test_op_names_and_exponent():
    a = Value(2.0)
    assert [f(a).op for f in (lambda v: v + 1, lambda v: v - 1, lambda v: v * 2,
                              lambda v: v / 2, lambda v: -v, lambda v: v**2,
                              Value.relu, Value.tanh, Value.exp, Value.log, Value.sigmoid,
                              lambda v: Value.sum([v]), lambda v: Value.dot([v], [v]))] == [
        "+", "-", "*", "/", "neg", "**", "relu", "tanh", "exp", "log", "sigmoid", "sum", "dot"]
    assert (a**3).exponent == 3.0 and isinstance((a**3).exponent, float)
    assert (a * 3).exponent is None and a.exponent is None
    assert a._prev is a.children  # micrograd's name for the same tuple


def test_nodes_hold_no_functions_only_data():
    # minitorch's kind of history: the operation's class, the inputs and a constant;
    # micrograd's closures (out._backward) would make every graph a reference cycle
    out, _ = every_operation()
    for node in out.graph()[0]:
        assert isinstance(node._op, type) and issubclass(node._op, autodiff_ops.Operation)
        for slot in Value.__slots__:
            value = getattr(node, slot, None)
            assert not isinstance(value, types.FunctionType | types.MethodType
                                  | types.BuiltinFunctionType | functools.partial), slot
        assert isinstance(node._prev, tuple)
        assert all(isinstance(c, Value) for c in node._prev)
        assert node._arg is None or isinstance(node._arg, float)


def test_no_reference_cycles_with_every_operation():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        out, leaves = every_operation()
        out.backward()
        out.local_derivatives()
        refs = [weakref.ref(n) for n in out.graph()[0]]
        del out, leaves
        assert all(r() is None for r in refs), "a node survived: the graph holds a cycle"
    finally:
        if was_enabled:
            gc.enable()


def test_local_derivatives_refuse_an_infinite_slope():
    from backprop_lab.autodiff import NonFiniteError

    with pytest.raises(NonFiniteError, match=r"the derivative of x \*\* 0.5, 0.5 \* x \*\* -0.5,"
                                             r" is not finite at x = 0.0"):
        (Value(0.0) ** 0.5).local_derivatives()


def test_an_infinite_slope_at_a_node_edited_by_hand_is_refused_and_grads_are_kept():
    from backprop_lab.autodiff import NonFiniteError

    x = Value(1.0)
    y = x.log()
    x.grad = 3.0
    x.data = 0.0  # 1/x at 0: nothing the operations would have let through
    with pytest.raises(NonFiniteError, match=r"Value.backward\(\): the derivative of log is "
                                             r"not finite at \(0.0\)"):
        y.backward()
    assert x.grad == 3.0 and y.grad == 0.0


def test_a_result_that_overflows_is_refused_by_every_binary_operation():
    # one check in _result for every operation, with the message of the operation
    from backprop_lab.autodiff import NonFiniteError

    for make, symbol in ((lambda: Value(1e308) + 1e308, r"\+"), (lambda: Value(1e308) * 2, r"\*"),
                         (lambda: Value(-1e308) - 1e308, "-"), (lambda: Value(1e308) / 0.5, "/"),
                         (lambda: Value(1e200) ** 2, r"\*\*")):
        with pytest.raises(NonFiniteError, match=rf"Value {symbol}: the result of {symbol} on"):
            make()
