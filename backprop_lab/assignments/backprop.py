r"""Assignment 4, "Backpropagation through a network": backward passes and a gradient check.

Five tasks, each checked against the library's own code (``Sigmoid``, ``ReLU`` and ``Dense``
backward, ``gradcheck.numerical_gradient``, ``Network`` with ``SoftmaxCrossEntropy``), and
:func:`verify_network`, which runs the learner's gradient check on the learner's network and
reports the relative error of every parameter (chapter 5, "Backpropagation, layer by layer").
"""

from __future__ import annotations

import html

import numpy as np

from ..activations import ReLU, Sigmoid, sigmoid
from ..gradcheck import numerical_gradient as _library_numerical_gradient
from ..gradcheck import relative_error
from ..losses import SoftmaxCrossEntropy
from ..network import Network
from ._compare import describe
from ._core import (
    ASSIGNMENTS,
    TASKS,
    Assignment,
    Case,
    Extra,
    Mistake,
    Task,
    _run,
    call,
    grading,
    register,
)
from ._report import Report
from .forward_pass import dense_layer

__all__ = ["NetworkCheck", "verify_network"]

CH5 = 'chapter 5, "Backpropagation, layer by layer"'


def _rng():
    return np.random.default_rng(20261207)


def _changed(*names):
    # an error, if any, is the thing to report first
    return lambda outcome, case: outcome.error is None and any(n in outcome.changed
                                                               for n in names)


def _raised(kind, text):
    return lambda outcome, case: isinstance(outcome.error, kind) and text in str(outcome.error)


# ---------------------------------------------------------------------------------------------
# sigmoid_backward

def _sigmoid_backward(Z, dA):
    layer = Sigmoid()
    layer.forward(Z)
    return layer.backward(dA)


def _s(Z):
    return sigmoid(Z)


def _sigmoid_cases():
    r = _rng()
    big = np.array([[-1000.0, -745.0, -40.0, -1.0], [1.0, 40.0, 745.0, 1000.0]])
    return [
        Case("3 samples, 4 units, a random upstream gradient dA",
             (r.normal(size=(3, 4)), r.normal(size=(3, 4)))),
        Case("Z = 0, where the slope is exactly 1/4", (np.zeros((2, 3)), r.normal(size=(2, 3)))),
        Case("a batch of one sample", (r.normal(size=(1, 5)), r.normal(size=(1, 5)))),
        Case("one unit", (r.normal(size=(6, 1)), r.normal(size=(6, 1)))),
        Case("large |Z| (up to 1000): the slope is 0 there, and a naive exp overflows",
             (big, r.normal(size=big.shape))),
    ]


_IN_PLACE = (
    "Your answer is right, but computing it wrote into an array you were given (`Z` or "
    "`dA`): `dA *= ...` or `dA[...] = 0` changes the caller's array, which the layers around "
    "this one may still need. Build a new array instead: `dA * mask`, `dA * A * (1 - A)`."
)

