r"""Assignment 2, "Losses and their gradients": MSE, softmax cross-entropy, binary cross-entropy.

Each task returns ``(loss, gradient)``: the loss as a number, the gradient as an array of the
input's shape. Each reference is the library's own loss (``MSE``, ``SoftmaxCrossEntropy``,
``BinaryCrossEntropy``): ``forward`` then ``backward`` on the learner's inputs. Each usual
mistake is a wrong implementation a learner might write, or a test of what the function did
(an error it raised, an input it changed).
"""

from __future__ import annotations

import re

import numpy as np

from ..activations import softmax
from ..losses import MSE, BinaryCrossEntropy, SoftmaxCrossEntropy
from ._core import ASSIGNMENTS, Assignment, Case, Mistake, Task, register

CH3 = 'chapter 3, "Measuring the error: loss functions"'

# a loss a little smaller than the reference's, by more than this (relative and absolute) but
# less than 1e-5 of it, is what an epsilon inside a logarithm gives: a rounding error is smaller
_TOL = 1e-9


def _rng():
    return np.random.default_rng(20261207)


def _with_library(loss_class):
    """The library's loss as a task function: ``(loss, gradient)`` from forward and backward."""

    def reference(prediction, y):
        loss = loss_class()
        return loss.forward(prediction, y), loss.backward()

    reference.__name__ = loss_class.__name__
    return reference


def _loss_is_array(hint_tail: str) -> Mistake:
    """The loss came back as an array (a mean along one axis, or no mean at all)."""

    def when(outcome, case):
        v = outcome.value
        return (outcome.error is None and isinstance(v, tuple | list) and len(v) == 2
                and isinstance(v[0], np.ndarray) and v[0].ndim >= 1)

    return Mistake(
        "loss_not_a_number",
        "The loss must be one number for the whole batch, not an array: " + hint_tail,
        when=when)


def _changed(name: str, hint: str) -> Mistake:
    return Mistake("modified_input", hint, when=lambda outcome, case: name in outcome.changed)


def _same_as(reference, *fns):
    """A test of the outcome: the first output that differs from the reference's equals that
    output of one of ``fns`` (a mistake that cannot be written as a single ``wrong=``)."""

    def close(a, b):
        try:
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        except (TypeError, ValueError):
            return False
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=_TOL, atol=1e-12))

    def when(outcome, case):
        v = outcome.value
        if outcome.error is not None or not isinstance(v, tuple | list) or len(v) != 2:
            return False
        expected = reference(*case.args)
        index = 0 if not close(v[0], expected[0]) else 1
        for fn in fns:
            with np.errstate(all="ignore"):
                other = fn(*case.args)
            if close(v[index], other[index]):
                return True
        return False

    return when


# ---------------------------------------------------------------------------------------------
# mse

# The library's MSE averages over ALL N = Y_hat.size elements (``np.mean`` and ``2 / diff.size``),
# exactly the definition, so the reference is the library's MSE unchanged.
_mse = _with_library(MSE)


def _mse_cases():
    r = _rng()
    return [
        # several columns first: a mean over samples differs from the mean over all elements
        Case("4 samples, 3 outputs", (r.normal(size=(4, 3)), r.normal(size=(4, 3)))),
        Case("a batch of one sample", (r.normal(size=(1, 3)), r.normal(size=(1, 3)))),
        Case("one output column", (r.normal(size=(5, 1)), r.normal(size=(5, 1)))),
        Case("a perfect prediction: the loss is 0 and so is the gradient",
             (np.array([[0.5, -1.0], [2.0, 3.0]]), np.array([[0.5, -1.0], [2.0, 3.0]]))),
        Case("large errors, 2 samples and 4 outputs",
             (r.normal(size=(2, 4)) * 100, r.normal(size=(2, 4)))),
    ]


def _mse_wrong(loss_of, grad_of):
    def wrong(Y_hat, y):
        diff = Y_hat - y
        N, n = Y_hat.size, Y_hat.shape[0]
        return loss_of(float(np.sum(diff * diff)), N, n), grad_of(diff, N, n)

    return wrong


