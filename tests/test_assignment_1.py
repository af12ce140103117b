"""Assignment 1, "The forward pass": mutation tests of its checks, and its notebook's solutions.

Every usual mistake of every task is written here by hand, the way a learner would write it (not
the module's ``wrong=`` lambdas), and must be rejected with that mistake's hint. Correct
variants written another way (loops, another stable formula) must pass. The solutions of the
source notebook must pass every check, and the notebook's stubs must report "not attempted".
"""

from __future__ import annotations

import math
import os

import nbformat
import numpy as np
import pytest

from backprop_lab.assignments import ASSIGNMENTS, TASKS, check, progress

ASSIGNMENT = "a1_forward_pass"
NOTEBOOK = os.path.join(os.path.dirname(__file__), os.pardir, "assignments", "source",
                        ASSIGNMENT, ASSIGNMENT + ".ipynb")

MUTANTS: list[tuple[str, str, object]] = []  # (task, mistake, a learner's wrong function)
CORRECT: list[tuple[str, object]] = []  # (task, a right function written another way)


def mutant(task, mistake):
    def register(fn):
        MUTANTS.append((task, mistake, fn))
        return fn
    return register


def correct(task):
    def register(fn):
        CORRECT.append((task, fn))
        return fn
    return register


# ---- dense_forward ----------------------------------------------------------------------------

@mutant("dense_forward", "shapes_do_not_line_up")
def dense_column_order(X, W, b):
    return W @ X + b


@mutant("dense_forward", "shapes_do_not_line_up")
def dense_np_dot_column_order(X, W, b):
    return np.dot(W, X) + b


@mutant("dense_forward", "shapes_do_not_line_up")
def dense_x_transposed(X, W, b):
    return X.T @ W + b


@mutant("dense_forward", "transposed_W")
def dense_pytorch_style(X, W, b):
    return X @ W.T + b


@mutant("dense_forward", "transposed_W")
def dense_np_dot_transposed(X, W, b):
    return np.dot(X, np.transpose(W)) + b


@mutant("dense_forward", "column_convention")
def dense_nielsen(X, W, b):
    # z = W x + b with samples as columns
    return W.T @ X.T + b[:, np.newaxis]


@mutant("dense_forward", "column_convention")
def dense_loops_wrong_order(X, W, b):
    n_samples, n_in = X.shape
    n_out = W.shape[1]
    Y = np.zeros((n_out, n_samples))
    for j in range(n_out):
        for s in range(n_samples):
            Y[j, s] = sum(X[s, i] * W[i, j] for i in range(n_in)) + b[j]
    return Y


@mutant("dense_forward", "elementwise")
def dense_star(X, W, b):
    return X * W + b


@mutant("dense_forward", "elementwise")
def dense_multiply(X, W, b):
    return np.multiply(X, W) + b


@mutant("dense_forward", "bias_column")
def dense_bias_reshaped(X, W, b):
    return X @ W + b.reshape(-1, 1)


@mutant("dense_forward", "bias_column")
def dense_bias_newaxis(X, W, b):
    Y = np.dot(X, W)
    return Y + b[:, None]


@mutant("dense_forward", "missing_bias")
def dense_no_bias(X, W, b):
    return X @ W


@mutant("dense_forward", "missing_bias")
def dense_loops_no_bias(X, W, b):
    Y = np.zeros((X.shape[0], W.shape[1]))
    for s in range(X.shape[0]):
        for j in range(W.shape[1]):
            for i in range(X.shape[1]):
                Y[s, j] += X[s, i] * W[i, j]
    return Y


@mutant("dense_forward", "bias_summed")
def dense_bias_sum(X, W, b):
    return X @ W + np.sum(b)


@correct("dense_forward")
def dense_loops(X, W, b):
    n_samples, n_in = X.shape
    n_out = W.shape[1]
    Y = np.zeros((n_samples, n_out))
    for s in range(n_samples):
        for j in range(n_out):
            Y[s, j] = sum(X[s, i] * W[i, j] for i in range(n_in)) + b[j]
    return Y


@correct("dense_forward")
def dense_einsum(X, W, b):
    return np.einsum("si,ij->sj", X, W) + b


@correct("dense_forward")
def dense_double_transpose(X, W, b):
    return (W.T @ X.T).T + b[None, :]


@correct("dense_forward")
def dense_np_dot(X, W, b):
    return np.dot(X, W) + b.reshape(1, -1)