register(Task(
    name="sigmoid_backward",
    assignment="a4_backprop",
    params=("Z", "dA"),
    returns=("dZ",),
    summary="the sigmoid's backward pass: dZ = dA * A * (1 - A) with A = sigmoid(Z)",
    reference=_sigmoid_backward,
    cases=_sigmoid_cases,
    chapter=CH5 + ', section "An activation: element-wise, so no matrix product"',
    hint="The chain rule for an element-wise activation: dZ = dA * f'(Z), entry by entry. "
         "For the sigmoid, f'(z) = sigma(z) * (1 - sigma(z)): compute A = sigmoid(Z) (stably) "
         "first, then return dA * A * (1 - A).",
    mistakes=(
        Mistake("in_place", _IN_PLACE, when=_changed("Z", "dA")),
        Mistake("missing_upstream",
                "You returned the sigmoid's slope A * (1 - A) alone. The chain rule multiplies "
                "the local slope by the upstream gradient: dZ = dA * A * (1 - A). (With "
                "dA = 1 the two agree, which is why a check needs a random dA.)",
                wrong=lambda Z, dA: _s(Z) * (1 - _s(Z))),
        Mistake("slope_of_Z",
                "You used Z where sigma(Z) belongs: Z * (1 - Z) is the slope written with the "
                "output A = sigma(Z), as the library writes it (its cache holds A). Here you "
                "are given Z: compute A = sigmoid(Z) first, then dZ = dA * A * (1 - A).",
                wrong=lambda Z, dA: dA * Z * (1 - Z)),
        Mistake("sigmoid_twice",
                "You applied the sigmoid twice: sigmoid(A) * (1 - sigmoid(A)) with "
                "A = sigmoid(Z). The slope is A * (1 - A), with A itself.",
                wrong=lambda Z, dA: dA * _s(_s(Z)) * (1 - _s(_s(Z)))),
        Mistake("tanh_slope",
                "1 - A**2 is the slope of tanh. The sigmoid's is A * (1 - A).",
                wrong=lambda Z, dA: dA * (1 - _s(Z) ** 2)),
        Mistake("arguments_swapped",
                "The arguments come in the order (Z, dA): the pre-activation first, then the "
                "upstream gradient. You used dA where Z belongs and the other way round.",
                wrong=lambda Z, dA: Z * _s(dA) * (1 - _s(dA))),
        Mistake("overflow",
                "An exponential overflowed: for z = -1000, exp(-z) = exp(1000) is beyond the "
                "largest float64 (about 1.8e308). Compute A with the stable sigmoid (exp only "
                "of -|z|, as in assignment 1 or the library's `sigmoid`), then "
                "dZ = dA * A * (1 - A): that formula never overflows.",
                when=_raised(FloatingPointError, "overflow")),
    ),
))


# ---------------------------------------------------------------------------------------------
# relu_backward

def _relu_backward(Z, dA):
    layer = ReLU()
    layer.forward(Z)
    return layer.backward(dA)


def _relu_cases():
    r = _rng()
    Z0 = np.array([[0.0, -0.0, 2.0], [-3.0, 0.0, 0.5]])
    return [
        Case("mixed signs, a random upstream gradient dA",
             (r.normal(size=(4, 3)), r.normal(size=(4, 3)))),
        Case("exact zeros in Z: the slope at the kink is 0, as in PyTorch",
             (Z0, r.normal(size=Z0.shape))),
        Case("a batch of one sample", (r.normal(size=(1, 6)), r.normal(size=(1, 6)))),
        Case("one unit", (r.normal(size=(5, 1)), r.normal(size=(5, 1)))),
        Case("all of Z positive: dZ is dA", (np.abs(r.normal(size=(3, 2))) + 0.1,
                                             r.normal(size=(3, 2)))),
    ]


register(Task(
    name="relu_backward",
    assignment="a4_backprop",
    params=("Z", "dA"),
    returns=("dZ",),
    summary="ReLU's backward pass: dZ = dA where Z > 0, else 0",
    reference=_relu_backward,
    cases=_relu_cases,
    chapter=CH5 + ', section "An activation: element-wise, so no matrix product"',
    hint="ReLU's slope is 1 where z > 0 and 0 elsewhere (0 at z = 0 too), so dZ = dA * (Z > 0): "
         "the upstream gradient passes where the unit was active and stops where it was not.",
    mistakes=(
        Mistake("in_place", _IN_PLACE, when=_changed("Z", "dA")),
        Mistake("kink_slope_one",
                "At z = 0 exactly your mask let the gradient through: `Z < 0` (or "
                "`np.heaviside(Z, 1)`) treats 0 as active. The library, like PyTorch, takes "
                "the slope at the kink as 0: mask with `Z > 0`, so dZ = dA * (Z > 0).",
                wrong=lambda Z, dA: np.where(Z < 0, 0.0, dA)),
        Mistake("mask_from_dA",
                "Your mask came from dA. Whether the gradient passes depends on whether the "
                "unit was active in the forward pass, that is on Z: dZ = dA * (Z > 0). A "
                "negative dA must pass through an active unit unchanged.",
                wrong=lambda Z, dA: dA * (dA > 0)),
        Mistake("missing_upstream",
                "You returned the slope (Z > 0) alone. The chain rule multiplies it by the "
                "upstream gradient: dZ = dA * (Z > 0).",
                wrong=lambda Z, dA: (Z > 0).astype(float)),
        Mistake("times_relu",
                "You multiplied dA by relu(Z) = max(Z, 0), the activation itself. The backward "
                "pass multiplies by its slope, which is 1 or 0: dZ = dA * (Z > 0).",
                wrong=lambda Z, dA: dA * np.maximum(Z, 0.0)),
    ),
))


