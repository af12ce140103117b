r"""Assignment 1, "The forward pass": a layer, two activations, a network, its parameters.

Each task's reference is the library's own code (``Dense``, ``sigmoid``, ``ReLU``,
``Network.n_params``); each usual mistake is a wrong implementation a learner might write.
"""

from __future__ import annotations

import numpy as np

from ..activations import ReLU, sigmoid
from ..layers import Dense
from ..network import Network
from ._core import ASSIGNMENTS, Assignment, Case, Mistake, Task, register

CH2 = 'chapter 2, "Neurons, layers and the forward pass"'
CH5 = 'chapter 5, "Backpropagation, layer by layer"'


def _dense(X, W, b):
    layer = Dense(W.shape[0], W.shape[1])
    layer.params["W"][...] = W
    layer.params["b"][...] = b
    return layer.forward(X)


def _rng():
    return np.random.default_rng(20261207)


def _dense_cases():
    r = _rng()
    return [
        Case("4 samples, 3 features, 3 units (a square W)", (r.normal(size=(5, 3)), r.normal(size=(3, 3)),
                                                r.normal(size=3))),
        Case("4 samples, 3 features in, 2 units out (W not square)",
             (r.normal(size=(4, 3)), r.normal(size=(3, 2)), r.normal(size=2))),
        Case("a batch of one sample", (r.normal(size=(1, 3)), r.normal(size=(3, 5)),
                                       r.normal(size=5))),
        Case("one input feature", (r.normal(size=(6, 1)), r.normal(size=(1, 3)),
                                   r.normal(size=3))),
        Case("zero weights: the output is the bias in every row",
             (r.normal(size=(3, 2)), np.zeros((2, 4)), r.normal(size=4))),
    ]


register(Task(
    name="dense_forward",
    assignment="a1_forward_pass",
    params=("X", "W", "b"),
    returns=("Y",),
    summary="a dense layer: Y = X @ W + b",
    reference=_dense,
    cases=_dense_cases,
    chapter=CH2 + ', section "A layer: many neurons, one matrix product"',
    hint="Each row of X is one sample; W has one column per unit and b one entry per unit, "
         "so Y = X @ W + b has one row per sample and one column per unit.",
    mistakes=(
        Mistake("transposed_W",
                "You multiplied by W transposed. With rows as samples, X has shape "
                "(n_samples, n_in) and W has shape (n_in, n_out): `X @ W` already lines them up.",
                wrong=lambda X, W, b: X @ W.T + b),
        Mistake("shapes_do_not_line_up",
                "The shapes did not line up for the matrix product. `W @ X` is the column "
                "convention of some textbooks; here rows are samples, X has shape "
                "(n_samples, n_in) and W has shape (n_in, n_out), so the product is `X @ W`.",
                when=lambda outcome, case: isinstance(outcome.error, ValueError)
                and "matmul" in str(outcome.error)),
        Mistake("missing_bias",
                "The bias is missing: every unit adds its own b[j] to its weighted sum.",
                wrong=lambda X, W, b: X @ W),
        Mistake("elementwise",
                "`*` multiplies entry by entry (and fails when the shapes cannot be broadcast "
                "together); a layer needs the matrix product `X @ W`.",
                wrong=lambda X, W, b: X * W + b,
                when=lambda outcome, case: isinstance(outcome.error, ValueError)
                and "broadcast" in str(outcome.error)),
        Mistake("bias_summed",
                "b is a vector with one bias per unit, added to every row by broadcasting: "
                "`X @ W + b`. Do not sum it or add it once.",
                wrong=lambda X, W, b: X @ W + b.sum()),
    ),
))


# ---------------------------------------------------------------------------------------------

def _sigmoid_cases():
    r = _rng()
    return [
        Case("small inputs", (r.normal(size=(3, 4)),)),
        Case("zero gives exactly 0.5", (np.zeros((2, 2)),)),
        Case("a batch of one sample", (r.normal(size=(1, 5)),)),
        Case("large negative and positive inputs (-1000 to 1000)",
             (np.array([[-1000.0, -745.0, -40.0, -1.0], [1.0, 40.0, 745.0, 1000.0]]),)),
        Case("moderately negative inputs, where 1 - sigma(-z) loses every digit",
             (np.array([[-50.0, -38.0, -30.0], [-20.0, -100.0, -700.0]]),)),
    ]


def _naive_overflow(outcome, case):
    return isinstance(outcome.error, FloatingPointError) and "overflow" in str(outcome.error)


register(Task(
    name="sigmoid",
    assignment="a1_forward_pass",
    params=("Z",),
    returns=("A",),
    summary="the logistic function, element by element, finite for |z| up to 1000",
    reference=sigmoid,
    cases=_sigmoid_cases,
    chapter=CH2 + ' and chapter 3, "Measuring the error: loss functions", section "The '
            'stable form: cross-entropy on logits"',
    rtol=1e-12,
    atol=0.0,
    hint="sigma(z) = 1 / (1 + exp(-z)). For z >= 0 compute it as written; for z < 0 use the "
         "equal exp(z) / (1 + exp(z)), so that exp only ever sees a number <= 0.",
    mistakes=(
        Mistake("overflow",
                "An exponential overflowed: exp(1000) is larger than the largest float64 "
                "(about 1.8e308), so numpy made it inf. `1 / (1 + np.exp(-Z))` overflows for "
                "very negative z even though the answer, 0, is fine; `np.where` does not help "
                "because it computes both branches for every entry. Compute "
                "`E = np.exp(-np.abs(Z))` (never more than 1) and return `1 / (1 + E)` where "
                "z >= 0 and `E / (1 + E)` where z < 0.",
                when=_naive_overflow),
        Mistake("one_minus",
                "For negative z you computed 1 - sigma(-z): sigma(-z) rounds to 1.0 once "
                "z < -37, and 1 - 1.0 is 0, losing every digit of the tiny true value. Use "
                "exp(z) / (1 + exp(z)) for z < 0 instead.",
                wrong=lambda Z: np.where(Z >= 0, 1 / (1 + np.exp(-np.abs(Z))),
                                         1 - 1 / (1 + np.exp(-np.abs(Z))))),
        Mistake("sign",
                "Check the sign inside the exponential: sigma(z) = 1 / (1 + exp(-z)), which "
                "is above 0.5 for positive z.",
                wrong=lambda Z: sigmoid(-Z)),
        Mistake("tanh",
                "That is tanh, which ranges over (-1, 1); the logistic sigmoid ranges over (0, 1).",
                wrong=np.tanh),
    ),
))


