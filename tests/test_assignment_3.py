"""Assignment 3, "The chain rule": mutation tests of its checks.

A table of wrong implementations written by hand, as a learner would write them (independent of
the module's ``wrong=`` lambdas), one or more per usual mistake of every task: each must be
rejected with that mistake's hint. Right implementations written differently from the library
must pass. The source notebook's solutions must pass every check.
"""

from __future__ import annotations

import math
import pathlib

import nbformat
import numpy as np
import pytest

from backprop_lab.assignments import ASSIGNMENTS, TASKS, check, progress

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "assignments" / "source" / "a3_chain_rule" / "a3_chain_rule.ipynb"
A3 = ASSIGNMENTS["a3_chain_rule"]


# ---- the usual mistakes, written by hand -------------------------------------------------------

def add_no_upstream(a, b, dz):
    return 1.0, 1.0


def add_halves(a, b, dz):
    half = 0.5 * dz
    return half, half


def add_like_mul(a, b, dz):
    da = dz * b
    db = dz * a
    return da, db


def add_times_self(a, b, dz):
    return dz * a, dz * b


def sub_positive_b(a, b, dz):
    return dz, dz


def sub_minus_on_a(a, b, dz):
    return -1 * dz, 1 * dz


def sub_locals_only(a, b, dz):
    return 1, -1


def mul_own_values(a, b, dz):
    da = a * dz
    db = b * dz
    return da, db


def mul_no_upstream(a, b, dz):
    return b, a


def mul_like_add(a, b, dz):
    return dz, dz


def mul_output(a, b, dz):
    z = a * b
    return z * dz, z * dz


def max_tie_to_a(a, b, dz):
    if a >= b:
        return dz, 0.0
    return 0.0, dz


def max_torch_tie(a, b, dz):
    if a > b:
        return dz, 0.0
    if a < b:
        return 0.0, dz
    return dz / 2, dz / 2


def max_to_both(a, b, dz):
    return dz, dz


def max_to_smaller(a, b, dz):
    return (dz, 0.0) if min(a, b) == a and a != b else (0.0, dz)


def max_no_upstream(a, b, dz):
    return (1.0, 0.0) if a > b else (0.0, 1.0)


def pow_not_lowered(a, n, dz):
    return n * a**n * dz


def pow_no_n(a, n, dz):
    return a ** (n - 1) * dz


def pow_no_upstream(a, n, dz):
    return n * a ** (n - 1)


def pow_precedence(a, n, dz):
    return n * a ** n-1 * dz  # noqa: E225, E226 - the learner's spacing hides the precedence


def pow_precedence_dz_first(a, n, dz):
    return dz * n * a ** n-1  # noqa: E225, E226


def exp_no_upstream(a, dz):
    return math.exp(a)


def exp_power_rule(a, dz):
    return dz * a * math.exp(a - 1)


def exp_extra_a(a, dz):
    return dz * a * np.exp(a)


def tanh_not_squared(a, dz):
    return dz * (1 - math.tanh(a))


def tanh_input_squared(a, dz):
    return dz * (1 - a * a)


def tanh_no_upstream(a, dz):
    t = math.tanh(a)
    return 1 - t**2


def tanh_cosh(a, dz):
    return dz / math.cosh(a) ** 2


def tanh_numpy_exp(a, dz):
    t = (np.exp(a) - np.exp(-a)) / (np.exp(a) + np.exp(-a))
    return float((1 - t**2) * dz)


def add_mul_local_only(x, y, z):
    return 1.0, 1.0, x + y


def add_mul_swapped(x, y, z):
    q = x + y
    return q, q, z


def add_mul_dz_product(x, y, z):
    return z, z, x * y


def _neuron_n(x1, x2, w1, w2, b):
    return x1 * w1 + x2 * w2 + b


def neuron_no_tanh(x1, x2, w1, w2, b):
    return w1, w2, x1, x2, 1.0


def neuron_one_minus_o(x1, x2, w1, w2, b):
    o = math.tanh(_neuron_n(x1, x2, w1, w2, b))
    dn = 1 - o
    return w1 * dn, w2 * dn, x1 * dn, x2 * dn, dn


