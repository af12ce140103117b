r"""Assignment 1, "The forward pass": a layer, two activations, a network, its parameters.

Each task's reference is the library's own code (``Dense``, ``sigmoid``, ``ReLU``,
``Network.n_params``); each usual mistake is a wrong implementation a learner might write, or a
test of what the learner's function did (an error it raised, an answer of a telling shape).
The cases are ordered so that each usual mistake shows on the first case where it fails.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..activations import ReLU, sigmoid
from ..layers import Dense
from ..network import Network
from ._core import ASSIGNMENTS, Assignment, Case, Mistake, Task, register

CH1 = 'chapter 1, "The learning loop"'
CH2 = 'chapter 2, "Neurons, layers and the forward pass"'
CH3 = 'chapter 3, "Measuring the error: loss functions"'


def _rng():
    return np.random.default_rng(20261207)


def _raised(outcome, kind, *words) -> bool:
    """Whether the learner's function raised ``kind`` with all ``words`` in its message."""
    text = str(outcome.error).replace(" ", "")
    return isinstance(outcome.error, kind) and all(w.replace(" ", "") in text for w in words)


def _shape(shape) -> str:
    return str(tuple(shape)).replace(" ", "")  # numpy's way: (5,3) and (3,)


def _array_like(outcome, reference) -> bool:
    """Whether the answer is a finite float array of the reference's shape."""
    v = outcome.value
    return (isinstance(v, np.ndarray) and v.shape == reference.shape
            and np.issubdtype(v.dtype, np.floating) and bool(np.isfinite(v).all()))


# ---------------------------------------------------------------------------------------------
# dense_forward


def dense_layer(W, b=None) -> Dense:
    """The library's ``Dense`` layer holding the given weights (and biases, else zeros): the
    references of assignments 1 and 4 run the library's own layer on the learner's inputs."""
    layer = Dense(W.shape[0], W.shape[1])
    layer.params["W"][...] = W
    if b is not None:
        layer.params["b"][...] = b
    return layer


def _dense(X, W, b):
    return dense_layer(W, b).forward(X)


def _dense_cases():
    r = _rng()
    return [
        # a square W first: X @ W.T then gives wrong numbers (recognised) instead of an error
        Case("5 samples, 3 features, 3 units (a square W)",
             (r.normal(size=(5, 3)), r.normal(size=(3, 3)), r.normal(size=3))),
        Case("4 samples, 3 features, 2 units (W not square)",
             (r.normal(size=(4, 3)), r.normal(size=(3, 2)), r.normal(size=2))),
        Case("a batch of one sample", (r.normal(size=(1, 3)), r.normal(size=(3, 5)),
                                       r.normal(size=5))),
        Case("one input feature", (r.normal(size=(6, 1)), r.normal(size=(1, 3)),
                                   r.normal(size=3))),
        Case("zero weights: the output is the bias in every row",
             (r.normal(size=(3, 2)), np.zeros((2, 4)), r.normal(size=4))),
    ]


def _elementwise_raised(outcome, case):
    X, W, _ = case.args
    return _raised(outcome, ValueError, "broadcast", _shape(X.shape) + _shape(W.shape))


def _bias_column_raised(outcome, case):
    _, W, _ = case.args
    return _raised(outcome, ValueError, "broadcast", _shape((W.shape[1], 1)))


def _matmul_raised(outcome, case):
    return (_raised(outcome, ValueError, "matmul") or _raised(outcome, ValueError, "not aligned")
            or _raised(outcome, ValueError, "size", "is different from"))


