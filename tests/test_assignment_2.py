"""Assignment 2, "Losses and their gradients": mutation tests.

Every usual mistake of every task is rejected with its own hint when written the way a learner
writes it (hand-written below, independent of the module's ``wrong=`` implementations); right
answers written in other ways pass; the source notebook's solutions pass, and its learner
version (solution regions replaced by nbgrader's stub) reports every task "not attempted".
"""

from __future__ import annotations

import math
import pathlib
import re

import nbformat
import numpy as np
import pytest

from backprop_lab.assignments import ASSIGNMENTS, TASKS, check, progress

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "assignments" / "source" / "a2_losses" / "a2_losses.ipynb"
ASSIGNMENT = ASSIGNMENTS["a2_losses"]


# ---- mse: wrong, as learners write them ------------------------------------------------------

def mse_no_two(Y_hat, y):
    diff = Y_hat - y
    return np.mean(diff**2), diff / diff.size


def mse_over_rows(Y_hat, y):
    n = len(Y_hat)
    diff = Y_hat - y
    return np.sum(diff**2) / n, 2 * diff / n


def mse_grad_over_rows(Y_hat, y):
    diff = Y_hat - y
    return np.mean(diff**2), 2 * diff / Y_hat.shape[0]


def mse_grad_not_divided(Y_hat, y):
    return np.mean((Y_hat - y) ** 2), 2 * (Y_hat - y)


def mse_sum(Y_hat, y):
    diff = Y_hat - y
    return (diff**2).sum(), 2 * diff


def mse_sign(Y_hat, y):
    error = y - Y_hat
    return np.mean(error**2), 2 * error / error.size


def mse_half(Y_hat, y):
    diff = Y_hat - y
    return 0.5 * np.mean(diff**2), diff / diff.size


def mse_per_column(Y_hat, y):
    diff = Y_hat - y
    return np.mean(diff**2, axis=0), 2 * diff / diff.size


def mse_in_place(Y_hat, y):
    Y_hat -= y
    return np.mean(Y_hat**2), 2 * Y_hat / Y_hat.size


# ---- softmax_cross_entropy: wrong --------------------------------------------------------------

def sce_naive(logits, y):
    E = np.exp(logits)
    P = E / E.sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.mean(np.log(P[np.arange(n), y]))
    P[np.arange(n), y] -= 1
    return loss, P / n


def sce_global_max(logits, y):
    Z = logits - np.max(logits)
    E = np.exp(Z)
    S = E.sum(axis=1, keepdims=True)
    n = len(y)
    loss = np.mean(np.log(S[:, 0]) - Z[np.arange(n), y])
    dZ = E / S
    dZ[np.arange(n), y] -= 1
    return loss, dZ / n


def _stable_softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def sce_log_softmax(logits, y):
    P = _stable_softmax(logits)
    n = logits.shape[0]
    loss = -np.log(P[range(n), y]).mean()
    P[range(n), y] -= 1
    return loss, P / n


def sce_log_softmax_eps(logits, y):
    P = _stable_softmax(logits)
    n = logits.shape[0]
    loss = -np.log(P[range(n), y] + 1e-12).mean()
    Y = np.eye(logits.shape[1])[y]
    return loss, (P - Y) / n


def sce_log_softmax_clip(logits, y):
    P = np.clip(_stable_softmax(logits), 1e-15, 1.0)
    n = logits.shape[0]
    loss = float(np.mean(-np.log(P[np.arange(n), y])))
    Y = np.eye(logits.shape[1])[y]
    return loss, (P - Y) / n


def _lse_loss(logits, y):
    Z = logits - logits.max(axis=1, keepdims=True)
    n = len(y)
    return float(np.mean(np.log(np.exp(Z).sum(axis=1)) - Z[np.arange(n), y]))


def sce_no_onehot(logits, y):
    return _lse_loss(logits, y), _stable_softmax(logits) / len(y)


def sce_onehot_columns(logits, y):
    P = _stable_softmax(logits)
    P[:, y] -= 1
    return _lse_loss(logits, y), P / len(y)


def sce_onehot_rows(logits, y):
    P = _stable_softmax(logits)
    P[y] -= 1
    return _lse_loss(logits, y), P / len(y)


def sce_rows_and_columns_swapped(logits, y):
    P = _stable_softmax(logits)
    n = len(y)
    P[y, np.arange(n)] -= 1
    return _lse_loss(logits, y), P / n