# ---------------------------------------------------------------------------------------------
# dense_backward

def _dense_backward(dY, X, W):
    layer = dense_layer(W)
    layer.forward(X)
    dX = layer.backward(dY)
    return dX, layer.grads["W"].copy(), layer.grads["b"].copy()


def _dense_cases():
    r = _rng()

    def make(n, n_in, n_out):
        return (r.normal(size=(n, n_out)), r.normal(size=(n, n_in)), r.normal(size=(n_in, n_out)))

    return [
        Case("5 samples, 3 features, 3 units (a square W)", make(5, 3, 3)),
        Case("4 samples, 3 features in, 2 units out (W not square)", make(4, 3, 2)),
        Case("a batch of one sample", make(1, 3, 5)),
        Case("one input feature", make(6, 1, 3)),
        Case("one unit out", make(5, 4, 1)),
    ]


def _dense_variant(dX=None, dW=None, db=None):
    def wrong(dY, X, W):
        return ((dY @ W.T) if dX is None else dX(dY, X, W),
                (X.T @ dY) if dW is None else dW(dY, X, W),
                dY.sum(axis=0) if db is None else db(dY, X, W))
    return wrong


register(Task(
    name="dense_backward",
    assignment="a4_backprop",
    params=("dY", "X", "W"),
    returns=("dX", "dW", "db"),
    summary="a dense layer's backward pass: dX = dY @ W.T, dW = X.T @ dY, db = dY summed over rows",
    reference=_dense_backward,
    cases=_dense_cases,
    chapter=CH5 + ', sections "A dense layer, one sample first" and "A batch: the weights are '
                  'shared by every sample"',
    hint="Each gradient has the shape of its variable: dX = dY @ W.T is (n_samples, n_in), "
         "dW = X.T @ dY is (n_in, n_out) like W, and db = dY.sum(axis=0) is (n_out,) like b.",
    mistakes=(
        Mistake("wrong_order",
                "Return the three gradients in the order (dX, dW, db).",
                wrong=lambda dY, X, W: (X.T @ dY, dY.sum(axis=0), dY @ W.T)),
        Mistake("dX_missing_transpose",
                "dX = dY @ W multiplies by W where its transpose belongs: W maps inputs to "
                "outputs, (n_in, n_out), and the gradient travels back the other way, so "
                "dX = dY @ W.T, shape (n_samples, n_out) @ (n_out, n_in). With a square W the "
                "shapes line up anyway and only the values are wrong.",
                wrong=_dense_variant(dX=lambda dY, X, W: dY @ W)),
        Mistake("dX_transposed",
                "dX has the shape of X, (n_samples, n_in): dX = dY @ W.T, not W @ dY.T (its "
                "transpose).",
                wrong=_dense_variant(dX=lambda dY, X, W: W @ dY.T)),
        Mistake("dW_transposed",
                "dW = dY.T @ X is the transpose of the weight gradient, (n_out, n_in). dW has "
                "the shape of W, (n_in, n_out): dW = X.T @ dY, entry (i, j) summing "
                "X[s, i] * dY[s, j] over the samples s.",
                wrong=_dense_variant(dW=lambda dY, X, W: dY.T @ X)),
        Mistake("db_mean",
                "db is a sum over the samples, db = dY.sum(axis=0), not a mean: b is added to "
                "every row, so each row's gradient adds up. The 1/n of a mean loss is already "
                "inside dY.",
                wrong=_dense_variant(db=lambda dY, X, W: dY.mean(axis=0))),
        Mistake("dW_mean",
                "You divided dW (and db) by the number of samples. A layer sums over the "
                "batch, dW = X.T @ dY: the mean is the loss's business, and its 1/n is "
                "already inside dY.",
                wrong=_dense_variant(dW=lambda dY, X, W: X.T @ dY / len(X),
                                     db=lambda dY, X, W: dY.mean(axis=0))),
        Mistake("db_wrong_axis",
                "db must have one entry per unit, the shape of b, (n_out,): sum dY over the "
                "samples, axis 0 (the rows), `dY.sum(axis=0)`. Axis 1 sums over the units.",
                wrong=_dense_variant(db=lambda dY, X, W: dY.sum(axis=1))),
        Mistake("db_total",
                "db is a vector with one entry per unit: sum dY over the rows only, "
                "`dY.sum(axis=0)`. `dY.sum()` adds everything into one number.",
                wrong=_dense_variant(db=lambda dY, X, W: dY.sum())),
        Mistake("shapes_do_not_line_up",
                "A matrix product's shapes did not line up. Let each gradient take its "
                "variable's shape: dX = dY @ W.T is (n, n_out) @ (n_out, n_in); "
                "dW = X.T @ dY is (n_in, n) @ (n, n_out). `X @ dY` or `dY @ W` only fit by "
                "chance, when two sizes are equal.",
                when=_raised(ValueError, "matmul")),
    ),
))