register(Task(
    name="dense_forward",
    assignment="a1_forward_pass",
    params=("X", "W", "b"),
    returns=("Y",),
    summary="a dense layer: Y = X @ W + b",
    reference=_dense,
    cases=_dense_cases,
    chapter=CH2 + ', section "A layer: many neurons, one matrix product"',
    hint="Each row of X is one sample and each column of W one unit, so the layer is "
         "Y = X @ W + b: (n_samples, n_in) @ (n_in, n_out) + (n_out,) gives "
         "(n_samples, n_out). Compare the shape and the first entries of your Y with the "
         "expected ones above.",
    mistakes=(
        Mistake("shapes_do_not_line_up",
                "The shapes did not line up for the matrix product: its inner sizes must "
                "match. Here rows are samples, X is (n_samples, n_in) and W is (n_in, n_out), "
                "so the product is `X @ W`, with no transpose; `W @ X` is the column "
                "convention of some textbooks.",
                when=_matmul_raised),
        Mistake("transposed_W",
                "You multiplied by W transposed. With rows as samples, X is (n_samples, n_in) "
                "and W is (n_in, n_out), unit j's weights in column j: `X @ W` already lines "
                "them up (W.T is PyTorch's storage, not this book's).",
                wrong=lambda X, W, b: X @ W.T + b),
        Mistake("column_convention",
                "Your Y is transposed: one column per sample, the column convention "
                "Z = W x + b of Nielsen's book. In this book rows are samples, so Y = X @ W + b "
                "has shape (n_samples, n_out).",
                wrong=lambda X, W, b: (X @ W + b).T),
        Mistake("elementwise",
                "`*` multiplies entry by entry (and fails when the shapes cannot be "
                "broadcast together); a layer needs the matrix product, which sums over the "
                "inputs: `X @ W + b`.",
                wrong=lambda X, W, b: X * W + b, when=_elementwise_raised),
        Mistake("bias_column",
                "b was used as a column of shape (n_out, 1), so numpy lined its entries up with "
                "the samples instead of the units (an error for most batch sizes, wrong "
                "numbers without an error when n_samples equals n_out or is 1). Keep b of shape "
                "(n_out,): `X @ W + b` adds b[j] to column j of every row.",
                wrong=lambda X, W, b: X @ W + b.reshape(-1, 1), when=_bias_column_raised),
        Mistake("missing_bias",
                "The bias is missing: every unit adds its own b[j] to its weighted sum, "
                "Y = X @ W + b.",
                wrong=lambda X, W, b: X @ W),
        Mistake("bias_summed",
                "b has one bias per unit, added to column j of every row by broadcasting: "
                "`X @ W + b`. Summing b (or adding one number) gives every unit the same bias.",
                wrong=lambda X, W, b: X @ W + b.sum()),
    ),
))


# ---------------------------------------------------------------------------------------------
# sigmoid


def _sigmoid_cases():
    r = _rng()
    return [
        Case("small inputs", (r.normal(size=(3, 4)),)),
        Case("zero gives exactly 0.5", (np.zeros((2, 2)),)),
        Case("a batch of one sample", (r.normal(size=(1, 5)),)),
        # before the overflowing case, so that a lost-digits mistake shows here on its own
        Case("negative inputs, where the answer is tiny but not 0 (-20 to -700)",
             (np.array([[-38.0, -50.0, -30.0], [-20.0, -100.0, -700.0]]),)),
        Case("large negative and positive inputs (-1000 to 1000)",
             (np.array([[-1000.0, -745.0, -40.0, -1.0], [1.0, 40.0, 745.0, 1000.0]]),)),
    ]


def _overflowed(outcome, case):
    return _raised(outcome, FloatingPointError, "overflow")


def _where_overflowed(outcome, case):
    return _overflowed(outcome, case) and "where(" in outcome.where


def _clipped(outcome, case):
    """Right except at very negative z, where the answer is one too-large constant."""
    (Z,) = case.args
    ref = sigmoid(Z)
    if not _array_like(outcome, ref):
        return False
    v = outcome.value
    bad = ~np.isclose(v, ref, rtol=1e-12, atol=0.0)
    return bool(bad.any() and (Z[bad] < 0).all() and (v[bad] > ref[bad]).all()
                and np.ptp(v[bad]) == 0)


