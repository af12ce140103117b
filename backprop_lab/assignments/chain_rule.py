r"""Assignment 3, "The chain rule": local backward rules, gradients by hand, forks.

Every task takes and returns Python floats. Every reference builds the expression with the
library's scalar engine :class:`~backprop_lab.autodiff.Value` and calls ``backward()``, so the
expected numbers come from the library's own rules (:mod:`backprop_lab.autodiff_ops`), never
from a formula typed a second time here. A local rule's upstream gradient ``dz`` is given to
the node by multiplying its output by the constant ``dz`` before ``backward()``: the product's
rule hands exactly ``dz`` down to the node (``backward`` seeds the root with 1).
"""

from __future__ import annotations

import math

from ..autodiff import Value
from ._core import ASSIGNMENTS, Assignment, Case, Mistake, Task, register

CH4 = 'chapter 4, "The chain rule on a computational graph"'
PATTERNS = CH4 + ', section "Three patterns: add distributes, multiply swaps, max routes"'
SWEEP = CH4 + ', section "Local derivatives and the backward sweep"'
FORK = CH4 + ', sections "Gradients add where paths fork" and "The bug: assigning at a fork"'

A3 = "a3_chain_rule"


def _grads(build, *inputs, dz: float | None = None) -> tuple[float, ...]:
    """The gradients of ``build(*leaves)`` with respect to each input, by ``Value.backward``.

    With ``dz`` the output is multiplied by the constant ``dz`` first, so the node made by
    ``build`` receives the upstream gradient ``dz`` instead of 1.
    """
    leaves = [Value(float(v)) for v in inputs]
    out = build(*leaves)
    if dz is not None:
        out = out * dz
    out.backward()
    return tuple(v.grad for v in leaves)


def _is_close(x, y) -> bool:
    try:
        return math.isclose(float(x), float(y), rel_tol=1e-9, abs_tol=1e-12)
    except (TypeError, ValueError, OverflowError):
        return False


def _overflowed(outcome, case) -> bool:
    """The learner's code raised an overflow (math.exp, math.cosh, or numpy's under check)."""
    return isinstance(outcome.error, OverflowError | FloatingPointError)


def _missing_dz_hint(local: str, rule: str) -> str:
    return (f"You returned the local derivative{local} but forgot the upstream gradient dz: "
            f"what an input receives is local derivative × dz, so {rule}. Without dz the "
            "rule is right only where the node is the output (dz = 1).")


# ---------------------------------------------------------------------------------------------
# Part 1: local backward rules. z = op(a, b); dz = dL/dz arrives from above.

def _binary_cases():
    return [
        Case("an upstream gradient dz = 1.5, not 1", (2.0, -3.0, 1.5)),
        Case("a negative upstream gradient", (0.5, 4.0, -2.0)),
        Case("zero inputs", (0.0, 0.0, 3.0)),
        Case("inputs of very different sizes (1000 and 0.001)", (1000.0, 0.001, 0.25)),
    ]


register(Task(
    name="add_backward",
    assignment=A3,
    params=("a", "b", "dz"),
    returns=("da", "db"),
    summary="z = a + b: what a and b receive from dz",
    reference=lambda a, b, dz: _grads(lambda a, b: a + b, a, b, dz=dz),
    cases=_binary_cases,
    chapter=PATTERNS,
    hint="z = a + b has the local derivatives ∂z/∂a = 1 and ∂z/∂b = 1, so each input "
         "receives 1 × dz: da = dz, db = dz.",
    mistakes=(
        Mistake("missing_dz", _missing_dz_hint("s 1 and 1", "da = 1 × dz and db = 1 × dz"),
                wrong=lambda a, b, dz: (1.0, 1.0)),
        Mistake("split",
                "Add distributes the gradient: it copies dz to both inputs, it does not split "
                "it in halves. Nudge a by h and z = a + b moves by h, whatever b is: "
                "∂z/∂a = 1, so da = dz, and likewise db = dz.",
                wrong=lambda a, b, dz: (dz / 2, dz / 2)),
        Mistake("mul_rule",
                "That is the rule of multiplication (each input receives the other one times "
                "dz). For z = a + b the local derivatives are 1 and 1, whatever a and b "
                "are: da = dz, db = dz.",
                wrong=lambda a, b, dz: (b * dz, a * dz)),
        Mistake("times_own_input",
                "The inputs' values do not enter the rule of +: ∂z/∂a = 1 for every a. "
                "Return da = dz and db = dz.",
                wrong=lambda a, b, dz: (a * dz, b * dz)),
    ),
))