register(Task(
    name="mse",
    assignment="a2_losses",
    params=("Y_hat", "y"),
    returns=("loss", "dY_hat"),
    summary="the mean squared error over all elements, and its gradient",
    reference=_mse,
    cases=_mse_cases,
    chapter=CH3 + ', sections "Regression: the mean squared error" and "The gradient of the '
            'squared error"',
    hint="With N = Y_hat.size (every entry of the batch), L = sum((Y_hat - y)**2) / N and "
         "dY_hat = 2 * (Y_hat - y) / N: one entry per prediction, of the shape of Y_hat.",
    mistakes=(
        Mistake("missing_factor_2",
                "The gradient lacks the factor 2: the derivative of (Y_hat - y)**2 is "
                "2 (Y_hat - y), so dY_hat = 2 * (Y_hat - y) / N. (Some books define the loss "
                "with a 1/2 in front to cancel it; this one, as PyTorch's MSELoss, does not.)",
                wrong=_mse_wrong(lambda t, N, n: t / N, lambda d, N, n: d / N)),
        Mistake("mean_over_samples",
                "You divided by the number of samples (Y_hat.shape[0]); the mean squared error "
                "averages over ALL N = Y_hat.size entries, rows and columns. Divide the loss "
                "and the gradient by N: `np.mean(...)` without an axis does it for the loss.",
                wrong=_mse_wrong(lambda t, N, n: t / n, lambda d, N, n: 2 * d / n)),
        Mistake("gradient_not_divided",
                "The gradient was not divided by N. The loss is a mean, (1/N) times a sum, "
                "so every entry of its gradient carries the same 1/N: "
                "dY_hat = 2 * (Y_hat - y) / N with N = Y_hat.size.",
                wrong=_mse_wrong(lambda t, N, n: t / N, lambda d, N, n: 2 * d)),
        Mistake("sum_not_mean",
                "You summed the squared errors; the loss is their mean, the sum divided by "
                "N = Y_hat.size, and its gradient is divided by N too: "
                "dY_hat = 2 * (Y_hat - y) / N. A mean keeps the loss (and a good learning "
                "rate) independent of the batch size.",
                wrong=_mse_wrong(lambda t, N, n: t, lambda d, N, n: 2 * d)),
        Mistake("gradient_sign",
                "The gradient has the wrong sign. A prediction that is too high (Y_hat > y) "
                "must get a positive gradient, so that gradient descent, which subtracts it, "
                "lowers it: dY_hat = 2 * (Y_hat - y) / N, not 2 * (y - Y_hat) / N.",
                wrong=_mse_wrong(lambda t, N, n: t / N, lambda d, N, n: -2 * d / N)),
        Mistake("half_squared_error",
                "You computed half the mean squared error, (1/2N) sum (Y_hat - y)**2, and its "
                "gradient (Y_hat - y) / N. Some books use that 1/2 to cancel the 2; the "
                "library's MSE (as PyTorch's) has no 1/2: L = mean((Y_hat - y)**2) and "
                "dY_hat = 2 * (Y_hat - y) / N.",
                wrong=_mse_wrong(lambda t, N, n: t / (2 * N), lambda d, N, n: d / N)),
        _loss_is_array(
            "`np.mean(..., axis=0)` averages each column separately. Average over every "
            "entry with `np.mean((Y_hat - y)**2)` (no axis), or `float(...)` of it."),
        _changed("Y_hat",
                 "Your answer is right, but it changed the caller's Y_hat: `Y_hat -= y` writes "
                 "into the array you were given, and the network still needs its prediction. "
                 "Compute the difference as a new array: `diff = Y_hat - y`."),
    ),
))


# ---------------------------------------------------------------------------------------------
# softmax_cross_entropy

_sce = _with_library(SoftmaxCrossEntropy)

_SAME_SIGN = "logits near +1000 in one row and near -1000 in another"
_GAPS = "gaps of 1000 and 2000 between the logits of a row"


def _sce_cases():
    r = _rng()
    return [
        # 4 samples and 3 classes: not square, so a one-hot put in the wrong place or a missing
        # keepdims raises (and is recognised) instead of giving plausible numbers
        Case("4 samples, 3 classes", (r.normal(size=(4, 3)) * 2, np.array([0, 2, 1, 2]))),
        Case("a batch of one sample", (r.normal(size=(1, 4)), np.array([3]))),
        Case("ties: equal logits, so equal probabilities (a row of zeros costs log C)",
             (np.array([[0.0, 0.0, 0.0], [2.0, 2.0, -1.0], [5.0, -1.0, 5.0]]),
              np.array([1, 0, 2]))),
        Case("6 samples, 10 classes", (r.normal(size=(6, 10)) * 3,
                                       np.array([9, 0, 3, 3, 7, 1]))),
        # exp(1000) overflows; shifting by the maximum of the whole array instead of each row's
        # makes every exponential of the second row underflow to 0
        Case(_SAME_SIGN, (np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -999.0]]),
                          np.array([1, 2]))),
        # the probability of the true class underflows to 0 in rows 2 and 4: log(0) = -inf
        Case(_GAPS, (np.array([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 0.0],
                               [1000.0, 1000.0, 0.0], [0.0, -1000.0, 1000.0]]),
                     np.array([0, 0, 1, 1]))),
    ]