# ---- sigmoid ----------------------------------------------------------------------------------

@mutant("sigmoid", "where_both_branches")
def sigmoid_where_both(Z):
    return np.where(Z >= 0, 1 / (1 + np.exp(-Z)), np.exp(Z) / (1 + np.exp(Z)))


@mutant("sigmoid", "overflow")
def sigmoid_naive(Z):
    return 1 / (1 + np.exp(-Z))


@mutant("sigmoid", "overflow")
def sigmoid_naive_other_form(Z):
    return np.exp(Z) / (1 + np.exp(Z))


@mutant("sigmoid", "overflow")
def sigmoid_where_on_separate_lines(Z):
    positive = 1 / (1 + np.exp(-Z))
    negative = np.exp(Z) / (1 + np.exp(Z))
    return np.where(Z >= 0, positive, negative)


@mutant("sigmoid", "math_exp")
def sigmoid_math(Z):
    return 1 / (1 + math.exp(-Z))


@mutant("sigmoid", "clipped")
def sigmoid_clip_500(Z):
    Z = np.clip(Z, -500, 500)
    return 1 / (1 + np.exp(-Z))


@mutant("sigmoid", "clipped")
def sigmoid_clip_709(Z):
    return 1 / (1 + np.exp(-np.clip(Z, -709, 709)))


@mutant("sigmoid", "clipped")
def sigmoid_fmax(Z):
    # a fix seen in the wild: only the negative side can overflow here
    return 1 / (1 + np.exp(-np.fmax(-100.0, Z)))


@mutant("sigmoid", "one_minus")
def sigmoid_one_minus(Z):
    out = np.empty_like(Z)
    pos = Z >= 0
    out[pos] = 1 / (1 + np.exp(-Z[pos]))
    out[~pos] = 1 - 1 / (1 + np.exp(Z[~pos]))
    return out


@mutant("sigmoid", "one_minus")
def sigmoid_tanh_identity(Z):
    return 0.5 * (1 + np.tanh(Z / 2))


@mutant("sigmoid", "sign")
def sigmoid_wrong_sign(Z):
    return 1 / (1 + np.exp(Z))


@mutant("sigmoid", "sign")
def sigmoid_branches_swapped(Z):
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, E / (1 + E), 1 / (1 + E))


@mutant("sigmoid", "tanh")
def sigmoid_is_tanh(Z):
    return np.tanh(Z)


@correct("sigmoid")
def sigmoid_masked(Z):
    out = np.empty_like(Z)
    pos = Z >= 0
    out[pos] = 1 / (1 + np.exp(-Z[pos]))
    E = np.exp(Z[~pos])
    out[~pos] = E / (1 + E)
    return out


@correct("sigmoid")
def sigmoid_logaddexp(Z):
    # sigma(z) = exp(-log(1 + exp(-z))), with log(1 + exp(-z)) computed stably
    return np.exp(-np.logaddexp(0.0, -Z))


@mutant("sigmoid", "overflow_silenced")
def sigmoid_silenced(Z):
    # "it is just a warning": but exp(745) = inf loses sigma(-745), about 5e-324
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-Z))


@correct("sigmoid")
def sigmoid_where_silenced(Z):
    # exact: the inf and nan of the branch np.where discards are never chosen
    with np.errstate(all="ignore"):
        return np.where(Z >= 0, 1 / (1 + np.exp(-Z)), np.exp(Z) / (1 + np.exp(Z)))


@correct("sigmoid")
def sigmoid_loops(Z):
    out = np.zeros(Z.shape)
    for idx, z in np.ndenumerate(Z):
        if z >= 0:
            out[idx] = 1 / (1 + math.exp(-z))
        else:
            out[idx] = math.exp(z) / (1 + math.exp(z))
    return out


# ---- relu -------------------------------------------------------------------------------------

@mutant("relu", "python_max")
def relu_builtin_max(Z):
    return max(0, Z)


@mutant("relu", "python_max")
def relu_builtin_max_other_order(Z):
    return max(Z, 0)


@mutant("relu", "max_not_maximum")
def relu_np_max_axis(Z):
    return np.max(Z, 0)


@mutant("relu", "max_not_maximum")
def relu_method_max(Z):
    return Z.max(0)


@mutant("relu", "max_over_array")
def relu_np_max(Z):
    return np.max(Z)


@mutant("relu", "max_over_array")
def relu_max_of_max(Z):
    return max(np.max(Z), 0)