register(Task(
    name="sub_backward",
    assignment=A3,
    params=("a", "b", "dz"),
    returns=("da", "db"),
    summary="z = a - b: what a and b receive from dz",
    reference=lambda a, b, dz: _grads(lambda a, b: a - b, a, b, dz=dz),
    cases=_binary_cases,
    chapter=SWEEP,
    hint="z = a - b has the local derivatives ∂z/∂a = 1 and ∂z/∂b = -1: da = dz, db = -dz.",
    mistakes=(
        Mistake("missing_dz", _missing_dz_hint("s 1 and -1", "da = dz and db = -dz"),
                wrong=lambda a, b, dz: (1.0, -1.0)),
        Mistake("sign_b",
                "Mind the sign of the input that is subtracted: nudge b up by h and z = a - b "
                "goes DOWN by h, so ∂z/∂b = -1 and db = -dz. (da = dz is right.)",
                wrong=lambda a, b, dz: (dz, dz)),
        Mistake("sign_on_a",
                "The minus sign belongs to b, the input that is subtracted: ∂z/∂a = 1 and "
                "∂z/∂b = -1, so da = dz and db = -dz.",
                wrong=lambda a, b, dz: (-dz, dz)),
    ),
))


register(Task(
    name="mul_backward",
    assignment=A3,
    params=("a", "b", "dz"),
    returns=("da", "db"),
    summary="z = a * b: multiply swaps",
    reference=lambda a, b, dz: _grads(lambda a, b: a * b, a, b, dz=dz),
    cases=lambda: [
        Case("an upstream gradient dz = 1.5, not 1", (2.0, -3.0, 1.5)),
        Case("a negative upstream gradient", (0.5, 4.0, -2.0)),
        Case("a = 0: b's gradient is 0, a's is not", (0.0, 5.0, 2.0)),
        Case("inputs of very different sizes: the small one gets the large gradient",
             (1000.0, 0.001, 3.0)),
    ],
    chapter=PATTERNS,
    hint="z = a b has the local derivatives ∂z/∂a = b and ∂z/∂b = a (multiply swaps), so "
         "da = b × dz and db = a × dz.",
    mistakes=(
        Mistake("not_swapped",
                "Multiply swaps: the derivative of z = a b with respect to a is the OTHER "
                "input, b (nudge a by h and z moves by b h). So da = b × dz and db = a × dz; "
                "you gave each input its own value.",
                wrong=lambda a, b, dz: (a * dz, b * dz)),
        Mistake("missing_dz", _missing_dz_hint("s b and a", "da = b × dz and db = a × dz"),
                wrong=lambda a, b, dz: (b, a)),
        Mistake("add_rule",
                "That is the rule of addition (both inputs receive dz). For z = a b each "
                "input receives dz times the other input: da = b × dz, db = a × dz.",
                wrong=lambda a, b, dz: (dz, dz)),
        Mistake("output_times_dz",
                "You multiplied dz by the output z = a b. Only exp has itself as its "
                "derivative; for a product, ∂z/∂a = b and ∂z/∂b = a: da = b × dz, db = a × dz.",
                wrong=lambda a, b, dz: (a * b * dz, a * b * dz)),
    ),
))


def _max_of(a, b):
    # the chapter's max, built from the library's ReLU: max(a, b) = b + relu(a - b)
    return b + (a - b).relu()