# ---------------------------------------------------------------------------------------------
# numerical_gradient

def _numerical_gradient(f, x, eps=1e-6):
    x = x.copy()  # the library perturbs in place and calls f() without arguments
    return _library_numerical_gradient(lambda: f(x), x, eps)


def coupled_cubic(x):
    """sum(x**3) + sum(x[:-1] * x[1:]): curved, and every entry coupled to its neighbours."""
    return float(np.sum(x ** 3) + np.sum(x[:-1] * x[1:]))


def cross_entropy_of_logits(x):
    """The softmax cross-entropy of logits x, shape (3, 2), with the labels [1, 0, 1]."""
    return SoftmaxCrossEntropy().forward(x, np.array([1, 0, 1]))


def sum_exp_2x(x):
    """sum(exp(2 x)): every derivative grows, so the step's size shows."""
    return float(np.sum(np.exp(2 * x)))


def sin_3x(x):
    """sin(3 x) of a single entry."""
    return float(np.sin(3 * x).sum())


def tanh_squared(x):
    """sum(tanh(x)**2)."""
    return float(np.sum(np.tanh(x) ** 2))


def _numgrad_cases():
    r = _rng()
    return [
        Case("a vector of 5, f = coupled_cubic (curved, entries coupled), eps by default",
             (coupled_cubic, np.array([0.1, -0.02, 1.0, -1.0, 2.675]))),
        Case("a matrix x of shape (3, 2), f = the cross-entropy of logits x, eps by default",
             (cross_entropy_of_logits, r.normal(size=(3, 2)))),
        Case("eps passed by keyword, eps=1e-3, f = sum_exp_2x",
             (sum_exp_2x, np.array([[0.3, -0.2, 0.55]])), {"eps": 1e-3}),
        Case("x with a single entry, shape (1, 1), f = sin_3x",
             (sin_3x, np.array([[0.4]]))),
        Case("eps passed by position, 1e-4, f = tanh_squared, x of shape (2, 3)",
             (tanh_squared, r.normal(size=(2, 3)), 1e-4)),
    ]


def _one_sided(sign):
    def wrong(f, x, eps=1e-6):
        x = x.astype(float)
        g = np.zeros_like(x)
        base = f(x.copy())
        for j in range(x.size):
            xp = x.copy()
            xp.flat[j] += sign * eps
            g.flat[j] = sign * (f(xp) - base) / eps
        return g
    return wrong


def _x_changed_and_wrong(outcome, case):
    if "x" not in outcome.changed or outcome.error is not None:
        return False
    expected = _numerical_gradient(*case.args, **case.kwargs)
    got = outcome.value
    return not (isinstance(got, np.ndarray) and got.shape == expected.shape
                and np.allclose(got, expected, rtol=1e-8, atol=1e-10))