@mutant("relu", "step")
def relu_mask(Z):
    return Z > 0


@mutant("relu", "step")
def relu_where_ints(Z):
    return np.where(Z > 0, 1, 0)


@mutant("relu", "step")
def relu_heaviside(Z):
    return np.heaviside(Z, 0.0)


@mutant("relu", "abs")
def relu_abs(Z):
    return np.abs(Z)


@mutant("relu", "abs")
def relu_sqrt_square(Z):
    return np.sqrt(Z**2)


@mutant("relu", "in_place")
def relu_assign_mask(Z):
    Z[Z < 0] = 0
    return Z


@mutant("relu", "in_place")
def relu_out_argument(Z):
    return np.maximum(Z, 0, out=Z)


@mutant("relu", "in_place")
def relu_times_equal(Z):
    Z *= Z > 0
    return Z


@correct("relu")
def relu_times_mask(Z):
    return Z * (Z > 0)


@correct("relu")
def relu_where(Z):
    return np.where(Z > 0, Z, 0.0)


@correct("relu")
def relu_clip(Z):
    return np.clip(Z, 0, None)


@correct("relu")
def relu_half_sum(Z):
    return (Z + np.abs(Z)) / 2


@correct("relu")
def relu_copy_then_assign(Z):
    A = Z.copy()
    A[A < 0] = 0
    return A


@correct("relu")
def relu_loops(Z):
    A = np.zeros_like(Z)
    for s in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            A[s, j] = max(Z[s, j], 0.0)
    return A


# ---- two_layer_forward ------------------------------------------------------------------------
# a learner builds it from their own functions

def my_dense(X, W, b):
    return X @ W + b


def my_relu(Z):
    return np.maximum(Z, 0)


def my_sigmoid(Z):
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1 / (1 + E), E / (1 + E))


@mutant("two_layer_forward", "no_activation")
def two_layer_linear(X, W1, b1, W2, b2):
    H = my_dense(X, W1, b1)
    return my_dense(H, W2, b2)


@mutant("two_layer_forward", "relu_on_output")
def two_layer_relu_twice(X, W1, b1, W2, b2):
    A1 = my_relu(my_dense(X, W1, b1))
    return my_relu(my_dense(A1, W2, b2))


@mutant("two_layer_forward", "sigmoid_output")
def two_layer_probabilities(X, W1, b1, W2, b2):
    A1 = my_relu(my_dense(X, W1, b1))
    return my_sigmoid(my_dense(A1, W2, b2))


@mutant("two_layer_forward", "sigmoid_hidden")
def two_layer_sigmoid_hidden(X, W1, b1, W2, b2):
    A1 = my_sigmoid(my_dense(X, W1, b1))
    return my_dense(A1, W2, b2)


@mutant("two_layer_forward", "relu_before_bias")
def two_layer_bias_after_relu(X, W1, b1, W2, b2):
    A1 = my_relu(X @ W1) + b1
    return A1 @ W2 + b2


@mutant("two_layer_forward", "returned_hidden")
def two_layer_returns_hidden(X, W1, b1, W2, b2):
    Z1 = my_dense(X, W1, b1)
    A1 = my_relu(Z1)
    Z2 = my_dense(A1, W2, b2)  # noqa: F841 - computed, then the wrong name returned
    return A1


@correct("two_layer_forward")
def two_layer_own_functions(X, W1, b1, W2, b2):
    return my_dense(my_relu(my_dense(X, W1, b1)), W2, b2)


@correct("two_layer_forward")
def two_layer_one_line(X, W1, b1, W2, b2):
    return np.maximum(X @ W1 + b1, 0.0) @ W2 + b2


@correct("two_layer_forward")
def two_layer_loop_over_layers(X, W1, b1, W2, b2):
    A = X
    layers = [(W1, b1, my_relu), (W2, b2, lambda Z: Z)]
    for W, b, f in layers:
        A = f(A @ W + b)
    return A


# ---- count_params -----------------------------------------------------------------------------

@mutant("count_params", "no_biases")
def count_weights_only(layer_sizes):
    total = 0
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=False):
        total += n_in * n_out
    return total


@mutant("count_params", "input_biases")
def count_biases_of_inputs(layer_sizes):
    total = 0
    for k in range(len(layer_sizes) - 1):
        total += layer_sizes[k] * layer_sizes[k + 1] + layer_sizes[k]
    return total