register(Task(
    name="max_backward",
    assignment=A3,
    params=("a", "b", "dz"),
    returns=("da", "db"),
    summary="z = max(a, b): max routes (at a tie, b receives dz)",
    reference=lambda a, b, dz: _grads(_max_of, a, b, dz=dz),
    cases=lambda: [
        Case("a wins (a > b), dz = 1.5", (3.0, -1.0, 1.5)),
        Case("b wins, a negative upstream gradient", (-2.0, 4.0, -0.5)),
        Case("a tie, a = b: all of dz goes to b (the convention of this task)",
             (2.5, 2.5, 2.0)),
        Case("a wins by a hair (1e-300): the winner still takes all of dz",
             (1e-300, 0.0, 3.0)),
    ],
    chapter=PATTERNS,
    hint="max routes: the input that won (the larger one) receives all of dz, the other 0. "
         "a wins only when a > b; at a tie b receives dz, as for max(a, b) = b + relu(a - b).",
    mistakes=(
        Mistake("tie_to_a",
                "At a tie (a == b) this task gives all of dz to b: a wins only when a > b "
                "strictly. That is what max(a, b) = b + relu(a - b) does, with ReLU's slope "
                "0 at its kink (PyTorch's choice for ReLU too). Use `a > b`, not `a >= b`.",
                wrong=lambda a, b, dz: (dz, 0.0) if a >= b else (0.0, dz)),
        Mistake("tie_split",
                "At a tie this task gives all of dz to b (a wins only when a > b), as "
                "max(a, b) = b + relu(a - b) does; splitting it half and half, as "
                "torch.maximum does, is another valid choice at the kink, but not this one.",
                wrong=lambda a, b, dz: (dz / 2, dz / 2) if a == b
                else ((dz, 0.0) if a > b else (0.0, dz))),
        Mistake("both",
                "max routes: only the input that won receives dz, the other receives 0. "
                "Nudging the smaller input a little does not change max(a, b) at all.",
                wrong=lambda a, b, dz: (dz, dz)),
        Mistake("smaller",
                "You routed dz to the smaller input. z = max(a, b) equals the LARGER input, "
                "so that one receives dz (slope 1) and the other 0.",
                wrong=lambda a, b, dz: (dz, 0.0) if a < b else (0.0, dz)),
        Mistake("missing_dz", _missing_dz_hint("s (1 for the winner, 0 for the other)",
                                               "the winner receives dz and the other 0"),
                wrong=lambda a, b, dz: (1.0, 0.0) if a > b else (0.0, 1.0)),
    ),
))


def _pow_precedence(outcome, case) -> bool:
    a, n, dz = case.args
    return _is_close(outcome.value, dz * n * a**n - 1)


register(Task(
    name="pow_backward",
    assignment=A3,
    params=("a", "n", "dz"),
    returns=("da",),
    summary="z = a ** n for a constant number n",
    reference=lambda a, n, dz: _grads(lambda a: a**n, a, dz=dz)[0],
    cases=lambda: [
        Case("a cube, with dz = 2", (1.5, 3, 2.0)),
        Case("a negative base with an odd power", (-2.0, 3, 0.5)),
        Case("a square root, n = 0.5 (the rule holds for any real n)", (4.0, 0.5, 1.0)),
        Case("n = -1, z = 1/a", (2.0, -1, 1.5)),
        Case("a = 0 with n = 2: the slope of a² at 0 is 0", (0.0, 2, 3.0)),
    ],
    chapter=SWEEP + ' (`help(Value)` lists every local derivative)',
    hint="The power rule: ∂z/∂a = n a^(n-1), so da = n * a ** (n - 1) * dz.",
    mistakes=(
        Mistake("power_not_lowered",
                "The power rule lowers the exponent by one: ∂z/∂a = n a^(n-1), not n a^n. "
                "Write da = n * a ** (n - 1) * dz.",
                wrong=lambda a, n, dz: n * a**n * dz),
        Mistake("missing_n",
                "The exponent n comes down as a factor: ∂z/∂a = n a^(n-1). "
                "Write da = n * a ** (n - 1) * dz.",
                wrong=lambda a, n, dz: a ** (n - 1) * dz),
        Mistake("missing_dz", _missing_dz_hint(" n a^(n-1)", "da = n * a ** (n - 1) * dz"),
                wrong=lambda a, n, dz: n * a ** (n - 1)),
        Mistake("precedence",
                "In Python ** binds tighter than -: `a ** n - 1` is (a ** n) - 1, and "
                "`n * a ** n-1 * dz` is n a^n - dz. Put the exponent in parentheses: "
                "`n * a ** (n - 1) * dz`.",
                wrong=lambda a, n, dz: n * a**n - 1 * dz,
                when=_pow_precedence),
    ),
))