def _sce_wrong(loss_of, grad_of, axis=1):
    """A mistaken softmax cross-entropy: ``loss_of(per_sample, n, K)``, ``grad_of(P, Y, n)``."""

    def wrong(Z, y):
        n, K = Z.shape
        shifted = Z - Z.max(axis=axis, keepdims=True)
        log_P = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        per_sample = -log_P[np.arange(n), y]
        return loss_of(per_sample, n, K), grad_of(np.exp(log_P), np.eye(K)[y], n)

    return wrong


def _mean(per_sample, n, K):
    return float(per_sample.sum() / n)


def _row_shift_batch_sum(Z, y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / E.sum()
    n = len(y)
    loss = float(-np.log(P[np.arange(n), y]).mean())
    P[np.arange(n), y] -= 1
    return loss, P / n


def _onehot_in_place(where):
    def wrong(Z, y):
        n = len(y)
        P = softmax(Z)
        loss = float(-np.log(P[np.arange(n), y]).mean())
        if where == "columns":
            P[:, y] -= 1
        else:
            P[y] -= 1
        return loss, P / n

    return wrong


def _raised(kind, text=""):
    def when(outcome, case):
        return isinstance(outcome.error, kind) and text in str(outcome.error)

    return when


def _log_of_zero(outcome, case):
    """log(softmax): log(0) raised where a true class's probability underflows to 0, or an
    epsilon added or clipped, which makes the loss a little too small (a lot, where p = 0)."""
    if isinstance(outcome.error, FloatingPointError):
        return case.name == _GAPS and "overflow" not in str(outcome.error)
    v = outcome.value
    if outcome.error is not None or not isinstance(v, tuple | list) or len(v) != 2:
        return False
    try:
        below = _sce(*case.args)[0] - float(v[0])
    except (TypeError, ValueError):
        return False
    if case.name == _GAPS:
        return below > 1
    expected = _sce(*case.args)[0]
    return _TOL * expected + _TOL < below < 1e-5 * expected


register(Task(
    name="softmax_cross_entropy",
    assignment="a2_losses",
    params=("logits", "y"),
    returns=("loss", "dlogits"),
    summary="softmax cross-entropy from logits and integer labels, mean over samples, and "
            "its gradient",
    reference=_sce,
    cases=_sce_cases,
    chapter=CH3 + ', sections "Many classes: softmax cross-entropy" and "Why the naive '
            'softmax overflows, and log-sum-exp"',
    hint="Per sample i, L_i = log(sum_k exp(z_ik)) - z_i,y_i, computed with each row's maximum "
         "subtracted first; L is the mean of L_i over the n samples. With P = softmax(logits) "
         "row by row and Y the one-hot labels, dlogits = (P - Y) / n.",
    mistakes=(
        Mistake("overflow",
                "An exponential overflowed: exp(1000) is larger than the largest float64 "
                "(about 1.8e308), so the naive softmax computes inf / inf = nan. Subtract each "
                "row's maximum before exponentiating, "
                "`logits - logits.max(axis=1, keepdims=True)`: the softmax does not change, "
                "and every exponent is then at most 0.",
                when=_raised(FloatingPointError, "overflow")),
        Mistake("shift_by_global_max",
                "You subtracted the maximum of the whole array, one number for every row. It "
                "stops the overflow, but a row whose logits are all far below that maximum "
                "(here near -1000 while another row is near +1000) then has every exponential "
                "underflow to 0, and 0 / 0 or log(0) follows. Subtract each row's own maximum: "
                "`logits.max(axis=1, keepdims=True)`.",
                when=lambda outcome, case: case.name == _SAME_SIGN
                and isinstance(outcome.error, FloatingPointError)),
        Mistake("log_of_softmax",
                "You took the log of the softmax. When the true class's probability "
                "underflows to 0 (a gap of 2000 gives p = exp(-2000), which is 0 in float64), "
                "log(0) = -inf; an epsilon, log(p + 1e-12), gives about 28 instead of 2000 "
                "and changes ordinary losses a little. Compute the loss from the logits: "
                "L_i = log(sum_k exp(z_ik - m_i)) + m_i - z_i,y_i, with m_i the row's maximum "
                "(log-sum-exp).",
                when=_log_of_zero),
        Mistake("forgot_onehot",
                "Your gradient is softmax(logits) / n: it forgot to subtract the one-hot "
                "target. The derivative of L_i = log(sum_k exp(z_ik)) - z_i,y_i is p_ik minus "
                "1 at the true class, so dlogits = (P - Y) / n; one way is "
                "`P[np.arange(n), y] -= 1` before dividing by n.",
                wrong=_sce_wrong(_mean, lambda P, Y, n: P / n)),
        Mistake("onehot_in_columns",
                "`P[:, y] -= 1` subtracts 1 in every row, at every column that is some "
                "sample's label. The one-hot target has a single 1 per row, at that row's "
                "label: `P[np.arange(n), y] -= 1` pairs row i with column y[i].",
                wrong=_onehot_in_place("columns")),
        Mistake("onehot_in_rows",
                "`P[y] -= 1` subtracts 1 from whole rows (y used as row numbers). The one-hot "
                "target has a single 1 per row, at that row's label: "
                "`P[np.arange(n), y] -= 1` pairs row i with column y[i].",
                wrong=_onehot_in_place("rows")),
        Mistake("labels_as_row_index",
                "An index was out of range: in `A[rows, cols]` the first index picks samples "
                "(rows) and the second classes (columns). The true class of every sample is "
                "`A[np.arange(n), y]`, with n = logits.shape[0] samples; y holds class "
                "numbers, which index columns.",
                when=_raised(IndexError)),
        Mistake("softmax_over_samples",
                "Your softmax normalizes each column (axis=0), over the samples. Each sample's "
                "probabilities are one row and must sum to 1 over the classes: take the "
                "maximum and the sum with `axis=1, keepdims=True`.",
                wrong=_sce_wrong(_mean, lambda P, Y, n: (P - Y) / n, axis=0)),
        Mistake("softmax_over_everything",
                "Your softmax divides by the sum over the whole batch (`np.sum(E)` without an "
                "axis), so all the probabilities of the batch together sum to 1. Each sample's "
                "row must sum to 1 on its own: `E.sum(axis=1, keepdims=True)`.",
                wrong=_sce_wrong(_mean, lambda P, Y, n: (P - Y) / n, axis=None),
                # each row's maximum subtracted, but the sum still over the whole batch
                when=_same_as(_sce, _row_shift_batch_sum)),
        Mistake("labels_as_onehot",
                "y holds one integer label per sample, shape (n_samples,), not one-hot rows of "
                "shape (n_samples, C), so it cannot be multiplied with or subtracted from an "
                "(n, C) array. Build the one-hot rows with `np.eye(C)[y]`, or pick each row's "
                "true-class entry with `A[np.arange(n), y]`.",
                when=lambda outcome, case: isinstance(outcome.error, ValueError)
                and "broadcast" in str(outcome.error)
                and re.search(r"[-+*]\s*y\b|\by\s*[-+*]", outcome.where) is not None),
        Mistake("missing_keepdims",
                "The shapes did not broadcast: `logits.max(axis=1)` and `E.sum(axis=1)` have "
                "shape (n,), which numpy lines up with the COLUMNS of an (n, C) array. Keep "
                "the axis, `keepdims=True`, to get shape (n, 1): one number per row.",
                when=_raised(ValueError, "broadcast")),
        Mistake("gradient_not_divided",
                "The gradient was not divided by n. The loss is the mean over the n samples, "
                "so each row of its gradient carries 1/n: dlogits = (P - Y) / n.",
                wrong=_sce_wrong(_mean, lambda P, Y, n: P - Y)),
        Mistake("loss_summed",
                "You summed the per-sample losses; the loss is their mean over the n samples "
                "(and its gradient is (P - Y) / n). A mean keeps the loss near log C at the "
                "start of training whatever the batch size.",
                wrong=_sce_wrong(lambda s, n, K: float(s.sum()), lambda P, Y, n: P - Y)),
        Mistake("mean_over_elements",
                "You averaged over all n * C entries, e.g. `np.mean(-Y * np.log(P))`. Only the "
                "true class of each sample contributes a term, so the loss is the mean over "
                "the n samples (sum, then divide by n), and dlogits = (P - Y) / n.",
                wrong=_sce_wrong(lambda s, n, K: float(s.sum() / (n * K)),
                                 lambda P, Y, n: (P - Y) / (n * P.shape[1]))),
        Mistake("sign",
                "Check the signs. The loss is -log p_y, which is at least 0; its gradient is "
                "(P - Y) / n: the true class's logit gets p - 1 < 0 (gradient descent raises "
                "it), every other logit gets p > 0.",
                wrong=_sce_wrong(lambda s, n, K: -_mean(s, n, K),
                                 lambda P, Y, n: (Y - P) / n)),
        Mistake("diagonal_jacobian",
                "You multiplied dL/dP by p(1 - p), the sigmoid's derivative, as if each "
                "probability depended on its own logit only. In a softmax every probability "
                "depends on every logit of its row; the full chain rule gives "
                "dlogits = (P - Y) / n, and each row of it sums to 0.",
                wrong=_sce_wrong(_mean, lambda P, Y, n: -Y * (1 - P) / n)),
        _loss_is_array(
            "-log p_y of each sample is a vector of n losses; return their mean, "
            "`float(np.mean(...))`."),
        _changed("logits",
                 "Your answer is right, but `logits -= logits.max(axis=1, keepdims=True)` "
                 "changed the caller's logits (an in-place `-=` writes into the array you "
                 "were given). Make a new array: `shifted = logits - logits.max(axis=1, "
                 "keepdims=True)`."),
    ),
))


# ---------------------------------------------------------------------------------------------
# binary_cross_entropy

# The library's BinaryCrossEntropy clamps each logarithm at -100 and p(1 - p) at 1e-12, as
# PyTorch's BCELoss does; every case below keeps p within [1e-9, 1 - 1e-9], where neither clamp
# acts (tests/test_assignment_2.py asserts it), so the reference is the plain formula there.
_bce = _with_library(BinaryCrossEntropy)

_CLOSE = "probabilities close to 0 and 1 (1e-9 and 1 - 1e-9), right and confidently wrong"


def _bce_cases():
    r = _rng()
    y4 = np.array([[0.0, 1.0], [1.0, 1.0], [0.0, 0.0], [1.0, 0.0]])
    return [
        Case("4 samples, 2 outputs", (r.uniform(0.05, 0.95, size=(4, 2)), y4)),
        Case("a batch of one sample", (r.uniform(0.05, 0.95, size=(1, 3)),
                                       np.array([[1.0, 0.0, 1.0]]))),
        Case("one output column", (r.uniform(0.05, 0.95, size=(5, 1)),
                                   np.array([[1.0], [0.0], [0.0], [1.0], [1.0]]))),
        Case("undecided, p = 0.5 everywhere: the loss is log 2",
             (np.full((3, 2), 0.5), np.array([[0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]))),
        Case(_CLOSE, (np.array([[1e-9, 1 - 1e-9], [1e-9, 1 - 1e-9], [1e-6, 0.999999]]),
                      np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]))),
    ]