def _overflow_hidden(outcome, case):
    """Right except where exp(-z) overflows (z < -709.78): 1 / (1 + inf) gave 0 there."""
    (Z,) = case.args
    ref = sigmoid(Z)
    if not _array_like(outcome, ref):
        return False
    v = outcome.value
    bad = ~np.isclose(v, ref, rtol=1e-12, atol=0.0)
    return bool(bad.any() and (Z[bad] < -709.0).all() and (v[bad] == 0).all())


def _lost_digits(outcome, case):
    """Wrong only at negative z, and only by float64 rounding of numbers near 1."""
    (Z,) = case.args
    ref = sigmoid(Z)
    if not _array_like(outcome, ref):
        return False
    v = outcome.value
    bad = ~np.isclose(v, ref, rtol=1e-12, atol=0.0)
    return bool(bad.any() and (Z[bad] < 0).all()
                and (np.abs(v[bad] - ref[bad]) <= 4 * np.finfo(np.float64).eps).all())


register(Task(
    name="sigmoid",
    assignment="a1_forward_pass",
    params=("Z",),
    returns=("A",),
    summary="the logistic function, element by element, finite for abs(z) up to 1000",
    reference=sigmoid,
    cases=_sigmoid_cases,
    chapter=CH2 + ', section "One neuron", and ' + CH3
            + ', section "The stable form: cross-entropy on logits"',
    rtol=1e-12,
    atol=0.0,
    hint="sigma(z) = 1 / (1 + exp(-z)), between 0 and 1, and 0.5 at z = 0. For z >= 0 compute "
         "it as written; for z < 0 use the equal exp(z) / (1 + exp(z)), so that exp only ever "
         "sees a number <= 0 and nothing is subtracted from 1.",
    mistakes=(
        Mistake("where_both_branches",
                "`np.where(cond, a, b)` computes both a and b for every entry before it "
                "chooses, so the branch meant for z >= 0 still computes exp(-z) at z = -1000 "
                "(inf). Give exp only numbers <= 0 in both branches: with "
                "`E = np.exp(-np.abs(Z))`, sigma(z) is `1 / (1 + E)` where z >= 0 and "
                "`E / (1 + E)` where z < 0.",
                when=_where_overflowed),
        Mistake("overflow",
                "An exponential overflowed: exp(z) is inf in float64 once z > 709.78, so "
                "`1 / (1 + np.exp(-Z))` overflows at z = -1000 and `np.exp(Z) / (1 + np.exp(Z))` "
                "at z = 1000, even though the answers (0 and 1) are fine. Give exp only numbers "
                "<= 0: with `E = np.exp(-np.abs(Z))`, sigma(z) is `1 / (1 + E)` where z >= 0 and "
                "`E / (1 + E)` where z < 0 (with `np.where`, both branches must be safe: it "
                "computes both for every entry).",
                when=_overflowed),
        Mistake("math_exp",
                "`math.exp` takes one number, not an array. Use `np.exp`, which works on "
                "every entry of an array at once.",
                when=lambda outcome, case: _raised(outcome, TypeError, "arrays", "scalars")),
        Mistake("clipped",
                "You clipped z to avoid the overflow, so every z below the bound gets "
                "sigma(bound) instead of its own tiny value (sigma(-700) is about 1e-304, "
                "sigma(-500) about 7e-218). Keep every z and keep exp's argument <= 0 "
                "instead: `1 / (1 + E)` where z >= 0 and `E / (1 + E)` where z < 0, with "
                "`E = np.exp(-np.abs(Z))`.",
                when=_clipped),
        Mistake("overflow_silenced",
                "Your exponential overflowed without a word (warnings silenced, or "
                "`np.errstate`): at z = -745, exp(745) is inf and 1 / (1 + inf) gives 0, but "
                "sigma(-745) is about 5e-324, the smallest positive float64. Give exp only "
                "numbers <= 0: with `E = np.exp(-np.abs(Z))`, sigma(z) is `1 / (1 + E)` where "
                "z >= 0 and `E / (1 + E)` where z < 0.",
                when=_overflow_hidden),
        Mistake("one_minus",
                "For negative z your formula subtracts two nearly equal numbers, as in "
                "1 - sigma(-z) or 1 + tanh(z/2): sigma(-z) rounds to 1.0 once z < -37, and "
                "1 - 1.0 is 0, losing every digit of the tiny true value. Divide instead of "
                "subtracting: sigma(z) = exp(z) / (1 + exp(z)) for z < 0.",
                wrong=lambda Z: np.where(Z >= 0, 1 / (1 + np.exp(-np.abs(Z))),
                                         1 - 1 / (1 + np.exp(-np.abs(Z)))),
                when=_lost_digits),
        Mistake("sign",
                "Check the sign inside the exponential (and which branch goes with which "
                "sign): sigma(z) = 1 / (1 + exp(-z)) is above 0.5 for positive z, below it "
                "for negative z.",
                wrong=lambda Z: sigmoid(-Z)),
        Mistake("tanh",
                "That is tanh, which ranges over (-1, 1); the logistic sigmoid "
                "sigma(z) = 1 / (1 + exp(-z)) ranges over (0, 1).",
                wrong=np.tanh),
    ),
))