register(Task(
    name="exp_backward",
    assignment=A3,
    params=("a", "dz"),
    returns=("da",),
    summary="z = exp(a): the exponential is its own derivative",
    reference=lambda a, dz: _grads(lambda a: a.exp(), a, dz=dz)[0],
    cases=lambda: [
        Case("an upstream gradient dz = -2", (1.5, -2.0)),
        Case("a = 0: e^0 = 1, so da = dz", (0.0, 3.0)),
        Case("a very negative: e^a is tiny but not 0", (-50.0, 4.0)),
        Case("a = 700: e^700 ≈ 1e304 is still a finite float64", (700.0, 1e-3)),
    ],
    chapter=SWEEP + ' (`help(Value)` lists every local derivative)',
    hint="d(e^a)/da = e^a: the slope of the exponential is its own value, so "
         "da = math.exp(a) * dz.",
    mistakes=(
        Mistake("missing_dz", _missing_dz_hint(" e^a", "da = math.exp(a) * dz"),
                wrong=lambda a, dz: math.exp(a)),
        Mistake("power_rule",
                "e^a is not a power a^n: its exponent is the variable. The power rule "
                "(a e^(a-1)) does not apply; the exponential is its own derivative, "
                "d(e^a)/da = e^a, so da = math.exp(a) * dz.",
                wrong=lambda a, dz: a * math.exp(a - 1) * dz),
        Mistake("extra_a",
                "There is no factor a: d(e^a)/da = e^a (the inner function is a itself, "
                "whose derivative is 1). da = math.exp(a) * dz.",
                wrong=lambda a, dz: a * math.exp(a) * dz),
    ),
))


def _overflow_hint(u: str) -> str:
    e = f"e^{u}" if len(u) == 1 else f"e^({u})"
    return (
        f"An exponential overflowed: cosh({u}) and {e} exceed the largest float64 (about "
        f"1.8e308) once |{u}| > 710, although tanh({u}) is simply ±1 there and its slope 0. "
        f"Write the slope with tanh itself, which never overflows: t = math.tanh({u}), then "
        "1 - t**2 (as `Value` does, reusing its output)."
    )


register(Task(
    name="tanh_backward",
    assignment=A3,
    params=("a", "dz"),
    returns=("da",),
    summary="z = tanh(a): slope 1 - tanh(a)², finite for any a",
    reference=lambda a, dz: _grads(lambda a: a.tanh(), a, dz=dz)[0],
    cases=lambda: [
        Case("an upstream gradient dz = -2", (1.2, -2.0)),
        Case("a = 0, the steepest point: slope 1", (0.0, 3.0)),
        Case("a negative input (tanh's slope is even: the same at -a and a)", (-2.5, 0.5)),
        Case("a = 800: tanh is 1 to every digit and the slope 0; cosh(800) overflows",
             (800.0, 2.0)),
    ],
    chapter=CH4 + ', section "A tanh neuron, by hand, node by node"',
    hint="d tanh(a)/da = 1 - tanh(a)²: compute t = math.tanh(a), then da = (1 - t**2) * dz.",
    mistakes=(
        Mistake("one_minus_tanh",
                "The slope of tanh is 1 - tanh(a)², with tanh SQUARED: "
                "da = (1 - math.tanh(a) ** 2) * dz.",
                wrong=lambda a, dz: (1 - math.tanh(a)) * dz),
        Mistake("one_minus_a_squared",
                "The slope 1 - z² is written with the OUTPUT z = tanh(a), not the input a: "
                "da = (1 - math.tanh(a) ** 2) * dz. (1 - a² is not even between 0 and 1.)",
                wrong=lambda a, dz: (1 - a**2) * dz),
        Mistake("missing_dz", _missing_dz_hint(" 1 - tanh(a)²",
                                               "da = (1 - math.tanh(a) ** 2) * dz"),
                wrong=lambda a, dz: 1 - math.tanh(a) ** 2),
        Mistake("overflow", _overflow_hint("a"), when=_overflowed),
    ),
))