# ---------------------------------------------------------------------------------------------

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


register(Task(
    name="relu",
    assignment="a1_forward_pass",
    params=("Z",),
    returns=("A",),
    summary="max(z, 0), element by element",
    reference=_relu,
    cases=_relu_cases,
    chapter=CH2,
    hint="ReLU keeps positive entries and replaces the others by 0: `np.maximum(Z, 0)`.",
    mistakes=(
        Mistake("max_over_array",
                "`max(Z)` or `np.max(Z)` is the largest entry of the whole array; ReLU compares "
                "each entry with 0: `np.maximum(Z, 0)` (note the m-a-x-i-m-u-m).",
                wrong=lambda Z: np.full_like(Z, max(Z.max(), 0.0))),
        Mistake("abs",
                "Negative inputs must become 0, not positive: that was an absolute value.",
                wrong=np.abs),
        Mistake("in_place",
                "Your answer is right, but `Z[Z < 0] = 0` (or `np.maximum(Z, 0, out=Z)`) "
                "overwrote the caller's Z, which the backward pass still needs. Return a new "
                "array: `np.maximum(Z, 0)`.",
                when=lambda outcome, case: "Z" in outcome.changed),
    ),
))


# ---------------------------------------------------------------------------------------------

def _two_layer(X, W1, b1, W2, b2):
    net = Network([Dense(*W1.shape), ReLU(), Dense(*W2.shape)])
    for layer, W, b in ((net.layers[0], W1, b1), (net.layers[2], W2, b2)):
        layer.params["W"][...] = W
        layer.params["b"][...] = b
    return net.forward(X)


def _two_layer_cases():
    r = _rng()

    def make(n, n_in, n_hidden, n_out):
        return (r.normal(size=(n, n_in)), r.normal(size=(n_in, n_hidden)),
                r.normal(size=n_hidden), r.normal(size=(n_hidden, n_out)), r.normal(size=n_out))

    return [
        Case("4 samples, 3 inputs, 5 hidden units, 2 outputs", make(4, 3, 5, 2)),
        Case("a batch of one sample", make(1, 3, 4, 2)),
        Case("one output", make(5, 2, 3, 1)),
        Case("more hidden units than inputs and outputs (2-8-3)", make(6, 2, 8, 3)),
    ]


register(Task(
    name="two_layer_forward",
    assignment="a1_forward_pass",
    params=("X", "W1", "b1", "W2", "b2"),
    returns=("Y",),
    summary="dense, ReLU, dense: Y = relu(X @ W1 + b1) @ W2 + b2",
    reference=_two_layer,
    cases=_two_layer_cases,
    chapter=CH2 + ', sections "A network: layers in a row" and "Why a non-linearity?"',
    hint="Compute the hidden layer first, H = relu(X @ W1 + b1), then Y = H @ W2 + b2. "
         "Use your own dense_forward and relu.",
    mistakes=(
        Mistake("no_activation",
                "The ReLU between the layers is missing. Without it two layers collapse into "
                "one linear layer (chapter 2 shows why).",
                wrong=lambda X, W1, b1, W2, b2: (X @ W1 + b1) @ W2 + b2),
        Mistake("relu_on_output",
                "The ReLU belongs between the layers only: the output layer here is linear "
                "(its outputs are logits, which may be negative).",
                wrong=lambda X, W1, b1, W2, b2: np.maximum(
                    np.maximum(X @ W1 + b1, 0) @ W2 + b2, 0)),
        Mistake("relu_before_bias",
                "Add the bias before the ReLU: H = relu(X @ W1 + b1), not relu(X @ W1) + b1.",
                wrong=lambda X, W1, b1, W2, b2: (np.maximum(X @ W1, 0) + b1) @ W2 + b2),
    ),
))


# ---------------------------------------------------------------------------------------------

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
    hint="A dense layer from n_in to n_out units has n_in * n_out weights and n_out biases; "
         "add them up over consecutive pairs of sizes.",
    mistakes=(
        Mistake("no_biases", "The biases are missing: each layer also has n_out of them.",
                wrong=lambda s: sum(a * b for a, b in zip(s[:-1], s[1:], strict=False))),
        Mistake("input_biases",
                "Biases belong to layers, one per unit of the layer's output: the input "
                "features have none.",
                wrong=lambda s: sum(a * b + a for a, b in zip(s[:-1], s[1:], strict=False))),
        Mistake("product_of_all",
                "Weights connect consecutive layers only: add n_in * n_out + n_out over "
                "consecutive pairs, do not multiply all sizes together.",
                wrong=lambda s: int(np.prod(s)) + sum(s[1:])),
    ),
))


ASSIGNMENTS["a1_forward_pass"] = Assignment(
    name="a1_forward_pass",
    title="Assignment 1: the forward pass",
    chapters=("forward_pass", "learning_loop"),
    tasks=("dense_forward", "sigmoid", "relu", "two_layer_forward", "count_params"),
)