def sce_loss_swapped_index(logits, y):
    Z = logits - logits.max(axis=1, keepdims=True)
    n = len(y)
    correct = Z[y, np.arange(n)]
    loss = np.mean(np.log(np.exp(Z).sum(axis=1)) - correct)
    P = _stable_softmax(logits)
    P[np.arange(n), y] -= 1
    return loss, P / n


def sce_axis0(logits, y):
    E = np.exp(logits - logits.max(axis=0, keepdims=True))
    P = E / E.sum(axis=0, keepdims=True)
    n = len(y)
    loss = -np.mean(np.log(P[np.arange(n), y]))
    P[np.arange(n), y] -= 1
    return loss, P / n


def sce_whole_batch(logits, y):
    E = np.exp(logits - logits.max(axis=1, keepdims=True))
    P = E / np.sum(E)
    n = len(y)
    loss = -np.mean(np.log(P[np.arange(n), y]))
    P[np.arange(n), y] -= 1
    return loss, P / n


def sce_whole_batch_naive(logits, y):
    P = np.exp(logits) / np.sum(np.exp(logits))
    n = len(y)
    Y = np.eye(logits.shape[1])[y]
    return -np.mean(np.log(P[np.arange(n), y])), (P - Y) / n


def sce_labels_as_onehot(logits, y):
    Z = logits - logits.max(axis=1, keepdims=True)
    log_P = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    n = logits.shape[0]
    loss = -np.sum(y * log_P) / n
    return loss, (np.exp(log_P) - y) / n


def sce_labels_as_onehot_in_gradient(logits, y):
    n = logits.shape[0]
    return _lse_loss(logits, y), (_stable_softmax(logits) - y) / n


def sce_no_keepdims(logits, y):
    Z = logits - logits.max(axis=1)
    E = np.exp(Z)
    P = E / E.sum(axis=1)
    n = len(y)
    loss = -np.mean(np.log(P[np.arange(n), y]))
    P[np.arange(n), y] -= 1
    return loss, P / n


def sce_no_keepdims_in_sum(logits, y):
    Z = logits - logits.max(axis=1, keepdims=True)
    E = np.exp(Z)
    P = E / E.sum(axis=1)
    n = len(y)
    P[np.arange(n), y] -= 1
    return _lse_loss(logits, y), P / n


def sce_grad_not_divided(logits, y):
    P = _stable_softmax(logits)
    P[np.arange(len(y)), y] -= 1
    return _lse_loss(logits, y), P


def sce_summed(logits, y):
    Z = logits - logits.max(axis=1, keepdims=True)
    n = len(y)
    loss = np.sum(np.log(np.exp(Z).sum(axis=1)) - Z[np.arange(n), y])
    P = _stable_softmax(logits)
    P[np.arange(n), y] -= 1
    return loss, P


def sce_mean_all(logits, y):
    Z = logits - logits.max(axis=1, keepdims=True)
    log_P = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    Y = np.eye(logits.shape[1])[y]
    loss = np.mean(-Y * log_P)
    return loss, (np.exp(log_P) - Y) / logits.size


def sce_sign(logits, y):
    Z = logits - logits.max(axis=1, keepdims=True)
    log_P = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    n = len(y)
    Y = np.eye(logits.shape[1])[y]
    return np.mean(log_P[np.arange(n), y]), (Y - np.exp(log_P)) / n


def sce_sign_of_gradient_only(logits, y):
    P = _stable_softmax(logits)
    Y = np.eye(logits.shape[1])[y]
    return _lse_loss(logits, y), (Y - P) / len(y)


def sce_diagonal(logits, y):
    P = _stable_softmax(logits)
    n = len(y)
    Y = np.eye(logits.shape[1])[y]
    dP = -Y / P / n  # dL/dP, fine where P > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        dP = np.where(Y > 0, dP, 0.0)
    return _lse_loss(logits, y), dP * P * (1 - P)


def sce_per_sample(logits, y):
    Z = logits - logits.max(axis=1, keepdims=True)
    n = len(y)
    losses = np.log(np.exp(Z).sum(axis=1)) - Z[np.arange(n), y]
    P = _stable_softmax(logits)
    P[np.arange(n), y] -= 1
    return losses, P / n


def sce_in_place(logits, y):
    logits -= logits.max(axis=1, keepdims=True)
    E = np.exp(logits)
    S = E.sum(axis=1, keepdims=True)
    n = len(y)
    loss = np.mean(np.log(S[:, 0]) - logits[np.arange(n), y])
    P = E / S
    P[np.arange(n), y] -= 1
    return loss, P / n


# ---- binary_cross_entropy: wrong ---------------------------------------------------------------

