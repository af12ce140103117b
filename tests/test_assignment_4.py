"""Assignment 4, "Backpropagation through a network": hand-written mutants of every task.

Each usual mistake is written here as a learner would write it (independent of the module's
``wrong=`` lambdas) and must be rejected with its own hint; right answers written other ways must
pass; the source notebook's solutions must pass; ``verify_network`` reports, never raises
(except while nbgrader grades).
"""

from __future__ import annotations

import os

import nbformat
import numpy as np
import pytest

from backprop_lab.assignments import ASSIGNMENTS, TASKS, check, progress
from backprop_lab.assignments.backprop import NetworkCheck, verify_network

NOTEBOOK = os.path.join(os.path.dirname(__file__), os.pardir, "assignments", "source",
                        "a4_backprop", "a4_backprop.ipynb")


def stub(*args, **kwargs):
    # YOUR CODE HERE
    raise NotImplementedError()


def stable_sigmoid(Z):
    out = np.empty_like(Z)
    pos = Z >= 0
    out[pos] = 1 / (1 + np.exp(-Z[pos]))
    e = np.exp(Z[~pos])
    out[~pos] = e / (1 + e)
    return out


# ---- sigmoid_backward ---------------------------------------------------------------------------

def sig_no_upstream(Z, dA):
    A = stable_sigmoid(Z)
    return A * (1 - A)


def sig_slope_of_z(Z, dA):
    return dA * Z * (1 - Z)


def sig_twice(Z, dA):
    A = stable_sigmoid(stable_sigmoid(Z))
    return dA * A * (1 - A)


def sig_tanh_slope(Z, dA):
    A = stable_sigmoid(Z)
    return dA * (1 - A * A)


def sig_swapped(Z, dA):
    A = stable_sigmoid(dA)
    return Z * A * (1 - A)


def sig_naive(Z, dA):
    A = 1 / (1 + np.exp(-Z))
    return dA * A * (1 - A)


def sig_naive_derivative(Z, dA):
    e = np.exp(-Z)
    return dA * e / (1 + e) ** 2


def sig_in_place(Z, dA):
    A = stable_sigmoid(Z)
    dA *= A * (1 - A)
    return dA


# ---- relu_backward ------------------------------------------------------------------------------

def relu_lt(Z, dA):
    dZ = dA.copy()
    dZ[Z < 0] = 0
    return dZ


def relu_heaviside(Z, dA):
    return dA * np.heaviside(Z, 1.0)


def relu_mask_da(Z, dA):
    return np.where(dA > 0, dA, 0.0)


def relu_no_upstream(Z, dA):
    return (Z > 0) * 1.0


def relu_times_relu(Z, dA):
    return dA * np.maximum(Z, 0)


def relu_in_place(Z, dA):
    dA[Z <= 0] = 0
    return dA


def relu_in_place_z(Z, dA):
    Z[Z > 0] = 1.0
    Z[Z <= 0] = 0.0
    return dA * Z


# ---- dense_backward -----------------------------------------------------------------------------

def dense_order(dY, X, W):
    return X.T @ dY, dY.sum(axis=0), dY @ W.T


def dense_dx_no_t(dY, X, W):
    return dY @ W, X.T @ dY, dY.sum(axis=0)


def dense_dx_transposed(dY, X, W):
    return W @ dY.T, X.T @ dY, np.sum(dY, axis=0)


def dense_dw_transposed(dY, X, W):
    return dY @ W.T, dY.T @ X, dY.sum(axis=0)


def dense_mean(dY, X, W):
    n = X.shape[0]
    return dY @ W.T, X.T @ dY / n, dY.sum(axis=0) / n


def dense_db_mean(dY, X, W):
    return dY @ W.T, X.T @ dY, np.mean(dY, axis=0)


def dense_db_axis1(dY, X, W):
    return dY @ W.T, X.T @ dY, dY.sum(axis=1)


def dense_db_total(dY, X, W):
    return dY @ W.T, X.T @ dY, np.sum(dY)


def dense_x_at_dy(dY, X, W):
    return dY @ W.T, X @ dY, dY.sum(axis=0)