# ---------------------------------------------------------------------------------------------
# relu


def _relu(Z):
    return ReLU().forward(Z)


def _relu_cases():
    r = _rng()
    return [
        Case("mixed signs", (r.normal(size=(4, 3)),)),
        Case("exact zeros stay zero", (np.array([[0.0, -0.0, 2.0], [-3.0, 0.0, 0.5]]),)),
        Case("a batch of one sample", (r.normal(size=(1, 6)),)),
        Case("all negative", (-np.abs(r.normal(size=(2, 3))) - 0.1,)),
    ]


def _step(outcome, case):
    """The answer is the mask [z > 0] (bool, int or float), not max(z, 0)."""
    (Z,) = case.args
    v = outcome.value
    return (isinstance(v, np.ndarray) and v.shape == Z.shape
            and (np.issubdtype(v.dtype, np.number) or v.dtype == np.bool_)
            and bool(np.array_equal(v.astype(np.float64), (Z > 0).astype(np.float64))))


def _max_of_array(outcome, case):
    (Z,) = case.args
    v = outcome.value
    if isinstance(v, np.ndarray) and v.ndim == 0:
        v = v[()]
    return (isinstance(v, numbers.Real) and not isinstance(v, bool)
            and float(v) in (float(Z.max()), max(float(Z.max()), 0.0)))


register(Task(
    name="relu",
    assignment="a1_forward_pass",
    params=("Z",),
    returns=("A",),
    summary="max(z, 0), element by element",
    reference=_relu,
    cases=_relu_cases,
    chapter=CH2 + ', section "A network: layers in a row"',
    hint="ReLU keeps each positive entry and replaces every other entry by 0, with the "
         "shape of Z: `np.maximum(Z, 0)`.",
    mistakes=(
        Mistake("python_max",
                "Python's `max(0, Z)` compares 0 with the whole array at once, which has no "
                "single truth value. numpy's `np.maximum(Z, 0)` compares entry by entry and "
                "returns an array of Z's shape.",
                when=lambda outcome, case: _raised(outcome, ValueError, "truth value",
                                                   "ambiguous")),
        Mistake("max_not_maximum",
                "`np.max(Z, 0)` is the largest entry of each column (its second argument is "
                "an axis), so the result has lost a dimension. ReLU compares each entry with "
                "0: `np.maximum(Z, 0)` (max-i-mum).",
                wrong=lambda Z: np.max(Z, axis=0)),
        Mistake("max_over_array",
                "`np.max(Z)` is one number, the largest entry of the whole array. ReLU "
                "compares each entry with 0 and keeps Z's shape: `np.maximum(Z, 0)` "
                "(max-i-mum).",
                wrong=lambda Z: np.max(Z), when=_max_of_array),
        Mistake("step",
                "You returned the mask [z > 0] (1 or True where z > 0, 0 elsewhere), which is "
                "ReLU's derivative, used in the backward pass. ReLU passes z itself through: "
                "`np.maximum(Z, 0)`, or `Z * (Z > 0)`.",
                wrong=lambda Z: (Z > 0).astype(np.float64), when=_step),
        Mistake("abs",
                "Negative inputs must become 0, not positive: that was an absolute value. "
                "ReLU is max(z, 0): `np.maximum(Z, 0)`.",
                wrong=np.abs),
        Mistake("in_place",
                "Your answer is right, but `Z[Z < 0] = 0` (or `np.maximum(Z, 0, out=Z)`) "
                "overwrote the caller's Z: whoever called relu still holds that array (in a "
                "network, the layer's pre-activation) and now sees it changed. Return a new "
                "array: `np.maximum(Z, 0)`.",
                when=lambda outcome, case: "Z" in outcome.changed),
    ),
))