@mutant("count_params", "one_bias_per_layer")
def count_one_bias_each(layer_sizes):
    total = 0
    for k in range(len(layer_sizes) - 1):
        total += layer_sizes[k] * layer_sizes[k + 1] + 1
    return total


@mutant("count_params", "missing_one_layer")
def count_stops_early(layer_sizes):
    total = 0
    for k in range(len(layer_sizes) - 2):  # one too few
        total += (layer_sizes[k] + 1) * layer_sizes[k + 1]
    return total


@mutant("count_params", "missing_one_layer")
def count_starts_late(layer_sizes):
    total = 0
    for k in range(1, len(layer_sizes) - 1):  # skips the first layer
        total += (layer_sizes[k] + 1) * layer_sizes[k + 1]
    return total


@mutant("count_params", "product_of_all")
def count_product(layer_sizes):
    weights = 1
    for n in layer_sizes:
        weights *= n
    return weights + sum(layer_sizes[1:])


@correct("count_params")
def count_formula(layer_sizes):
    return sum((n_in + 1) * n_out
               for n_in, n_out in zip(layer_sizes, layer_sizes[1:], strict=False))


@correct("count_params")
def count_with_numpy(layer_sizes):
    s = np.array(layer_sizes)
    return int(np.sum(s[:-1] * s[1:]) + np.sum(s[1:]))


@correct("count_params")
def count_as_float(layer_sizes):
    total = 0.0
    for k in range(1, len(layer_sizes)):
        total += layer_sizes[k - 1] * layer_sizes[k] + layer_sizes[k]
    return total


# ---- the tests --------------------------------------------------------------------------------

TASK_NAMES = ASSIGNMENTS[ASSIGNMENT].tasks


@pytest.mark.parametrize(("task", "mistake", "fn"), MUTANTS,
                         ids=[f"{t}-{m}-{f.__name__}" for t, m, f in MUTANTS])
def test_a_hand_written_mistake_gets_its_hint(task, mistake, fn):
    result = check(task, fn)
    assert result.status == "failed", f"{fn.__name__} passed the check of {task}"
    assert result.mistake == mistake, str(result)
    hint = {m.name: m.hint for m in TASKS[task].mistakes}[mistake]
    assert "Hint: " + hint in str(result)
    assert "Traceback" not in str(result)


def test_every_mistake_of_every_task_has_a_hand_written_mutant():
    covered = {(t, m) for t, m, _ in MUTANTS}
    expected = {(t, m.name) for t in TASK_NAMES for m in TASKS[t].mistakes}
    assert covered == expected


@pytest.mark.parametrize(("task", "fn"), CORRECT, ids=[f"{t}-{f.__name__}" for t, f in CORRECT])
def test_a_right_function_written_another_way_passes(task, fn):
    result = check(task, fn)
    assert result.passed, str(result)
    assert "All " in str(result) and "Hint" not in str(result)


def test_every_task_has_a_correct_variant():
    assert {t for t, _ in CORRECT} == set(TASK_NAMES)


def test_every_task_has_three_to_six_cases_and_the_issues_edge_cases():
    names = {t: [c.name for c in TASKS[t].cases()] for t in TASK_NAMES}
    for t, cases in names.items():
        assert 3 <= len(cases) <= 6, t
    for t in ("dense_forward", "sigmoid", "relu", "two_layer_forward"):
        assert any("batch of one" in c for c in names[t]), t
    assert any("one input feature" in c for c in names["dense_forward"])
    assert any("not square" in c for c in names["dense_forward"])
    assert any("1000" in c for c in names["sigmoid"])
    assert any("zero" in c for c in names["relu"])


def test_the_cases_are_fresh_and_seeded():
    for t in TASK_NAMES:
        first, second = TASKS[t].cases(), TASKS[t].cases()
        for a, b in zip(first, second, strict=True):
            assert a.name == b.name
            for x, y in zip(a.args, b.args, strict=True):
                if isinstance(x, np.ndarray):
                    assert x is not y and np.array_equal(x, y)


def test_the_sigmoid_case_of_1000_is_exact_where_it_matters():
    # the reference is exact there: 0, 5e-324 (the smallest float64), 1 - e^-40 rounds to 1
    (Z,) = TASKS["sigmoid"].cases()[-1].args
    A = TASKS["sigmoid"].reference(Z)
    assert np.isfinite(A).all()
    assert A[0, 0] == 0.0 and A[0, 1] == np.nextafter(0, 1) and A[1, 3] == 1.0
    assert np.isclose(A[0, 2], math.exp(-40), rtol=1e-15, atol=0)