register(Task(
    name="numerical_gradient",
    assignment="a4_backprop",
    params=("f", "x", "eps"),
    defaults={"eps": "1e-6"},
    returns=("grad",),
    summary="the central-difference gradient of a scalar f(x), x left unchanged",
    reference=_numerical_gradient,
    cases=_numgrad_cases,
    chapter=CH5 + ', sections "Checking gradients" and "Central differences"',
    rtol=1e-8,
    atol=1e-10,
    hint="For each entry j of x: nudge it up by eps, evaluate f, nudge it down by eps, "
         "evaluate f, put the old value back, and set grad[j] = (f_plus - f_minus) / (2 * eps). "
         "`for j in range(x.size)` with `x.flat[j]` (or `np.ndindex(x.shape)`) visits every "
         "entry of an array of any shape.",
    mistakes=(
        Mistake("x_not_restored",
                "Your function left x changed, and that changed the later entries' gradients: "
                "each f was evaluated at a point where earlier entries were still nudged. After "
                "evaluating f(x + eps) and f(x - eps) for entry j, put the old value back "
                "exactly (`old = x.flat[j]` before, `x.flat[j] = old` after), or nudge a copy.",
                when=_x_changed_and_wrong),
        Mistake("x_restored_inexactly",
                "Your gradient is right, but x is not exactly as it was: (x + eps) - eps is "
                "not always x in floating point: (1.0 + 1e-6) - 1e-6 is 0.9999999999999999. "
                "Save the entry before nudging it (`old = x.flat[j]`) and assign it back "
                "(`x.flat[j] = old`) instead of subtracting eps again, or nudge a copy of x.",
                when=_changed("x")),
        Mistake("divided_by_h",
                "Your gradient is twice too large: the central difference spans 2 * eps, from "
                "x - eps to x + eps, so divide by 2 * eps: (f(x + eps) - f(x - eps)) / (2 * eps).",
                wrong=lambda f, x, eps=1e-6: 2 * _numerical_gradient(f, x, eps)),
        Mistake("forward_difference",
                "You used the forward difference (f(x + eps) - f(x)) / eps, whose error is of "
                "order eps (chapter 5 measures it). The central difference "
                "(f(x + eps) - f(x - eps)) / (2 * eps) cancels that error: its own is of "
                "order eps**2.",
                wrong=_one_sided(1)),
        Mistake("backward_difference",
                "You used the backward difference (f(x) - f(x - eps)) / eps, whose error is of "
                "order eps. Use both sides: (f(x + eps) - f(x - eps)) / (2 * eps).",
                wrong=_one_sided(-1)),
        Mistake("nudged_every_entry",
                "You nudged every entry of x at once, which measures the slope along the "
                "diagonal direction (the sum of all partial derivatives), not one partial "
                "derivative. Nudge one entry at a time, leaving the others as they are.",
                wrong=lambda f, x, eps=1e-6: np.full_like(
                    x, (f(x + eps) - f(x - eps)) / (2 * eps))),
        Mistake("eps_ignored",
                "Your answer is that of eps = 1e-6 although the call passed another eps: use "
                "the argument `eps` (its default 1e-6 applies only when the caller gives none).",
                wrong=lambda f, x, eps=1e-6: _numerical_gradient(f, x, 1e-6)),
        Mistake("flat_gradient",
                "The gradient must have the shape of x: build it with `np.zeros_like(x)` and "
                "fill `grad.flat[j]`, rather than a flat list of the entries.",
                wrong=lambda f, x, eps=1e-6: _numerical_gradient(f, x, eps).ravel()),
        Mistake("f_without_argument",
                "Here f takes the array: call f(x). (The library's numerical_gradient calls "
                "f() without arguments because its f reads the array it perturbs in place.)",
                when=_raised(TypeError, "required positional argument")),
        Mistake("eps_not_named_eps",
                "The step must be the argument named `eps`, with default 1e-6: "
                "`def numerical_gradient(f, x, eps=1e-6):`, as callers pass `eps=...`.",
                when=_raised(TypeError, "unexpected keyword argument 'eps'")),
    ),
))


# ---------------------------------------------------------------------------------------------
# two_layer_gradients

def _two_layer_gradients(X, y, W1, b1, W2, b2):
    net = Network([dense_layer(W1, b1), Sigmoid(), dense_layer(W2, b2)])
    loss_fn = SoftmaxCrossEntropy()
    loss = loss_fn.forward(net.forward(X), y)
    net.backward(loss_fn.backward())
    g1, g2 = net.layers[0].grads, net.layers[2].grads
    return loss, g1["W"].copy(), g1["b"].copy(), g2["W"].copy(), g2["b"].copy()


def _parts(X, y, W1, b1, W2, b2):
    """The library's forward pass and dZ2, for the wrong variants."""
    Z1 = X @ W1 + b1
    A1 = sigmoid(Z1)
    Z2 = A1 @ W2 + b2
    loss_fn = SoftmaxCrossEntropy()
    loss = loss_fn.forward(Z2, y)
    return Z1, A1, Z2, loss, loss_fn.backward()