def _bce_loss(P, y):
    return -np.mean(y * np.log(P) + (1 - y) * np.log(1 - P))


def bce_p_minus_y(P, y):
    return _bce_loss(P, y), (P - y) / P.size


def bce_p_minus_y_plain(P, y):
    return _bce_loss(P, y), P - y


def bce_no_one_minus_y(P, y):
    N = P.size
    return -np.sum(y * np.log(P)) / N, -(y / P) / N


def bce_sign(P, y):
    loss = np.mean(y * np.log(P) + (1 - y) * np.log(1 - P))
    return loss, (y / P - (1 - y) / (1 - P)) / P.size


def bce_over_rows(P, y):
    n = P.shape[0]
    loss = -np.sum(y * np.log(P) + (1 - y) * np.log(1 - P)) / n
    return loss, (-y / P + (1 - y) / (1 - P)) / n


def bce_grad_not_divided(P, y):
    return _bce_loss(P, y), (P - y) / (P * (1 - P))


def bce_sum(P, y):
    loss = -np.sum(y * np.log(P) + (1 - y) * np.log(1 - P))
    return loss, -y / P + (1 - y) / (1 - P)


def bce_clip(P, y):
    P = np.clip(P, 1e-7, 1 - 1e-7)
    return _bce_loss(P, y), (P - y) / (P * (1 - P) * P.size)


def bce_eps_in_log(P, y):
    eps = 1e-8
    loss = -np.mean(y * np.log(P + eps) + (1 - y) * np.log(1 - P + eps))
    return loss, (P - y) / (P * (1 - P) * P.size)


def bce_per_column(P, y):
    loss = -np.mean(y * np.log(P) + (1 - y) * np.log(1 - P), axis=0)
    return loss, (P - y) / (P * (1 - P) * P.size)


def bce_in_place(P, y):
    loss = _bce_loss(P, y)
    denominator = P * (1 - P) * P.size
    P -= y  # the numerator, in place
    return loss, P / denominator


# ---- the table: (task, mistake, wrong implementation) ------------------------------------------

WRONG = [
    ("mse", "missing_factor_2", mse_no_two),
    ("mse", "mean_over_samples", mse_over_rows),
    ("mse", "mean_over_samples", mse_grad_over_rows),
    ("mse", "gradient_not_divided", mse_grad_not_divided),
    ("mse", "sum_not_mean", mse_sum),
    ("mse", "gradient_sign", mse_sign),
    ("mse", "half_squared_error", mse_half),
    ("mse", "loss_not_a_number", mse_per_column),
    ("mse", "modified_input", mse_in_place),
    ("softmax_cross_entropy", "overflow", sce_naive),
    ("softmax_cross_entropy", "shift_by_global_max", sce_global_max),
    ("softmax_cross_entropy", "log_of_softmax", sce_log_softmax),
    ("softmax_cross_entropy", "log_of_softmax", sce_log_softmax_eps),
    ("softmax_cross_entropy", "log_of_softmax", sce_log_softmax_clip),
    ("softmax_cross_entropy", "forgot_onehot", sce_no_onehot),
    ("softmax_cross_entropy", "onehot_in_columns", sce_onehot_columns),
    ("softmax_cross_entropy", "onehot_in_rows", sce_onehot_rows),
    ("softmax_cross_entropy", "labels_as_row_index", sce_rows_and_columns_swapped),
    ("softmax_cross_entropy", "labels_as_row_index", sce_loss_swapped_index),
    ("softmax_cross_entropy", "softmax_over_samples", sce_axis0),
    ("softmax_cross_entropy", "softmax_over_everything", sce_whole_batch),
    ("softmax_cross_entropy", "softmax_over_everything", sce_whole_batch_naive),
    ("softmax_cross_entropy", "labels_as_onehot", sce_labels_as_onehot),
    ("softmax_cross_entropy", "labels_as_onehot", sce_labels_as_onehot_in_gradient),
    ("softmax_cross_entropy", "missing_keepdims", sce_no_keepdims),
    ("softmax_cross_entropy", "missing_keepdims", sce_no_keepdims_in_sum),
    ("softmax_cross_entropy", "gradient_not_divided", sce_grad_not_divided),
    ("softmax_cross_entropy", "loss_summed", sce_summed),
    ("softmax_cross_entropy", "mean_over_elements", sce_mean_all),
    ("softmax_cross_entropy", "sign", sce_sign),
    ("softmax_cross_entropy", "sign", sce_sign_of_gradient_only),
    ("softmax_cross_entropy", "diagonal_jacobian", sce_diagonal),
    ("softmax_cross_entropy", "loss_not_a_number", sce_per_sample),
    ("softmax_cross_entropy", "modified_input", sce_in_place),
    ("binary_cross_entropy", "p_minus_y", bce_p_minus_y),
    ("binary_cross_entropy", "p_minus_y", bce_p_minus_y_plain),
    ("binary_cross_entropy", "missing_one_minus_y", bce_no_one_minus_y),
    ("binary_cross_entropy", "sign", bce_sign),
    ("binary_cross_entropy", "mean_over_samples", bce_over_rows),
    ("binary_cross_entropy", "gradient_not_divided", bce_grad_not_divided),
    ("binary_cross_entropy", "sum_not_mean", bce_sum),
    ("binary_cross_entropy", "epsilon", bce_clip),
    ("binary_cross_entropy", "epsilon", bce_eps_in_log),
    ("binary_cross_entropy", "loss_not_a_number", bce_per_column),
    ("binary_cross_entropy", "modified_input", bce_in_place),
]