# ---------------------------------------------------------------------------------------------
# two_layer_forward


def _two_layer(X, W1, b1, W2, b2):
    return Network([dense_layer(W1, b1), ReLU(), dense_layer(W2, b2)]).forward(X)


def _two_layer_cases():
    r = _rng()

    def make(n, n_in, n_hidden, n_out):
        return (r.normal(size=(n, n_in)), r.normal(size=(n_in, n_hidden)),
                r.normal(size=n_hidden), r.normal(size=(n_hidden, n_out)), r.normal(size=n_out))

    off = make(3, 2, 4, 2)
    off = (np.abs(off[0]), -np.abs(off[1]), -np.abs(off[2]) - 0.1, off[3], off[4])
    return [
        Case("4 samples, 3 inputs, 5 hidden units, 2 outputs", make(4, 3, 5, 2)),
        Case("a batch of one sample", make(1, 3, 4, 2)),
        Case("one output", make(5, 2, 3, 1)),
        Case("more hidden units than inputs and outputs (2-8-3)", make(6, 2, 8, 3)),
        Case("every hidden unit off: the output is b2 in every row", off),
    ]


def _sig(Z):
    return sigmoid(Z)


register(Task(
    name="two_layer_forward",
    assignment="a1_forward_pass",
    params=("X", "W1", "b1", "W2", "b2"),
    returns=("Y",),
    summary="dense, ReLU, dense: Y = relu(X @ W1 + b1) @ W2 + b2 (logits)",
    reference=_two_layer,
    cases=_two_layer_cases,
    chapter=CH2 + ', sections "A network: layers in a row" and "Why a non-linearity?", and '
            + CH1 + ', section "Step 3: the forward pass"',
    hint="Compute the hidden layer first, A1 = relu(X @ W1 + b1), then Y = A1 @ W2 + b2, with "
         "no activation after the last layer. Use your own dense_forward and relu, and make "
         "sure that both pass their own checks first.",
    mistakes=(
        Mistake("no_activation",
                "The ReLU between the layers is missing: A1 = relu(X @ W1 + b1). Without it "
                "two layers collapse into one linear layer, (X W1 + b1) W2 + b2 = "
                "X (W1 W2) + (b1 W2 + b2).",
                wrong=lambda X, W1, b1, W2, b2: (X @ W1 + b1) @ W2 + b2),
        Mistake("relu_on_output",
                "The ReLU belongs between the layers only: the output layer is linear, "
                "Y = A1 @ W2 + b2, because its outputs are logits, which may be negative.",
                wrong=lambda X, W1, b1, W2, b2: np.maximum(
                    np.maximum(X @ W1 + b1, 0) @ W2 + b2, 0)),
        Mistake("sigmoid_output",
                "A sigmoid was applied to the output. The task asks for logits, "
                "Y = A1 @ W2 + b2: the sigmoid (or softmax) that turns them into "
                "probabilities comes later, inside the loss (chapter 3).",
                wrong=lambda X, W1, b1, W2, b2: _sig(np.maximum(X @ W1 + b1, 0) @ W2 + b2)),
        Mistake("sigmoid_hidden",
                "The hidden layer used a sigmoid; this network's hidden activation is ReLU: "
                "A1 = relu(X @ W1 + b1).",
                wrong=lambda X, W1, b1, W2, b2: _sig(X @ W1 + b1) @ W2 + b2),
        Mistake("relu_before_bias",
                "Add the bias before the ReLU: A1 = relu(X @ W1 + b1), not relu(X @ W1) + b1. "
                "The bias moves where each unit switches on.",
                wrong=lambda X, W1, b1, W2, b2: (np.maximum(X @ W1, 0) + b1) @ W2 + b2),
        Mistake("returned_hidden",
                "You returned the hidden layer's activations A1, of shape "
                "(n_samples, n_hidden). One layer is left: Y = A1 @ W2 + b2, of shape "
                "(n_samples, n_out).",
                wrong=lambda X, W1, b1, W2, b2: np.maximum(X @ W1 + b1, 0)),
    ),
))