# ---------------------------------------------------------------------------------------------
# Part 2: gradients of expressions, predicted by hand (closed forms), checked with Value.

register(Task(
    name="grad_add_mul",
    assignment=A3,
    params=("x", "y", "z"),
    returns=("dx", "dy", "dz"),
    summary="the gradient of f = (x + y) z",
    reference=lambda x, y, z: _grads(lambda x, y, z: (x + y) * z, x, y, z),
    cases=lambda: [
        Case("CS231n's point", (-2.0, 5.0, -4.0)),
        Case("other numbers", (1.5, 0.25, 2.0)),
        Case("x + y = 0: z gets no gradient", (3.0, -3.0, 7.0)),
        Case("a large z", (0.1, -0.4, 1e6)),
    ],
    chapter=SWEEP,
    hint="With q = x + y and f = q z: df/dq = z and df/dz = q (multiply swaps), then the "
         "addition copies df/dq to x and y. So dx = dy = z and dz = x + y.",
    mistakes=(
        Mistake("stopped_at_add",
                "dx and dy stop at the addition's local derivative 1. The chain continues to "
                "the output: df/dx = (dq/dx)(df/dq) = 1 × z, where q = x + y and "
                "df/dq = z. So dx = dy = z.",
                wrong=lambda x, y, z: (1.0, 1.0, x + y)),
        Mistake("swapped",
                "The gradients are swapped: multiply swaps, so the sum q = x + y receives z "
                "and z receives q. dx = dy = z (the addition copies z down), dz = x + y.",
                wrong=lambda x, y, z: (x + y, x + y, z)),
        Mistake("dz_product",
                "f = (x + y) z = x z + y z, so df/dz = x + y, not x y.",
                wrong=lambda x, y, z: (z, z, x * y)),
    ),
))


def _neuron(x1, x2, w1, w2, b):
    return (x1 * w1 + x2 * w2 + b).tanh()


def _reorder(values, order):
    return tuple(values[i] for i in order)


def _neuron_wrong(factor, swapped=False):
    """A closed form with the tanh factor g(n, o) given, optionally with mul's swap missed."""
    def grads(x1, x2, w1, w2, b):
        n = x1 * w1 + x2 * w2 + b
        g = factor(n, math.tanh(n))
        if swapped:
            return x1 * g, x2 * g, w1 * g, w2 * g, g
        return w1 * g, w2 * g, x1 * g, x2 * g, g
    return grads


