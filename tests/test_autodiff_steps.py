"""Tests of ``backprop_lab.autodiff_steps``: the recorded reverse sweep agrees with
``Value.backward`` bit for bit, its ``accumulate=False`` bug is wrong exactly at forks, and
forward mode gives the same derivatives (chapter "The chain rule on a computational graph")."""

from __future__ import annotations

import math

import pytest

from backprop_lab.autodiff import Value
from backprop_lab.autodiff_steps import (
    Step,
    forward_sweep,
    gradient_forward_mode,
    n_products,
    reverse_sweep,
)


def cs231n():
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    return (x + y) * z, [x, y, z]


def neuron():
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    return (x1 * w1 + x2 * w2 + b).tanh(), [x1, x2, w1, w2, b]


def fork_add():
    a = Value(3.0)
    return a + a, [a]


def fork_mul():  # a feeds * twice and + once
    a, b = Value(-2.0), Value(3.0)
    return a * a + a * b, [a, b]


def fork_deep():  # x used on two long paths, with every kind of operation
    x, y = Value(0.7), Value(-1.3)
    u = (x * y).tanh()
    v = (x ** 2 + 1.0).log() / (y - 3.0)
    w = Value.sum([u, v, x.sigmoid(), (-y).exp(), (x - y).relu()])
    return Value.dot([w, u], [x, v]), [x, y]


def no_fork():
    a, b, c = Value(1.5), Value(-0.5), Value(2.0)
    return (a * b + c).tanh(), [a, b, c]


EXPRESSIONS = [cs231n, neuron, fork_add, fork_mul, fork_deep, no_fork]
FORKED = {cs231n: False, neuron: False, fork_add: True, fork_mul: True, fork_deep: True,
          no_fork: False}


def grads_by_backward(build):
    out, inputs = build()
    out.backward()
    nodes, _ = out.graph()
    return [v.grad for v in nodes], [x.grad for x in inputs]


@pytest.mark.parametrize("build", EXPRESSIONS, ids=lambda f: f.__name__)
def test_accumulating_sweep_equals_backward_bit_for_bit(build):
    want_nodes, want_inputs = grads_by_backward(build)
    out, inputs = build()
    steps = reverse_sweep(out)
    nodes, edges = out.graph()
    assert [v.grad for v in nodes] == want_nodes
    assert [x.grad for x in inputs] == want_inputs
    assert n_products(steps) == len(edges)
    assert all(isinstance(s, Step) for s in steps)


@pytest.mark.parametrize("build", EXPRESSIONS, ids=lambda f: f.__name__)
def test_steps_record_local_derivative_times_upstream(build):
    out, _ = build()
    steps = reverse_sweep(out)
    assert steps[0].node is out and steps[0].upstream == 1.0
    nodes, _ = out.graph()
    order = [v for v in reversed(nodes) if v.children]
    assert [s.node for s in steps] == order
    for s in steps:
        assert s.inputs == s.node.children
        assert s.local == s.node.local_derivatives()
        for d, p in zip(s.local, s.products, strict=True):
            assert math.isclose(p, d * s.upstream, rel_tol=1e-15, abs_tol=1e-300)
        for before, p, after in zip(s.before, s.products, s.after, strict=True):
            assert after == before + p


@pytest.mark.parametrize("build", EXPRESSIONS, ids=lambda f: f.__name__)
def test_assigning_is_wrong_exactly_at_forks(build):
    _, right = grads_by_backward(build)
    out, inputs = build()
    steps = reverse_sweep(out, accumulate=False)
    wrong = [x.grad for x in inputs]
    for s in steps:
        assert s.after == s.products
    if FORKED[build]:
        assert wrong != right
    else:
        assert wrong == right


def test_the_micrograd_fork_bug_gives_one_instead_of_two():
    a = Value(3.0)
    b = a + a
    reverse_sweep(b, accumulate=False)
    assert a.grad == 1.0
    reverse_sweep(b)
    assert a.grad == 2.0


def test_a_sweep_starts_fresh_unlike_backward():
    out, (x, y, z) = cs231n()
    out.backward()
    out.backward()
    assert x.grad == -8.0  # backward adds up over calls
    reverse_sweep(out)
    assert x.grad == -4.0


@pytest.mark.parametrize("build", EXPRESSIONS, ids=lambda f: f.__name__)
def test_forward_mode_gives_the_same_gradient(build):
    _, right = grads_by_backward(build)
    out, inputs = build()
    grads, n_sweeps, count = gradient_forward_mode(out, inputs)
    assert n_sweeps == len(inputs)
    assert count == len(inputs) * len(out.graph()[1])
    for g, r in zip(grads, right, strict=True):
        assert math.isclose(g, r, rel_tol=1e-12, abs_tol=1e-15)


def test_forward_sweep_gives_every_nodes_derivative():
    x = Value(0.5)
    u = x * 3.0
    t = u.tanh()
    sweep = forward_sweep(t, {x: 1.0})
    assert sweep.tangents[x] == 1.0
    assert sweep.tangents[u] == 3.0
    assert math.isclose(sweep.tangents[t], 3.0 * (1 - math.tanh(1.5) ** 2))
    assert all(v.grad == 0.0 for v in t.graph()[0])  # grads untouched


def test_errors_say_what_was_expected():
    x = Value(1.0)
    with pytest.raises(TypeError, match="expected the output Value"):
        reverse_sweep(1.0)
    with pytest.raises(TypeError, match="accumulate to be True or False"):
        reverse_sweep(x, accumulate=1)
    with pytest.raises(TypeError, match="dict"):
        forward_sweep(x * 2.0, [x])
    with pytest.raises(ValueError, match="not inputs"):
        forward_sweep(x * 2.0, {Value(3.0): 1.0})