# ---- numerical_gradient -------------------------------------------------------------------------

def ng_not_restored(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for j in range(x.size):
        x.flat[j] += eps
        fp = f(x)
        x.flat[j] -= 2 * eps
        fm = f(x)
        grad.flat[j] = (fp - fm) / (2 * eps)
    return grad


def ng_restored_by_subtracting(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] += eps
        fp = f(x)
        x[idx] -= 2 * eps
        fm = f(x)
        x[idx] += eps
        grad[idx] = (fp - fm) / (2 * eps)
    return grad


def ng_restored_step_by_step(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for j in range(x.size):
        x.flat[j] += eps
        fp = f(x)
        x.flat[j] -= eps  # back to x, or so it seems
        x.flat[j] -= eps
        fm = f(x)
        x.flat[j] += eps
        grad.flat[j] = (fp - fm) / (2 * eps)
    return grad


def ng_by_h(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += eps
        xm[idx] -= eps
        grad[idx] = (f(xp) - f(xm)) / eps
    return grad


def ng_forward(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    f0 = f(x)
    for idx in np.ndindex(x.shape):
        xp = x.copy()
        xp[idx] += eps
        grad[idx] = (f(xp) - f0) / eps
    return grad


def ng_backward(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    f0 = f(x)
    for idx in np.ndindex(x.shape):
        xm = x.copy()
        xm[idx] -= eps
        grad[idx] = (f0 - f(xm)) / eps
    return grad


def ng_all_at_once(f, x, eps=1e-6):
    slope = (f(x + eps) - f(x - eps)) / (2 * eps)
    return slope * np.ones_like(x)


def ng_eps_ignored(f, x, eps=1e-6):
    h = 1e-6
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        grad[idx] = (f(xp) - f(xm)) / (2 * h)
    return grad


def ng_list(f, x, eps=1e-6):
    out = []
    for j in range(x.size):
        xp, xm = x.copy(), x.copy()
        xp.flat[j] += eps
        xm.flat[j] -= eps
        out.append((f(xp) - f(xm)) / (2 * eps))
    return np.array(out)


def ng_f_no_args(f, x, eps=1e-6):  # copied from the library, whose f takes no argument
    grad = np.zeros_like(x)
    flat = x.reshape(-1)
    for j in range(flat.size):
        old = flat[j]
        flat[j] = old + eps
        fp = f()
        flat[j] = old - eps
        fm = f()
        flat[j] = old
        grad.reshape(-1)[j] = (fp - fm) / (2 * eps)
    return grad


def ng_named_h(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        grad[idx] = (f(xp) - f(xm)) / (2 * h)
    return grad


# ---- two_layer_gradients ------------------------------------------------------------------------

def _forward(X, y, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    A1 = stable_sigmoid(Z1)
    Z2 = A1 @ W2 + b2
    Z = Z2 - Z2.max(axis=1, keepdims=True)
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    n = len(y)
    loss = float(-np.mean(np.log(P[np.arange(n), y])))
    Y = np.zeros_like(P)
    Y[np.arange(n), y] = 1.0
    return Z1, A1, P, Y, n, loss


def net_builder(dZ2=lambda P, Y, n: (P - Y) / n, dA1=lambda d2, W2: d2 @ W2.T,
                dZ1=lambda a1, Z1, A1: a1 * A1 * (1 - A1), layer2_input=lambda Z1, A1: A1,
                swap=False):
    def two_layer_gradients(X, y, W1, b1, W2, b2):
        Z1, A1, P, Y, n, loss = _forward(X, y, W1, b1, W2, b2)
        d2 = dZ2(P, Y, n)
        inp = layer2_input(Z1, A1)
        dW2, db2 = inp.T @ d2, d2.sum(axis=0)
        d1 = dZ1(dA1(d2, W2), Z1, A1)
        dW1, db1 = X.T @ d1, d1.sum(axis=0)
        if swap:
            return loss, dW2, db2, dW1, db1
        return loss, dW1, db1, dW2, db2
    return two_layer_gradients


def _sig_slope(M):
    S = stable_sigmoid(M)
    return S * (1 - S)


MUTANTS = [
    ("sigmoid_backward", "missing_upstream", sig_no_upstream),
    ("sigmoid_backward", "slope_of_Z", sig_slope_of_z),
    ("sigmoid_backward", "sigmoid_twice", sig_twice),
    ("sigmoid_backward", "tanh_slope", sig_tanh_slope),
    ("sigmoid_backward", "arguments_swapped", sig_swapped),
    ("sigmoid_backward", "overflow", sig_naive),
    ("sigmoid_backward", "overflow", sig_naive_derivative),
    ("sigmoid_backward", "in_place", sig_in_place),
    ("relu_backward", "kink_slope_one", relu_lt),
    ("relu_backward", "kink_slope_one", relu_heaviside),
    ("relu_backward", "mask_from_dA", relu_mask_da),
    ("relu_backward", "missing_upstream", relu_no_upstream),
    ("relu_backward", "times_relu", relu_times_relu),
    ("relu_backward", "in_place", relu_in_place),
    ("relu_backward", "in_place", relu_in_place_z),
    ("dense_backward", "wrong_order", dense_order),
    ("dense_backward", "dX_missing_transpose", dense_dx_no_t),
    ("dense_backward", "dX_transposed", dense_dx_transposed),
    ("dense_backward", "dW_transposed", dense_dw_transposed),
    ("dense_backward", "dW_mean", dense_mean),
    ("dense_backward", "db_mean", dense_db_mean),
    ("dense_backward", "db_wrong_axis", dense_db_axis1),
    ("dense_backward", "db_total", dense_db_total),
    ("dense_backward", "shapes_do_not_line_up", dense_x_at_dy),
    ("numerical_gradient", "x_not_restored", ng_not_restored),
    ("numerical_gradient", "x_restored_inexactly", ng_restored_by_subtracting),
    ("numerical_gradient", "x_restored_inexactly", ng_restored_step_by_step),
    ("numerical_gradient", "divided_by_h", ng_by_h),
    ("numerical_gradient", "forward_difference", ng_forward),
    ("numerical_gradient", "backward_difference", ng_backward),
    ("numerical_gradient", "nudged_every_entry", ng_all_at_once),
    ("numerical_gradient", "eps_ignored", ng_eps_ignored),
    ("numerical_gradient", "flat_gradient", ng_list),
    ("numerical_gradient", "f_without_argument", ng_f_no_args),
    ("numerical_gradient", "eps_not_named_eps", ng_named_h),
    ("two_layer_gradients", "no_mean", net_builder(dZ2=lambda P, Y, n: P - Y)),
    ("two_layer_gradients", "no_one_hot", net_builder(dZ2=lambda P, Y, n: P / n)),
    ("two_layer_gradients", "hidden_fed_dZ2", net_builder(dA1=lambda d2, W2: d2)),
    ("two_layer_gradients", "dA1_missing_transpose", net_builder(dA1=lambda d2, W2: d2 @ W2)),
    ("two_layer_gradients", "no_sigmoid_backward", net_builder(dZ1=lambda a1, Z1, A1: a1)),
    ("two_layer_gradients", "sigmoid_backward_of_A1",
     net_builder(dZ1=lambda a1, Z1, A1: a1 * _sig_slope(A1))),
    ("two_layer_gradients", "dW2_from_Z1", net_builder(layer2_input=lambda Z1, A1: Z1)),
    ("two_layer_gradients", "layers_swapped", net_builder(swap=True)),
]

TASK_NAMES = ASSIGNMENTS["a4_backprop"].tasks


@pytest.mark.parametrize(("task", "mistake", "fn"), MUTANTS,
                         ids=[f"{t}-{m}-{f.__name__}" for t, m, f in MUTANTS])
def test_each_hand_written_mistake_gets_its_hint(task, mistake, fn):
    result = check(task, fn)
    assert result.status == "failed", f"{fn.__name__} passed the check of {task}"
    assert result.mistake == mistake, str(result)
    hint = next(m.hint for m in TASKS[task].mistakes if m.name == mistake)
    assert hint in str(result)
    assert "Traceback" not in str(result)


def test_every_mistake_of_every_task_has_a_mutant():
    covered = {(t, m) for t, m, _ in MUTANTS}
    for task in TASK_NAMES:
        for m in TASKS[task].mistakes:
            assert (task, m.name) in covered, f"no hand-written mutant for {task}: {m.name}"


def test_the_assignment_lists_its_tasks():
    a = ASSIGNMENTS["a4_backprop"]
    assert a.title == "Assignment 4: backpropagation through a network"
    assert a.tasks == ("sigmoid_backward", "relu_backward", "dense_backward",
                       "numerical_gradient", "two_layer_gradients")
    for t in a.tasks:
        assert 3 <= len(TASKS[t].cases()) <= 6


# ---- right answers written other ways -----------------------------------------------------------

def sig_ok_exp(Z, dA):
    E = np.exp(-np.abs(Z))
    return dA * E / (1 + E) ** 2  # sigma'(z) = e^{-|z|} / (1 + e^{-|z|})^2, symmetric in z


def sig_ok_tanh(Z, dA):
    A = 0.5 * (1 + np.tanh(Z / 2))
    return dA * (A - A ** 2)


def relu_ok_where(Z, dA):
    return np.where(Z > 0, dA, 0.0)


def relu_ok_copy(Z, dA):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0.0
    return dZ


def dense_ok_loops(dY, X, W):
    n, n_in = X.shape
    n_out = W.shape[1]
    dX, dW, db = np.zeros((n, n_in)), np.zeros((n_in, n_out)), np.zeros(n_out)
    for s in range(n):
        for i in range(n_in):
            for j in range(n_out):
                dX[s, i] += dY[s, j] * W[i, j]
                dW[i, j] += X[s, i] * dY[s, j]
        db += dY[s]
    return dX, dW, db


def dense_ok_einsum(dY, X, W):
    return np.einsum("sj,ij->si", dY, W), np.einsum("si,sj->ij", X, dY), dY.sum(0)


def ng_ok_in_place(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        fp = f(x)
        x[idx] = old - eps
        fm = f(x)
        x[idx] = old
        grad[idx] = (fp - fm) / (2 * eps)
    return grad


def ng_ok_basis(f, x, eps=1e-6):
    grad = np.empty(x.shape)
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = eps
        e = e.reshape(x.shape)
        grad.flat[j] = (f(x + e) - f(x - e)) / 2 / eps
    return grad


net_ok_manual = net_builder()


@pytest.mark.parametrize(("task", "fn"), [
    ("sigmoid_backward", sig_ok_exp), ("sigmoid_backward", sig_ok_tanh),
    ("relu_backward", relu_ok_where), ("relu_backward", relu_ok_copy),
    ("dense_backward", dense_ok_loops), ("dense_backward", dense_ok_einsum),
    ("numerical_gradient", ng_ok_in_place), ("numerical_gradient", ng_ok_basis),
    ("two_layer_gradients", net_ok_manual),
], ids=lambda v: getattr(v, "__name__", v))
def test_right_answers_written_other_ways_pass(task, fn):
    result = check(task, fn)
    assert result.passed, str(result)
    assert "All 5 cases agree" in str(result)


# ---- the notebook's solutions -------------------------------------------------------------------

def _solution_namespace():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    ns: dict = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("grade"):
            continue  # the test cells are the checks themselves
        source = cell.source.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", "")
        exec(compile(source, cell.get("id", "cell"), "exec"), ns)  # noqa: S102
    return nb, ns


def test_the_notebooks_solutions_pass():
    nb, ns = _solution_namespace()
    for task in TASK_NAMES:
        assert check(task, ns[TASKS[task].function]).passed, task
    assert verify_network(ns["two_layer_gradients"], ns["numerical_gradient"]).passed
    assert progress("a4_backprop", ns).complete
    test_cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert sum(c.metadata["nbgrader"]["points"] for c in test_cells) in range(10, 21)
    for c in nb.cells:
        assert c.metadata["nbgrader"]["grade_id"].startswith("a4-")


def test_every_task_is_checked_in_the_notebook():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for task in TASK_NAMES:
        assert f'check("{task}", {task})' in sources
    assert "verify_network(two_layer_gradients, numerical_gradient)" in sources
    assert 'progress("a4_backprop", globals())' in nb.cells[-1].source


# ---- verify_network -----------------------------------------------------------------------------

def test_verify_network_passes_with_the_references():
    report = verify_network(TASKS["two_layer_gradients"].reference,
                            TASKS["numerical_gradient"].reference)
    assert isinstance(report, NetworkCheck) and report.passed
    text = str(report)
    assert text.startswith("✓ verify_network: passed")
    for name in ("dW1", "db1", "dW2", "db2"):
        assert f"{name}" in text
    assert text.count("below 1e-7: correct") == 4
    assert not any(ch.isdigit() for ch in text.replace("1e-7", "").replace("3-4-3", "")
                   .replace("5 samples", "").replace("dW1", "").replace("db1", "")
                   .replace("dW2", "").replace("db2", "").replace("W1", "").replace("W2", ""))
    assert "verify_network: passed" in report._repr_html_()
    assert all(e < 1e-7 for e in report.errors.values())


def test_verify_network_stubs_are_not_attempted():
    ng = TASKS["numerical_gradient"].reference
    net = TASKS["two_layer_gradients"].reference
    for a, b in ((stub, ng), (net, stub), (stub, stub)):
        report = verify_network(a, b)
        assert report.status == "not attempted"
        assert "not attempted yet" in str(report) and "NotImplementedError" in str(report)
        assert "not attempted yet" in report._repr_html_()


def test_verify_network_a_stub_inside_the_network_is_not_attempted():
    def uses_a_stub(X, y, W1, b1, W2, b2):
        return stub(X)

    assert verify_network(uses_a_stub, TASKS["numerical_gradient"].reference).status == \
        "not attempted"


def test_verify_network_finds_a_wrong_backward_pass():
    report = verify_network(net_builder(dZ1=lambda a1, Z1, A1: a1),
                            TASKS["numerical_gradient"].reference)
    assert report.status == "failed"
    assert report.errors["W1"] > 1e-4 and report.errors["W2"] < 1e-7
    text = str(report)
    assert "a bug (above 1e-4)" in text and "`two_layer_gradients`" in text
    assert "`numerical_gradient`" not in text


def test_verify_network_finds_a_wrong_numerical_gradient():
    report = verify_network(TASKS["two_layer_gradients"].reference, ng_by_h)
    assert report.status == "failed"
    assert all(e > 1e-4 for e in report.errors.values())
    assert "`numerical_gradient`" in str(report)


def test_verify_network_reports_errors_and_bad_returns():
    ng = TASKS["numerical_gradient"].reference

    def broken(X, y, W1, b1, W2, b2):
        return undefined_name  # noqa: F821 - the learner's typo

    report = verify_network(broken, ng)
    assert report.status == "failed" and "raised NameError" in str(report)
    report = verify_network(lambda *a: None, ng)
    assert report.status == "failed" and "returned None" in str(report)
    report = verify_network(TASKS["two_layer_gradients"].reference, lambda f, x, eps=1e-6: None)
    assert report.status == "failed" and "shapes differ" in str(report)
    report = verify_network(TASKS["two_layer_gradients"].reference, 3)
    assert report.status == "failed" and "without parentheses" in str(report)


def test_verify_network_raises_only_while_grading(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError, match="not attempted yet"):
        verify_network(stub, stub)
    with pytest.raises(AssertionError, match="a bug"):
        verify_network(TASKS["two_layer_gradients"].reference, ng_by_h)
    assert verify_network(TASKS["two_layer_gradients"].reference,
                          TASKS["numerical_gradient"].reference).passed
    monkeypatch.delenv("NBGRADER_EXECUTION")
    assert verify_network(stub, stub).status == "not attempted"


def test_verify_network_leaves_the_learners_arrays_alone():
    seen = []

    def keeps(f, x, eps=1e-6):
        seen.append(x)
        return ng_ok_in_place(f, x, eps)

    assert verify_network(TASKS["two_layer_gradients"].reference, keeps).passed
    assert len({id(x) for x in seen}) == 4