register(Task(
    name="grad_neuron",
    assignment=A3,
    params=("x1", "x2", "w1", "w2", "b"),
    returns=("dx1", "dx2", "dw1", "dw2", "db"),
    summary="the gradient of a tanh neuron o = tanh(x1 w1 + x2 w2 + b)",
    reference=lambda *args: _grads(_neuron, *args),
    cases=lambda: [
        Case("micrograd's neuron, o = 1/sqrt(2)",
             (2.0, 0.0, -3.0, 1.0, 6.8813735870195432)),
        Case("other numbers, both inputs nonzero", (0.5, -1.5, 0.8, 0.3, -0.2)),
        Case("everything 0: n = 0, where tanh is steepest", (0.0, 0.0, 0.0, 0.0, 0.0)),
        Case("large inputs with small weights", (1000.0, -500.0, 1e-3, 3e-3, 0.2)),
        Case("a saturated neuron: n = 800, o = 1 and every gradient 0",
             (40.0, 1.0, 20.0, 0.0, 0.0)),
    ],
    chapter=CH4 + ', section "A tanh neuron, by hand, node by node"',
    hint="Backpropagate node by node: with n = x1 w1 + x2 w2 + b and o = tanh(n), "
         "dn = 1 - o²; the additions copy dn to x1 w1, x2 w2 and b (db = dn); each product "
         "swaps: dx1 = w1 dn, dw1 = x1 dn, dx2 = w2 dn, dw2 = x2 dn.",
    mistakes=(
        Mistake("order",
                "The gradients are right but in another order. Return them in the order of "
                "the arguments, inputs first: (dx1, dx2, dw1, dw2, db).",
                wrong=lambda *args: _reorder(_grads(_neuron, *args), (0, 2, 1, 3, 4))),
        Mistake("no_tanh_factor",
                "The tanh's local derivative is missing: every gradient passes through "
                "o = tanh(n) first, so each carries the factor dn = 1 - o². "
                "E.g. dw1 = x1 (1 - o²), not x1.",
                wrong=_neuron_wrong(lambda n, o: 1.0)),
        Mistake("one_minus_o",
                "The slope of tanh is 1 - o², with o squared (o = tanh(n)): dn = 1 - o**2, "
                "then dx1 = w1 dn, dw1 = x1 dn, and so on.",
                wrong=_neuron_wrong(lambda n, o: 1 - o)),
        Mistake("one_minus_n_squared",
                "The slope of tanh is 1 - o² with the OUTPUT o = tanh(n), not 1 - n² with "
                "the pre-activation n: dn = 1 - math.tanh(n) ** 2.",
                wrong=_neuron_wrong(lambda n, o: 1 - n**2)),
        Mistake("not_swapped",
                "Your dx1 is do/dw1: either multiply's swap is missing (x1 w1 sends w1 dn to "
                "x1 and x1 dn to w1), or you returned the weights' gradients first. Return "
                "(dx1, dx2, dw1, dw2, db) with dx1 = w1 (1 - o²) and dw1 = x1 (1 - o²).",
                wrong=_neuron_wrong(lambda n, o: 1 - o**2, swapped=True)),
        Mistake("overflow", _overflow_hint("n"), when=_overflowed),
    ),
))


# ---------------------------------------------------------------------------------------------
# Part 3: forks. A variable used twice receives the SUM of what each use sends back.

def _fork(a, b):
    # micrograd's example: d = a b, e = a + b, f = d e (both inputs fork)
    return (a * b) * (a + b)


register(Task(
    name="grad_fork",
    assignment=A3,
    params=("a", "b"),
    returns=("da", "db"),
    summary="the gradient of f = d e with d = a b and e = a + b (a and b are used twice)",
    reference=lambda a, b: _grads(_fork, a, b),
    cases=lambda: [
        Case("micrograd's point", (-2.0, 3.0)),
        Case("other numbers", (1.5, 0.5)),
        Case("a + b = 0 (e = 0)", (-3.0, 3.0)),
        Case("a = b", (2.0, 2.0)),
        Case("a = 0 (d = 0)", (0.0, 4.0)),
    ],
    chapter=FORK,
    hint="a reaches f along two paths, through d = a b and through e = a + b; df/da is the "
         "SUM of the two: df/da = (dd/da)(df/dd) + (de/da)(df/de) = b e + 1 d, and likewise "
         "df/db = a e + d.",
    mistakes=(
        Mistake("only_path_d",
                "You kept only the path through d = a b: a (and b) also reach f through "
                "e = a + b, which adds (de/da)(df/de) = 1 × d. At a fork the contributions "
                "ADD (assigning keeps only one): df/da = b e + d, df/db = a e + d.",
                wrong=lambda a, b: (b * (a + b), a * (a + b))),
        Mistake("only_path_e",
                "You kept only the path through e = a + b: a (and b) also reach f through "
                "d = a b, which adds (dd/da)(df/dd) = b × e. At a fork the contributions "
                "ADD (assigning keeps only one): df/da = b e + d, df/db = a e + d.",
                wrong=lambda a, b: (a * b, a * b)),
        Mistake("product_of_paths",
                "You multiplied the two paths' contributions. Along ONE path the local "
                "derivatives multiply; over DIFFERENT paths they add: "
                "df/da = b e + d, df/db = a e + d.",
                wrong=lambda a, b: (b * (a + b) * a * b, a * (a + b) * a * b)),
    ),
))