def test_two_layer_case_with_every_hidden_unit_off():
    case = TASKS["two_layer_forward"].cases()[-1]
    X, W1, b1, W2, b2 = case.args
    assert (X @ W1 + b1 < 0).all()
    np.testing.assert_array_equal(TASKS["two_layer_forward"].reference(*case.args),
                                  np.broadcast_to(b2, (X.shape[0], b2.size)))


def test_count_params_matches_the_chapter():
    # chapter 2's network 2-3-1 has 13 parameters; its exercise's 784-128-10 has 101770
    assert TASKS["count_params"].reference([2, 3, 1]) == 13
    assert TASKS["count_params"].reference([784, 128, 10]) == 101_770
    # the answers to the notebook's closing question
    assert TASKS["count_params"].reference([784, 256, 10]) == 203_530 == 2 * 101_770 - 10
    assert TASKS["count_params"].reference([784, 64, 64, 10]) == 55_050


def _book_headings() -> set[str]:
    book = os.path.join(os.path.dirname(__file__), os.pardir, "book")
    headings = set()
    for name in os.listdir(book):
        if name.endswith(".ipynb"):
            for cell in nbformat.read(os.path.join(book, name), as_version=4).cells:
                if cell.cell_type == "markdown":
                    headings |= {line.lstrip("#").strip() for line in cell.source.splitlines()
                                 if line.startswith("#")}
    return headings


def test_the_chapters_and_sections_cited_exist():
    headings = _book_headings()
    for t in TASK_NAMES:
        cited = TASKS[t].chapter.split('"')[1::2]
        assert cited, t
        for title in cited:
            assert title in headings, f"{t} cites {title!r}, not a heading of the book"


# ---- the notebook -----------------------------------------------------------------------------

def _notebook():
    return nbformat.read(NOTEBOOK, as_version=4)


def _cells(nb, kind):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get(kind)]


def _strip_solutions(source: str) -> str:
    """What nbgrader makes of a solution cell: each solution region becomes the stub."""
    out, inside = [], False
    for line in source.splitlines():
        if line.strip() == "### BEGIN SOLUTION":
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + "# YOUR CODE HERE", indent + "raise NotImplementedError()"]
            inside = True
        elif line.strip() == "### END SOLUTION":
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def _namespace(strip: bool) -> dict:
    nb = _notebook()
    namespace: dict = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("grade"):
            continue
        if meta.get("solution"):
            source = _strip_solutions(cell.source) if strip else cell.source
        elif "progress(" in cell.source:
            continue
        else:
            source = cell.source
        exec(compile(source, f"<{cell.id}>", "exec"), namespace)  # noqa: S102 - our notebook
    return namespace


def test_the_notebooks_solutions_pass_every_check():
    namespace = _namespace(strip=False)
    for t in TASK_NAMES:
        result = check(t, namespace[TASKS[t].function])
        assert result.passed, str(result)
    assert progress(ASSIGNMENT, namespace).complete


def test_the_learner_version_reports_not_attempted():
    namespace = _namespace(strip=True)
    for t in TASK_NAMES:
        assert check(t, namespace[TASKS[t].function]).status == "not attempted"
    p = progress(ASSIGNMENT, namespace)
    assert p.n_passed == 0 and "0 of 5 checks pass." in str(p)


def test_the_notebook_checks_every_task_once_in_order_with_points():
    nb = _notebook()
    tests = _cells(nb, "grade")
    checked = [c.source.split('"')[1] for c in tests]
    assert checked == list(TASK_NAMES)
    for c in tests:
        assert c.source.strip().startswith("check(") and "\n" not in c.source.strip()
        assert c.metadata["nbgrader"]["grade_id"].startswith("a1-")
    total = sum(c.metadata["nbgrader"]["points"] for c in tests)
    assert 10 <= total <= 20
    # solution regions sit inside the function bodies only
    for c in _cells(nb, "solution"):
        before = c.source.split("### BEGIN SOLUTION")[0]
        assert before.lstrip().startswith("def "), c.id
        begin = [ln for ln in c.source.splitlines() if "### BEGIN SOLUTION" in ln]
        assert all(ln.startswith("    ") for ln in begin), c.id
    assert nb.cells[-1].source.strip() == f'progress("{ASSIGNMENT}", globals())'