@pytest.mark.parametrize(("task", "mistake", "fn"), WRONG,
                         ids=[f"{t}-{m}-{f.__name__}" for t, m, f in WRONG])
def test_each_mistake_is_recognised_with_its_hint(task, mistake, fn):
    result = check(task, fn)
    assert result.status == "failed", f"{fn.__name__} passed the check of {task}"
    assert result.mistake == mistake, str(result)
    hint = next(m.hint for m in TASKS[task].mistakes if m.name == mistake)
    assert f"Hint: {hint}" in str(result)


def test_the_table_covers_every_mistake_of_every_task():
    assert ASSIGNMENT.tasks == ("mse", "binary_cross_entropy", "softmax_cross_entropy")
    covered = {(t, m) for t, m, _ in WRONG}
    every = {(t, m.name) for t in ASSIGNMENT.tasks for m in TASKS[t].mistakes}
    assert every - covered == set()
    assert covered - every == set()


# ---- right answers written in other ways pass --------------------------------------------------

def mse_loop(Y_hat, y):
    n, k = Y_hat.shape
    total, grad = 0.0, np.zeros_like(Y_hat)
    for i in range(n):
        for j in range(k):
            e = Y_hat[i, j] - y[i, j]
            total += e * e
            grad[i, j] = 2 * e / (n * k)
    return total / (n * k), grad


def mse_vectorized(Y_hat, y):
    diff = Y_hat - y
    return float(np.einsum("ij,ij->", diff, diff) / diff.size), 2.0 / diff.size * diff


def sce_onehot_matrix(logits, y):
    n, K = logits.shape
    Y = np.eye(K)[y]
    m = logits.max(axis=1, keepdims=True)
    log_sum = m + np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    loss = np.sum(Y * (log_sum - logits)) / n
    return loss, (np.exp(logits - log_sum) - Y) / n


def sce_loop(logits, y):
    n, K = logits.shape
    loss, grad = 0.0, np.empty_like(logits)
    for i in range(n):
        z = logits[i]
        m = max(z)
        s = sum(math.exp(zk - m) for zk in z)
        loss += m + math.log(s) - z[y[i]]
        for k in range(K):
            grad[i, k] = (math.exp(z[k] - m) / s - (k == y[i])) / n
    return loss / n, grad


def sce_logaddexp(logits, y):
    n = len(y)
    log_sum = np.logaddexp.reduce(logits, axis=1)
    P = np.exp(logits - log_sum[:, None])
    P[np.arange(n), y] -= 1.0
    return float(np.mean(log_sum - logits[np.arange(n), y])), P / n


def bce_two_terms(P, y):
    N = P.size
    loss = -(y * np.log(P) + (1 - y) * np.log1p(-P)).sum() / N
    return loss, (-y / P + (1 - y) / (1 - P)) / N


def bce_where(P, y):
    # -log of the probability each label gets, and its derivative
    prob = np.where(y == 1, P, 1 - P)
    grad = np.where(y == 1, -1 / P, 1 / (1 - P))
    return float(np.mean(-np.log(prob))), grad / P.size


def bce_tiny_clip(P, y):
    # an epsilon far below every probability of the cases changes nothing
    Q = np.clip(P, 1e-15, 1 - 1e-15)
    return _bce_loss(Q, y), (Q - y) / (Q * (1 - Q) * Q.size)