def _net_variant(*, dZ2=None, dA1=None, dZ1=None, A_in=None, order=None):
    def wrong(X, y, W1, b1, W2, b2):
        Z1, A1, Z2, loss, d2 = _parts(X, y, W1, b1, W2, b2)
        d2 = d2 if dZ2 is None else dZ2(Z2, y)
        a1 = (d2 @ W2.T) if dA1 is None else dA1(d2, W2)
        d1 = (a1 * A1 * (1 - A1)) if dZ1 is None else dZ1(a1, d2, Z1, A1)
        inp = A1 if A_in is None else A_in(Z1, A1)
        out = (loss, X.T @ d1, d1.sum(axis=0), inp.T @ d2, d2.sum(axis=0))
        return out if order is None else tuple(out[i] for i in order)
    return wrong


def _probs(Z2):
    E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _network_cases():
    r = _rng()

    def make(n, n_in, n_hidden, n_out, scale=1.0):
        # labels of every class, in a seeded order
        return (r.normal(size=(n, n_in)), r.permutation(np.arange(n) % n_out),
                scale * r.normal(size=(n_in, n_hidden)), r.normal(size=n_hidden),
                r.normal(size=(n_hidden, n_out)), r.normal(size=n_out))

    return [
        Case("4 samples, 3 inputs, 3 hidden units, 3 classes (square weights)", make(4, 3, 3, 3)),
        Case("5 samples, 4 inputs, 3 hidden units, 2 classes", make(5, 4, 3, 2)),
        Case("a batch of one sample", make(1, 3, 4, 3)),
        Case("one input feature", make(6, 1, 4, 3)),
        Case("large weights into the hidden layer (|Z1| in the hundreds): saturated units",
             make(5, 3, 4, 2, scale=300.0)),
    ]


register(Task(
    name="two_layer_gradients",
    assignment="a4_backprop",
    params=("X", "y", "W1", "b1", "W2", "b2"),
    returns=("loss", "dW1", "db1", "dW2", "db2"),
    summary="the loss and gradients of dense -> sigmoid -> dense -> softmax cross-entropy",
    reference=_two_layer_gradients,
    cases=_network_cases,
    chapter=CH5 + ', sections "The four equations of backpropagation" and "A 2-2-1 network, '
                  'by hand"',
    hint="Forward: Z1 = X @ W1 + b1, A1 = sigmoid(Z1), Z2 = A1 @ W2 + b2, "
         "(loss, dZ2) = softmax_cross_entropy(Z2, y). Backward, from the loss down: "
         "(dA1, dW2, db2) = dense_backward(dZ2, A1, W2), dZ1 = sigmoid_backward(Z1, dA1), "
         "(dX, dW1, db1) = dense_backward(dZ1, X, W1).",
    mistakes=(
        Mistake("no_mean",
                "Your gradients are n_samples times too large: the loss is a mean over the "
                "samples, so its gradient is dZ2 = (P - Y) / n_samples. The helper "
                "`softmax_cross_entropy(Z2, y)` returns exactly that as its second value.",
                wrong=_net_variant(dZ2=lambda Z2, y: _probs(Z2) - np.eye(Z2.shape[1])[y])),
        Mistake("no_one_hot",
                "dZ2 = P / n_samples forgot to subtract the one-hot targets: the gradient of "
                "softmax cross-entropy is (P - Y) / n_samples, with Y[s, y[s]] = 1. The helper "
                "`softmax_cross_entropy(Z2, y)` returns it as its second value.",
                wrong=_net_variant(dZ2=lambda Z2, y: _probs(Z2) / len(y))),
        Mistake("hidden_fed_dZ2",
                "The hidden layer's backward got the wrong upstream gradient: dZ2 is the "
                "gradient at the output layer's pre-activation. First send it back through "
                "the output layer, dA1 = dZ2 @ W2.T (the dX of dense_backward(dZ2, A1, W2)), "
                "then dZ1 = sigmoid_backward(Z1, dA1).",
                wrong=_net_variant(dA1=lambda d2, W2: d2)),
        Mistake("dA1_missing_transpose",
                "dA1 = dZ2 @ W2 misses a transpose: the gradient goes back through W2 as "
                "dA1 = dZ2 @ W2.T (your dense_backward computes it as dX).",
                wrong=_net_variant(dA1=lambda d2, W2: d2 @ W2)),
        Mistake("no_sigmoid_backward",
                "The sigmoid's backward pass is missing: between the two dense layers, "
                "dZ1 = sigmoid_backward(Z1, dA1), not dA1 itself.",
                wrong=_net_variant(dZ1=lambda a1, d2, Z1, A1: a1)),
        Mistake("sigmoid_backward_of_A1",
                "You passed A1 to sigmoid_backward, which expects the pre-activation Z1 (it "
                "computes sigmoid(Z1) itself): dZ1 = sigmoid_backward(Z1, dA1).",
                wrong=_net_variant(dZ1=lambda a1, d2, Z1, A1: a1 * _s(A1) * (1 - _s(A1)))),
        Mistake("dW2_from_Z1",
                "The output layer's input is A1 = sigmoid(Z1), not Z1: "
                "dense_backward(dZ2, A1, W2), so that dW2 = A1.T @ dZ2.",
                wrong=_net_variant(A_in=lambda Z1, A1: Z1)),
        Mistake("layers_swapped",
                "Return the gradients in the order (loss, dW1, db1, dW2, db2): layer 1's "
                "first.",
                wrong=_net_variant(order=(0, 3, 4, 1, 2))),
    ),
))