def neuron_one_minus_n2(x1, x2, w1, w2, b):
    n = _neuron_n(x1, x2, w1, w2, b)
    dn = 1 - n**2
    return w1 * dn, w2 * dn, x1 * dn, x2 * dn, dn


def neuron_not_swapped(x1, x2, w1, w2, b):
    o = math.tanh(_neuron_n(x1, x2, w1, w2, b))
    dn = 1 - o * o
    return x1 * dn, x2 * dn, w1 * dn, w2 * dn, dn


def neuron_interleaved(x1, x2, w1, w2, b):
    o = math.tanh(x1 * w1 + x2 * w2 + b)
    dn = 1 - o**2
    return w1 * dn, x1 * dn, w2 * dn, x2 * dn, dn  # (dx1, dw1, dx2, dw2, db)


def neuron_weights_first(x1, x2, w1, w2, b):
    o = math.tanh(x1 * w1 + x2 * w2 + b)
    dn = 1 - o**2
    return x1 * dn, x2 * dn, w1 * dn, w2 * dn, dn  # (dw1, dw2, dx1, dx2, db)


def neuron_cosh(x1, x2, w1, w2, b):
    dn = 1 / math.cosh(_neuron_n(x1, x2, w1, w2, b)) ** 2
    return w1 * dn, w2 * dn, x1 * dn, x2 * dn, dn


def fork_assigned_d(a, b):
    e = a + b
    return b * e, a * e


def fork_assigned_e(a, b):
    d = a * b
    return d, d


def fork_paths_multiplied(a, b):
    d, e = a * b, a + b
    return (b * e) * (1 * d), (a * e) * (1 * d)


def _tanh_by_exp(u):
    return (math.exp(u) - math.exp(-u)) / (math.exp(u) + math.exp(-u))


def shared_second_use_only(w, x):
    h = math.tanh(w * x)
    f = math.tanh(w * h)
    return (1 - f**2) * h, (1 - f**2) * w * (1 - h**2) * w


def shared_first_use_only(w, x):
    h = math.tanh(w * x)
    f = math.tanh(w * h)
    return (1 - f**2) * w * (1 - h**2) * x, (1 - f**2) * w * (1 - h**2) * w


def shared_dx_one_w(w, x):
    h = math.tanh(w * x)
    f = math.tanh(w * h)
    df = 1 - f**2
    return df * (h + w * (1 - h**2) * x), df * (1 - h**2) * w


def shared_tanh_by_exp(w, x):
    h = _tanh_by_exp(w * x)
    f = _tanh_by_exp(w * h)
    df = 1 - f**2
    return df * (h + w * (1 - h**2) * x), df * w * (1 - h**2) * w


MUTANTS = [
    ("add_backward", "missing_dz", add_no_upstream),
    ("add_backward", "split", add_halves),
    ("add_backward", "mul_rule", add_like_mul),
    ("add_backward", "times_own_input", add_times_self),
    ("sub_backward", "missing_dz", sub_locals_only),
    ("sub_backward", "sign_b", sub_positive_b),
    ("sub_backward", "sign_on_a", sub_minus_on_a),
    ("mul_backward", "not_swapped", mul_own_values),
    ("mul_backward", "missing_dz", mul_no_upstream),
    ("mul_backward", "add_rule", mul_like_add),
    ("mul_backward", "output_times_dz", mul_output),
    ("max_backward", "tie_to_a", max_tie_to_a),
    ("max_backward", "tie_split", max_torch_tie),
    ("max_backward", "both", max_to_both),
    ("max_backward", "smaller", max_to_smaller),
    ("max_backward", "missing_dz", max_no_upstream),
    ("pow_backward", "power_not_lowered", pow_not_lowered),
    ("pow_backward", "missing_n", pow_no_n),
    ("pow_backward", "missing_dz", pow_no_upstream),
    ("pow_backward", "precedence", pow_precedence),
    ("pow_backward", "precedence", pow_precedence_dz_first),
    ("exp_backward", "missing_dz", exp_no_upstream),
    ("exp_backward", "power_rule", exp_power_rule),
    ("exp_backward", "extra_a", exp_extra_a),
    ("tanh_backward", "one_minus_tanh", tanh_not_squared),
    ("tanh_backward", "one_minus_a_squared", tanh_input_squared),
    ("tanh_backward", "missing_dz", tanh_no_upstream),
    ("tanh_backward", "overflow", tanh_cosh),
    ("tanh_backward", "overflow", tanh_numpy_exp),
    ("grad_add_mul", "stopped_at_add", add_mul_local_only),
    ("grad_add_mul", "swapped", add_mul_swapped),
    ("grad_add_mul", "dz_product", add_mul_dz_product),
    ("grad_neuron", "no_tanh_factor", neuron_no_tanh),
    ("grad_neuron", "one_minus_o", neuron_one_minus_o),
    ("grad_neuron", "one_minus_n_squared", neuron_one_minus_n2),
    ("grad_neuron", "not_swapped", neuron_not_swapped),
    ("grad_neuron", "not_swapped", neuron_weights_first),
    ("grad_neuron", "order", neuron_interleaved),
    ("grad_neuron", "overflow", neuron_cosh),
    ("grad_fork", "only_path_d", fork_assigned_d),
    ("grad_fork", "only_path_e", fork_assigned_e),
    ("grad_fork", "product_of_paths", fork_paths_multiplied),
    ("grad_shared_weight", "only_outer_use", shared_second_use_only),
    ("grad_shared_weight", "only_inner_use", shared_first_use_only),
    ("grad_shared_weight", "dx_one_w", shared_dx_one_w),
    ("grad_shared_weight", "overflow", shared_tanh_by_exp),
]