def _bce_wrong(loss_of, grad_of):
    """A mistaken BCE: ``loss_of(terms, N, n)`` of the per-entry losses, ``grad_of(P, y, N, n)``."""

    def wrong(P, y):
        terms = -(y * np.log(P) + (1 - y) * np.log(1 - P))
        return loss_of(terms, P.size, P.shape[0]), grad_of(P, y, P.size, P.shape[0])

    return wrong


def _bce_mean(terms, N, n):
    return float(terms.sum() / N)


def _bce_grad(P, y, N, n):
    return (P - y) / (P * (1 - P) * N)


def _clipped(outcome, case):
    """An epsilon (clipping p to [eps, 1 - eps], or log(p + eps)): the loss or the gradient
    comes out smaller, by far on the case close to 0 and 1, by a hair on the others."""
    v = outcome.value
    if outcome.error is not None or not isinstance(v, tuple | list) or len(v) != 2:
        return False
    loss, grad = _bce(*case.args)
    try:
        below = loss - float(v[0])
        smaller_grad = np.abs(np.asarray(v[1], dtype=float)).max() < np.abs(grad).max() * (
            1 - 1e-6)
    except (TypeError, ValueError):
        return False
    if case.name == _CLOSE:
        return below > 1e-6 * loss or smaller_grad
    return _TOL * loss + _TOL < below < 1e-5 * loss