# ---------------------------------------------------------------------------------------------
# verify_network: the learner's gradient check of the learner's network

TOL = 1e-6  # the library's gradcheck default


class NetworkCheck(Report):
    """The report of :func:`verify_network`: text (``str``) and, in a notebook, an HTML box.

    ``status`` is ``"passed"``, ``"failed"`` or ``"not attempted"``; ``errors`` maps each
    parameter (``"W1"``, ...) to its relative error (``None`` where it could not be computed).
    """

    label = name = "verify_network"

    def __init__(self, status, lines, errors=None, hint=""):
        self.status = status
        self.lines = list(lines)
        self.errors = dict(errors or {})
        self.hint = hint

    def _all(self):
        return self.lines + ([f"Hint: {self.hint}"] if self.hint else [])

    def __str__(self) -> str:
        return "\n".join([self.headline()] + ["  " + line for line in self._all()])

    def _repr_html_(self) -> str:
        body = html.escape("\n".join(self._all()))
        return self._box(f'<pre style="margin: 0.3em 0; white-space: pre-wrap;">{body}</pre>')


def _network_inputs():
    r = np.random.default_rng(4)
    X = r.normal(size=(5, 3))
    y = np.array([0, 2, 1, 2, 0])
    return X, y, {"W1": r.normal(size=(3, 4)), "b1": 0.1 * r.normal(size=4),
                  "W2": r.normal(size=(4, 3)), "b2": 0.1 * r.normal(size=3)}


def _word(error: float) -> str:
    # the chapter's table "Reading the relative error"; no digits when correct (stored outputs)
    if error < 1e-7:
        return "below 1e-7: correct"
    if error < 1e-4:
        return f"{error:.1e}: suspicious (1e-7 to 1e-4)"
    return f"{error:.1e}: a bug (above 1e-4)"


def _which_task_fails(two_layer_gradients, numerical_gradient) -> str:
    bad = [t for t, fn in (("two_layer_gradients", two_layer_gradients),
                           ("numerical_gradient", numerical_gradient))
           if not _run(TASKS[t], fn).passed]
    if not bad:
        return ""
    if len(bad) == 1:
        return f" The check of `{bad[0]}` fails too: make it pass first, its report says why."
    return (" The checks of `two_layer_gradients` and `numerical_gradient` fail too: make them "
            "pass first, their reports say why.")