@pytest.mark.parametrize(("task", "mistake", "fn"), MUTANTS,
                         ids=[f"{t}-{m}-{f.__name__}" for t, m, f in MUTANTS])
def test_each_usual_mistake_gets_its_hint(task, mistake, fn):
    result = check(task, fn)
    assert result.status == "failed", f"{fn.__name__} passed the check of {task}"
    assert result.mistake == mistake, str(result)
    hint = next(m.hint for m in TASKS[task].mistakes if m.name == mistake)
    assert "Hint: " + hint in str(result)


def test_the_table_covers_every_mistake_of_every_task():
    covered = {(t, m) for t, m, _ in MUTANTS}
    expected = {(t, m.name) for t in A3.tasks for m in TASKS[t].mistakes}
    assert covered == expected, expected ^ covered


def test_the_assignment_lists_its_eleven_tasks():
    assert A3.title == "Assignment 3: the chain rule"
    assert len(A3.tasks) == 11
    assert all(TASKS[t].assignment == "a3_chain_rule" for t in A3.tasks)
    n_mistakes = sum(len(TASKS[t].mistakes) for t in A3.tasks)
    assert n_mistakes == 43


def test_every_task_has_three_to_six_cases_and_a_real_chapter_section():
    headings = (ROOT / "book" / "chain_rule.ipynb").read_text(encoding="utf-8")
    for t in A3.tasks:
        task = TASKS[t]
        assert 3 <= len(task.cases()) <= 6, t
        for section in task.chapter.split('"')[3::2]:
            assert f"# {section}" in headings.replace("\\n", "\n"), (t, section)


# ---- right answers written another way -------------------------------------------------------

def max_by_relu(a, b, dz):
    # max(a, b) = b + relu(a - b): a receives relu'(a - b) dz, b receives (1 - relu'(a - b)) dz
    gate = 1.0 if a - b > 0 else 0.0
    return gate * dz, (1.0 - gate) * dz


def pow_by_log(a, n, dz):
    # d(a^n)/da = n a^n / a where a != 0
    if a == 0:
        return 0.0 if n > 1 else float(n == 1) * dz
    return n * a**n / a * dz


def tanh_factored(a, dz):
    t = np.tanh(a)
    return (1 - t) * (1 + t) * dz


def tanh_sech_stable(a, dz):
    # sech(a) = 2 e^-|a| / (1 + e^-2|a|): no overflow
    e = math.exp(-2 * abs(a))
    return (2 * math.sqrt(e) / (1 + e)) ** 2 * dz