def _shared(w, x):
    # one weight used at two steps, as in a recurrent net: h = tanh(w x), f = tanh(w h)
    return (w * (w * x).tanh()).tanh()


def _shared_parts(w, x):
    h = math.tanh(w * x)
    f = math.tanh(w * h)
    return h, 1 - f * f, 1 - h * h  # h, df/d(wh), dh/d(wx)


def _shared_wrong(which):
    """A closed form with one usual mistake: a use of w left out, or one w missing in dx."""
    def grads(w, x):
        h, g, s = _shared_parts(w, x)
        outer, inner = g * h, g * w * s * x
        dw = {"outer": outer, "inner": inner}.get(which, outer + inner)
        dx = g * s * w if which == "dx_one_w" else g * w * s * w
        return dw, dx
    return grads


register(Task(
    name="grad_shared_weight",
    assignment=A3,
    params=("w", "x"),
    returns=("dw", "dx"),
    summary="the gradient of f = tanh(w tanh(w x)): one weight used at two steps",
    reference=lambda w, x: _grads(_shared, w, x),
    cases=lambda: [
        Case("a positive weight", (0.8, 1.5)),
        Case("a negative weight", (-1.2, 0.5)),
        Case("x = 0, so h = 0 and f = 0", (0.7, 0.0)),
        Case("the first step saturated: w x = 15", (3.0, 5.0)),
        Case("both steps saturated (w x = 800)", (40.0, 20.0)),
    ],
    chapter=CH4 + ', sections "Gradients add where paths fork", "The bug: assigning at a '
            'fork" and "What this means for a network"',
    hint="With h = tanh(w x) and f = tanh(w h): df/d(w h) = 1 - f². w is used twice, so dw "
         "is a sum: (1 - f²) h through its second use plus (1 - f²) w (1 - h²) x through h. "
         "x is used once: dx = (1 - f²) w (1 - h²) w.",
    mistakes=(
        Mistake("only_outer_use",
                "w is used twice, in w x and in w h, and you kept only its second use. The "
                "first use reaches f through h, adding (1 - f²) w (1 - h²) x: "
                "dw = (1 - f²) (h + w (1 - h²) x).",
                wrong=_shared_wrong("outer")),
        Mistake("only_inner_use",
                "w is used twice, in w x and in w h, and you kept only its first use. The "
                "second use adds (1 - f²) h directly: dw = (1 - f²) (h + w (1 - h²) x).",
                wrong=_shared_wrong("inner")),
        Mistake("dx_one_w",
                "x reaches f through two multiplications by w, so w appears twice in dx: "
                "dx = (1 - f²) w (1 - h²) w (one w from f = tanh(w h), one from h = tanh(w x)).",
                wrong=_shared_wrong("dx_one_w")),
        Mistake("overflow", _overflow_hint("w x"), when=_overflowed),
    ),
))


ASSIGNMENTS[A3] = Assignment(
    name=A3,
    title="Assignment 3: the chain rule",
    chapters=("chain_rule",),
    tasks=("add_backward", "sub_backward", "mul_backward", "max_backward", "pow_backward",
           "exp_backward", "tanh_backward", "grad_add_mul", "grad_neuron", "grad_fork",
           "grad_shared_weight"),
)