RIGHT = [
    ("mse", mse_loop), ("mse", mse_vectorized),
    ("softmax_cross_entropy", sce_onehot_matrix), ("softmax_cross_entropy", sce_loop),
    ("softmax_cross_entropy", sce_logaddexp),
    ("binary_cross_entropy", bce_two_terms), ("binary_cross_entropy", bce_where),
    ("binary_cross_entropy", bce_tiny_clip),
]


@pytest.mark.parametrize(("task", "fn"), RIGHT, ids=[f.__name__ for _, f in RIGHT])
def test_right_answers_written_otherwise_pass(task, fn):
    result = check(task, fn)
    assert result.passed, str(result)
    assert "All" in str(result) and "cases agree with the library" in str(result)


def test_passing_reports_print_no_numbers():
    # nbval compares stored outputs on other CPUs: a passing report names the cases, no value
    for task, fn in RIGHT:
        names = [c.name for c in TASKS[task].cases()]
        assert str(check(task, fn)) == (
            f"✓ {task}: passed\n  All {len(names)} cases agree with the library: "
            + "; ".join(names) + ".")


# ---- the cases ---------------------------------------------------------------------------------

def test_bce_cases_stay_where_the_library_clamps_nothing():
    # the library clamps log p at -100 and p (1 - p) at 1e-12 (as PyTorch); the cases must not
    # reach either, so the reference is the plain formula the notebook teaches
    for case in TASKS["binary_cross_entropy"].cases():
        P, y = case.args
        assert (P > 0).all() and (P < 1).all()
        assert (P * (1 - P)).min() > 1e-10 and np.log(np.minimum(P, 1 - P)).min() > -100
        assert set(np.unique(y)) <= {0.0, 1.0}


def test_softmax_cases_have_the_issues_edge_cases():
    cases = TASKS["softmax_cross_entropy"].cases()
    shapes = [c.args[0].shape for c in cases]
    assert shapes[0][0] != shapes[0][1]  # the first case is not square
    assert any(s[0] == 1 for s in shapes)  # a batch of one
    assert any(np.abs(c.args[0]).max() >= 1000 for c in cases)
    for case in cases:
        Z, y = case.args
        assert y.dtype.kind == "i" and y.shape == (Z.shape[0],)
    # the naive forms really fail: exp overflows, and a true class's probability underflows
    with np.errstate(all="ignore"):
        assert not np.isfinite(np.exp(cases[-1].args[0])).all()
        P = _stable_softmax(cases[-1].args[0])
        assert (P[np.arange(len(cases[-1].args[1])), cases[-1].args[1]] == 0).any()


def test_mse_first_case_has_several_columns():
    # a mean over samples equals the mean over all elements when there is one column
    Y_hat, _ = TASKS["mse"].cases()[0].args
    assert Y_hat.ndim == 2 and Y_hat.shape[1] > 1


# ---- the notebook ------------------------------------------------------------------------------

def _cells():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    return nb.cells


def _run(stub: bool) -> dict:
    """Execute the notebook's code cells but the checks; with ``stub``, nbgrader's stub replaces
    each solution region, as in the learner's version."""
    namespace: dict = {}
    for cell in _cells():
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("grade"):
            continue
        source = cell.source
        if stub:
            source = re.sub(
                r"( *)### BEGIN SOLUTION\n.*?### END SOLUTION",
                lambda m: f"{m.group(1)}# YOUR CODE HERE\n{m.group(1)}raise NotImplementedError()",
                source, flags=re.S)
        if "progress(" in source:
            continue
        exec(compile(source, cell.id, "exec"), namespace)  # noqa: S102 - our own notebook
    return namespace


def test_the_notebooks_solutions_pass():
    namespace = _run(stub=False)
    for name in ASSIGNMENT.tasks:
        result = check(name, namespace[TASKS[name].function])
        assert result.passed, str(result)
    assert progress("a2_losses", namespace).complete


def test_the_learner_version_reports_not_attempted():
    namespace = _run(stub=True)
    for name in ASSIGNMENT.tasks:
        assert check(name, namespace[TASKS[name].function]).status == "not attempted"
    p = progress("a2_losses", namespace)
    assert p.n_passed == 0 and "0 of 3 checks pass." in str(p)


def test_the_notebook_has_one_graded_check_per_task():
    graded = [c for c in _cells() if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.source for c in graded] == [f'check("{t}", {TASKS[t].function})'
                                          for t in ASSIGNMENT.tasks]
    points = sum(c.metadata["nbgrader"]["points"] for c in graded)
    assert 10 <= points <= 20
    for c in _cells():
        assert c.metadata["nbgrader"]["grade_id"].startswith("a2-")