# ---------------------------------------------------------------------------------------------
# count_params


def _count(layer_sizes):
    sizes = list(layer_sizes)
    net = Network([Dense(a, b) for a, b in zip(sizes[:-1], sizes[1:], strict=False)])
    return net.n_params


def _count_cases():
    return [
        Case("the digits network 64-32-10", ([64, 32, 10],)),
        Case("one layer 3-2", ([3, 2],)),
        Case("three layers 2-16-16-1", ([2, 16, 16, 1],)),
        Case("a wide first layer 784-128-10", ([784, 128, 10],)),
    ]


def _pairs(s):
    return list(zip(s[:-1], s[1:], strict=False))


def _one_layer_left_out(outcome, case):
    (sizes,) = case.args
    v = outcome.value
    if not isinstance(v, numbers.Real) or isinstance(v, bool):
        return False
    total = _count(sizes)
    return any(float(v) == total - (a + 1) * b for a, b in _pairs(sizes))


register(Task(
    name="count_params",
    assignment="a1_forward_pass",
    params=("layer_sizes",),
    returns=("n_params",),
    summary="the number of weights and biases of a stack of dense layers",
    reference=_count,
    cases=_count_cases,
    chapter=CH2 + ', section "Counting parameters"',
    rtol=0.0,
    atol=0.0,
    hint="The sizes n_0, n_1, ..., n_L describe L dense layers, one per consecutive pair. "
         "Layer k has n_(k-1) * n_k weights and n_k biases, (n_(k-1) + 1) * n_k in all; add "
         "these up over the L layers.",
    mistakes=(
        Mistake("no_biases", "The biases are missing: each layer also has n_out of them, "
                "one per unit, so a layer has (n_in + 1) * n_out parameters.",
                wrong=lambda s: sum(a * b for a, b in _pairs(s))),
        Mistake("input_biases",
                "Biases belong to units, n_out per layer: a layer has n_in * n_out + n_out "
                "parameters. You gave each layer n_in biases, one per input.",
                wrong=lambda s: sum(a * b + a for a, b in _pairs(s))),
        Mistake("one_bias_per_layer",
                "Each unit has a bias of its own, so a layer has n_out biases, not one: "
                "n_in * n_out + n_out parameters.",
                wrong=lambda s: sum(a * b + 1 for a, b in _pairs(s))),
        Mistake("missing_one_layer",
                "Your count leaves out one layer. A list of L + 1 sizes describes L layers, "
                "one per consecutive pair (`zip(layer_sizes[:-1], layer_sizes[1:])`): check "
                "where your loop starts and stops.",
                wrong=lambda s: sum((a + 1) * b for a, b in _pairs(s)[:-1]),
                when=_one_layer_left_out),
        Mistake("product_of_all",
                "Weights connect consecutive layers only: add (n_in + 1) * n_out over "
                "consecutive pairs of sizes, do not multiply all the sizes together.",
                wrong=lambda s: int(np.prod(s)) + sum(s[1:])),
    ),
))


ASSIGNMENTS["a1_forward_pass"] = Assignment(
    name="a1_forward_pass",
    title="Assignment 1: the forward pass",
    chapters=("forward_pass", "learning_loop"),
    tasks=("dense_forward", "sigmoid", "relu", "two_layer_forward", "count_params"),
)