def _verify(two_layer_gradients, numerical_gradient) -> NetworkCheck:
    for name, fn in (("two_layer_gradients", two_layer_gradients),
                     ("numerical_gradient", numerical_gradient)):
        if not callable(fn):
            return NetworkCheck("failed", [f"expected your function {name}; got {describe(fn)}."],
                                hint="Pass the functions themselves, without parentheses: "
                                     "verify_network(two_layer_gradients, numerical_gradient).")
    X, y, params = _network_inputs()
    names = ("X", "y", *params)
    run = call(two_layer_gradients, Case("the network", (X, y, *params.values())), names)
    if isinstance(run.error, NotImplementedError):
        return NetworkCheck("not attempted", [
            "two_layer_gradients (or a function it calls) still raises NotImplementedError: "
            "write it, make its check pass, then run this cell again."])
    out = run.value
    if run.error is not None or not (isinstance(out, tuple | list) and len(out) == 5):
        what = (f"raised {type(run.error).__name__}: {run.error}" if run.error is not None
                else f"returned {describe(out)}, not (loss, dW1, db1, dW2, db2)")
        return NetworkCheck("failed", [f"two_layer_gradients {what}."],
                            hint=_which_task_fails(two_layer_gradients, numerical_gradient))
    analytic = dict(zip(params, out[1:], strict=True))
    lines = ["Each parameter's gradient from your backward pass (two_layer_gradients) against "
             "your numerical_gradient of its loss, on a seeded 3-4-3 network and 5 samples:"]
    errors = {}
    for name, value in params.items():

        def f(v, name=name):
            args = dict(params, **{name: v})
            return two_layer_gradients(X, y, *args.values())[0]

        num = call(numerical_gradient, Case(name, (f, value.copy())), ("f", "x"))
        if isinstance(num.error, NotImplementedError):
            return NetworkCheck("not attempted", [
                "numerical_gradient still raises NotImplementedError: write it, make its "
                "check pass, then run this cell again."])
        a, n = analytic[name], num.value
        if num.error is not None:
            problem = f"numerical_gradient raised {type(num.error).__name__}: {num.error}"
        elif not (isinstance(a, np.ndarray) and isinstance(n, np.ndarray)
                  and a.shape == n.shape == value.shape):
            problem = (f"shapes differ: {name} is {value.shape}, d{name} is {describe(a)}, "
                       f"the numerical gradient is {describe(n)}")
        else:
            problem = ""
        if problem:
            errors[name] = None
            lines.append(f"  d{name:<3} {problem}")
            continue
        errors[name] = relative_error(a, n)
        lines.append(f"  d{name:<3} relative error {_word(errors[name])}")
    passed = all(e is not None and e < TOL for e in errors.values())
    if passed:
        lines.append("Your backward pass and your gradient check agree on every parameter: "
                     "backpropagation, verified with your own tools.")
        return NetworkCheck("passed", lines, errors)
    return NetworkCheck(
        "failed", lines, errors,
        hint="A relative error above 1e-4 means one of the two gradients is wrong: the "
             "parameter that fails says where to look (chapter 5, section \"Reading the "
             "relative error\")." + _which_task_fails(two_layer_gradients, numerical_gradient))


def _verify_in(namespace: dict) -> NetworkCheck | None:
    """``verify_network`` on the learner's functions in ``namespace`` (for ``progress``)."""
    fns = [namespace.get(n) for n in ("two_layer_gradients", "numerical_gradient")]
    return None if None in fns else _verify(*fns)


def verify_network(two_layer_gradients, numerical_gradient) -> NetworkCheck:
    """Gradient-check the learner's network with the learner's own ``numerical_gradient``.

    On a small seeded network (3 inputs, 4 sigmoid hidden units, 3 classes, 5 samples) it
    compares, for W1, b1, W2 and b2, the gradient ``two_layer_gradients`` returns with
    ``numerical_gradient`` of its loss, through the library's ``relative_error``, and returns a
    :class:`NetworkCheck` (passed below 1e-6, the library's tolerance). A function still a stub
    gives "not attempted"; it never raises because of the learner's code, except under
    nbgrader's grading, where a check not passed raises ``AssertionError`` as ``check`` does.
    """
    report = _verify(two_layer_gradients, numerical_gradient)
    if grading() and not report.passed:
        raise AssertionError("\n" + str(report))
    return report


ASSIGNMENTS["a4_backprop"] = Assignment(
    name="a4_backprop",
    title="Assignment 4: backpropagation through a network",
    chapters=("backpropagation",),
    tasks=("sigmoid_backward", "relu_backward", "dense_backward", "numerical_gradient",
           "two_layer_gradients"),
    extras=(Extra("verify_network", "verify_network(two_layer_gradients, numerical_gradient)",
                  _verify_in),),
)