def neuron_node_by_node(x1, x2, w1, w2, b):
    # the chapter's way: one local rule per node, from the output back
    o = math.tanh(x1 * w1 + x2 * w2 + b)
    dn = (1 - o * o) * 1.0
    ds, db = dn, dn
    dx1w1, dx2w2 = ds, ds
    dx1, dw1 = w1 * dx1w1, x1 * dx1w1
    dx2, dw2 = w2 * dx2w2, x2 * dx2w2
    return dx1, dx2, dw1, dw2, db


def fork_expanded(a, b):
    # f = a^2 b + a b^2
    return 2 * a * b + b * b, a * a + 2 * a * b


def fork_accumulated(a, b):
    d, e = a * b, a + b
    da = db = 0.0
    dd, de = e, d            # f = d e: multiply swaps
    da += b * dd             # d = a b
    db += a * dd
    da += de                 # e = a + b
    db += de
    return da, db


def shared_as_sum_of_paths(w, x):
    h = math.tanh(w * x)
    f = math.tanh(w * h)
    df_du = 1 - f * f        # u = w h
    dh_dv = 1 - h * h        # v = w x
    dw = df_du * h + df_du * w * dh_dv * x
    dx = df_du * w * dh_dv * w
    return dw, dx


CORRECT = [
    ("add_backward", lambda a, b, dz: (1.0 * dz, 1.0 * dz)),
    ("sub_backward", lambda a, b, dz: (dz, 0.0 - dz)),
    ("mul_backward", lambda a, b, dz: (np.float64(b) * dz, np.float64(a) * dz)),
    ("max_backward", max_by_relu),
    ("pow_backward", pow_by_log),
    ("exp_backward", lambda a, dz: math.e**a * dz),
    ("tanh_backward", tanh_factored),
    ("tanh_backward", tanh_sech_stable),
    ("grad_add_mul", lambda x, y, z: [z, z, x + y]),
    ("grad_neuron", neuron_node_by_node),
    ("grad_fork", fork_expanded),
    ("grad_fork", fork_accumulated),
    ("grad_shared_weight", shared_as_sum_of_paths),
]


@pytest.mark.parametrize(("task", "fn"), CORRECT, ids=[f"{t}-{i}" for i, (t, _) in
                                                      enumerate(CORRECT)])
def test_right_answers_written_differently_pass(task, fn):
    result = check(task, fn)
    assert result.passed, str(result)


def test_passing_reports_print_no_numbers_beyond_the_case_names():
    result = check("tanh_backward", tanh_factored)
    assert str(result).startswith("✓ tanh_backward: passed")
    assert "expected" not in str(result)


# ---- the notebook ----------------------------------------------------------------------------

def _notebook_namespace(solutions: bool = True) -> dict:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    namespace: dict = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("grade"):
            continue
        source = cell.source
        if meta.get("solution") and not solutions:
            lines, out, skip = source.splitlines(), [], False
            for line in lines:
                if line.strip() == "### BEGIN SOLUTION":
                    indent = line[: len(line) - len(line.lstrip())]
                    out += [indent + "# YOUR CODE HERE", indent + "raise NotImplementedError()"]
                    skip = True
                elif line.strip() == "### END SOLUTION":
                    skip = False
                elif not skip:
                    out.append(line)
            source = "\n".join(out)
        if "plot_graph" in source or "plt." in source:
            continue  # figures are not needed to define the functions
        exec(compile(source, f"<{cell.id}>", "exec"), namespace)  # noqa: S102
    return namespace


def test_the_notebooks_solutions_pass_every_check():
    namespace = _notebook_namespace()
    for name in A3.tasks:
        result = check(name, namespace[TASKS[name].function])
        assert result.passed, str(result)
    assert progress("a3_chain_rule", namespace).complete


def test_the_learner_version_reports_every_task_not_attempted():
    namespace = _notebook_namespace(solutions=False)
    p = progress("a3_chain_rule", namespace)
    assert {status for _, _, status in p.rows} == {"not attempted"}


def test_the_notebooks_points_and_grade_ids():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.source for c in tests] == [f'check("{t}", {t})' for t in A3.tasks]
    total = sum(c.metadata["nbgrader"]["points"] for c in tests)
    assert 10 <= total <= 20
    ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells]
    assert len(ids) == len(set(ids)) and all(i.startswith("a3-") for i in ids)
    assert nb.cells[-1].source == 'progress("a3_chain_rule", globals())'