register(Task(
    name="binary_cross_entropy",
    assignment="a2_losses",
    params=("P", "y"),
    returns=("loss", "dP"),
    summary="binary cross-entropy of probabilities and 0/1 targets, mean over elements, and "
            "its gradient with respect to P",
    reference=_bce,
    cases=_bce_cases,
    chapter=CH3 + ', sections "From a coin flip to the loss" and "The gradient with respect '
            'to the probability"',
    hint="With N = P.size, L = -sum(y * log(P) + (1 - y) * log(1 - P)) / N and "
         "dP = (P - y) / (P * (1 - P) * N), which is -y / P + (1 - y) / (1 - P), divided by N.",
    mistakes=(
        Mistake("p_minus_y",
                "Your gradient is P - y (divided by N or not): that is dL/dz, the gradient "
                "with respect to the logit z after the sigmoid's slope p(1 - p) has cancelled. "
                "This task asks for dL/dP, the gradient with respect to the probability "
                "itself: dP = (P - y) / (P * (1 - P) * N).",
                wrong=_bce_wrong(_bce_mean, lambda P, y, N, n: (P - y) / N),
                when=_same_as(_bce, lambda P, y: (_bce(P, y)[0], P - y),
                              lambda P, y: (_bce(P, y)[0], (P - y) / P.shape[0]))),
        Mistake("missing_one_minus_y",
                "The (1 - y) * log(1 - P) term is missing: a sample of class 0 must cost "
                "-log(1 - p). L = -mean(y * log(P) + (1 - y) * log(1 - P)), and its gradient "
                "has both terms: dP = (-y / P + (1 - y) / (1 - P)) / N.",
                wrong=lambda P, y: (float(-np.sum(y * np.log(P)) / P.size), -y / (P * P.size))),
        Mistake("sign",
                "Check the signs: L = -mean(y log p + (1 - y) log(1 - p)) is at least 0 (each "
                "log of a probability is negative), and dL/dp = (p - y) / (p (1 - p) N) is "
                "positive where p is above its target.",
                wrong=_bce_wrong(lambda t, N, n: -_bce_mean(t, N, n),
                                 lambda P, y, N, n: -_bce_grad(P, y, N, n))),
        Mistake("mean_over_samples",
                "You divided by the number of samples (P.shape[0]); the binary cross-entropy "
                "averages over ALL N = P.size entries (every output of every sample), and its "
                "gradient carries the same 1/N.",
                wrong=_bce_wrong(lambda t, N, n: float(t.sum() / n),
                                 lambda P, y, N, n: _bce_grad(P, y, N, n) * N / n)),
        Mistake("gradient_not_divided",
                "The gradient was not divided by N. The loss is a mean over the N = P.size "
                "entries, so every entry of its gradient carries 1/N: "
                "dP = (P - y) / (P * (1 - P) * N).",
                wrong=_bce_wrong(_bce_mean, lambda P, y, N, n: _bce_grad(P, y, 1, n))),
        Mistake("sum_not_mean",
                "You summed over the entries; the loss is the mean, the sum divided by "
                "N = P.size, and the gradient is divided by N too.",
                wrong=_bce_wrong(lambda t, N, n: float(t.sum()),
                                 lambda P, y, N, n: _bce_grad(P, y, 1, n))),
        Mistake("epsilon",
                "An epsilon (`np.clip(P, eps, 1 - eps)`, or `log(P + eps)`) changed your "
                "answer: a little for ordinary probabilities (the check compares about 9 "
                "digits), a lot near 0 and 1, where -log(1e-9) is 20.7 and clipping at 1e-7 "
                "makes it 16.1. The probabilities here are never exactly 0 or 1: compute "
                "log(P) and log(1 - P) as they are (the library clamps only log(0), at -100).",
                when=_clipped),
        _loss_is_array(
            "average over every entry, `np.mean(...)` without an axis, or `float(...)` of it."),
        _changed("P",
                 "Your answer is right, but it changed the caller's P (an in-place `-=`, "
                 "`np.clip(..., out=P)` or `P[...] = ...` writes into the array you were "
                 "given). Work on a new array."),
    ),
))


ASSIGNMENTS["a2_losses"] = Assignment(
    name="a2_losses",
    title="Assignment 2: losses and their gradients",
    chapters=("loss_functions",),
    # the chapter's order: regression, two classes, many classes (the hardest last)
    tasks=("mse", "binary_cross_entropy", "softmax_cross_entropy"),
)
