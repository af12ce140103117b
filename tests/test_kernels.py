"""The compiled optimizer updates compute the numpy code's numbers bit for bit, and are optional.

Two identical networks get the same gradients step after step; one optimizer runs its compiled
loop on the big layer (backprop_lab._kernels), the other runs numpy's code everywhere. After
every step every parameter and every state array must be equal to the last bit, including
when gradients are zero, overflow, or bring inf and NaN.
"""

from __future__ import annotations

import functools
import sys

import numpy as np
import pytest

from backprop_lab import SGD, Adam, Dense, Network, ReLU, RMSProp, _kernels

BIG = (200, 100)  # 20,000 weights: at least _kernels.MIN_SIZE, so the kernel takes this layer
assert BIG[0] * BIG[1] >= _kernels.MIN_SIZE

OPTIMIZERS = {
    "sgd": lambda n: SGD(n, lr=0.1),
    "sgd-weight-decay": lambda n: SGD(n, lr=0.1, weight_decay=0.1),
    "momentum": lambda n: SGD(n, lr=0.1, momentum=0.9),
    "nesterov-weight-decay": lambda n: SGD(n, lr=0.05, momentum=0.8, nesterov=True,
                                           weight_decay=0.01),
    "rmsprop": lambda n: RMSProp(n),
    "rmsprop-momentum-weight-decay": lambda n: RMSProp(n, lr=0.003, alpha=0.9, eps=1e-6,
                                                       momentum=0.9, weight_decay=0.1),
    "adam": lambda n: Adam(n),
    "adam-betas-eps": lambda n: Adam(n, lr=0.03, betas=(0.8, 0.95), eps=1e-6),
    "adam-weight-decay": lambda n: Adam(n, lr=0.01, weight_decay=0.1),
    # options so small that float32 rounds them to 0: numpy's code still applies them (and
    # inf * 0 = nan), so the compiled loops must decide on the Python float too
    "tiny-options-sgd": lambda n: SGD(n, lr=0.1, momentum=1e-46, weight_decay=1e-46),
    "tiny-options-rmsprop": lambda n: RMSProp(n, momentum=1e-46, weight_decay=1e-46),
    "tiny-options-adam": lambda n: Adam(n, weight_decay=1e-46),
}


def require_compiled():
    """Skip unless the compiled loops can run here: numba installed and not switched off
    (by BACKPROP_LAB_NO_NUMBA, or by NUMBA_DISABLE_JIT, under which they would be Python)."""
    pytest.importorskip("numba")
    if _kernels._disabled():
        pytest.skip("BACKPROP_LAB_NO_NUMBA is set: only numpy's code runs")
    if _kernels.kernel("adam") is None:
        pytest.skip("NUMBA_DISABLE_JIT is set: only numpy's code runs")


def twin_nets(dtype):
    def make():
        return Network([Dense(*BIG, rng=0, dtype=dtype), ReLU(),
                        Dense(BIG[1], 3, rng=1, dtype=dtype)])
    return make(), make()


@functools.cache
def _numpy_only_class(cls):
    class NumpyOnly(cls):
        def _update(self, i, param, grad):  # an override: the compiled twin is never used
            super()._update(i, param, grad)
    return NumpyOnly


def numpy_only(opt):
    """``opt``, made to run numpy's code on every parameter: its class becomes a subclass
    that overrides ``_update`` (with the same rule), so ``_kernels.twin_of`` finds no twin."""
    opt.__class__ = _numpy_only_class(type(opt))
    assert _kernels.twin_of(type(opt)) is None
    return opt


def state(opt):
    """Every state array of the optimizer (velocities, running means, moments)."""
    out = []
    for name in ("velocity", "square_avg", "_n", "_u"):
        out += [a for a in (getattr(opt, name, None) or []) if a is not None]
    return out


def assert_same_bits(a, b):
    """Equal bit for bit, +0 and -0 told apart; NaNs must sit at the same places, but their
    sign bit may differ (numpy's own array and scalar additions disagree on it)."""
    assert a.dtype == b.dtype and a.shape == b.shape
    nan = np.isnan(a)
    np.testing.assert_array_equal(nan, np.isnan(b))
    ints = {4: np.uint32, 8: np.uint64}[a.dtype.itemsize]
    np.testing.assert_array_equal(a[~nan].view(ints), b[~nan].view(ints))


def gradients(step, net, dtype):
    """Random gradients of varied scale; some steps bring zeros, huge values, inf and NaN."""
    rng = np.random.default_rng(step)
    out = []
    for p in net.parameters():
        g = (rng.standard_normal(p.shape) * 10.0 ** rng.integers(-6, 3)).astype(dtype)
        if step == 3:
            g[...] = 0
        if step == 5:
            g.flat[::97] = np.finfo(dtype).max / 4  # overflows g^2, the moments, the step
        if step == 7:
            g.flat[::101] = np.nan
            g.flat[1::101] = -np.inf
        if step == 8:
            g.flat[::89] = -0.0
        out.append(g)
    return out


def run_twins(make, dtype, monkeypatch, n_steps=10):
    """Step both twins ``n_steps`` times, compare all arrays after each step, and return the
    sizes of the parameters the kernel updated."""
    fast_net, ref_net = twin_nets(dtype)
    fast, ref = make(fast_net), numpy_only(make(ref_net))
    sizes = []
    kernel = _kernels.kernel

    def spying(name):
        loop = kernel(name)
        if loop is None:
            return None

        def spy(*args):
            sizes.append(args[0].size)
            return loop(*args)
        return spy

    monkeypatch.setattr(_kernels, "kernel", spying)
    with np.errstate(all="ignore"):  # steps 5 and 7 overflow and make NaN on purpose
        for step in range(n_steps):
            if step in (4, 6):  # a schedule changes the rate between steps, once to 0
                for opt in (fast, ref):
                    opt._set_scheduled_lr(0.0 if step == 6 else opt.base_lr / 3, "test")
            for net in (fast_net, ref_net):
                grads = [layer.grads[key] for layer in net.layers for key in layer.params]
                for grad, g in zip(grads, gradients(step, net, dtype), strict=True):
                    grad[...] = g
            fast.step()
            ref.step()
            for a, b in zip(fast_net.parameters() + state(fast),
                            ref_net.parameters() + state(ref), strict=True):
                assert_same_bits(a, b)
    return sizes


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_compiled_update_equals_numpy_update_bit_for_bit(name, dtype, monkeypatch):
    require_compiled()
    sizes = run_twins(OPTIMIZERS[name], dtype, monkeypatch)
    assert sizes == [BIG[0] * BIG[1]] * 10  # only the big weight matrix, once per step


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["nesterov-weight-decay", "rmsprop-momentum-weight-decay",
                                  "rmsprop", "adam-weight-decay"])
def test_the_kernels_python_source_equals_numpy_without_numba(name, dtype, monkeypatch):
    """The functions numba compiles, run as plain Python on numpy scalars, give the same bits:
    the kernels' arithmetic is checked even where numba is not installed."""
    monkeypatch.setattr(_kernels, "_compiled", dict(_kernels._SOURCES))
    assert run_twins(OPTIMIZERS[name], dtype, monkeypatch, n_steps=8) == [BIG[0] * BIG[1]] * 8


@pytest.mark.parametrize("value, disabled", [("1", True), ("yes", True), ("0", False),
                                             ("", False)])
def test_backprop_lab_no_numba_switches_the_kernels_off(monkeypatch, value, disabled):
    numba = pytest.importorskip("numba")
    monkeypatch.setattr(numba.config, "DISABLE_JIT", False)  # even under NUMBA_DISABLE_JIT=1
    monkeypatch.setenv("BACKPROP_LAB_NO_NUMBA", value)
    monkeypatch.setattr(_kernels, "_compiled", {})
    assert (_kernels.kernel("sgd") is None) is disabled


@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam"])
def test_without_numba_the_numpy_code_runs(monkeypatch, name):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba now raises ImportError
    monkeypatch.setattr(_kernels, "_compiled", {})
    net, ref_net = twin_nets(np.float64)
    opt, ref = OPTIMIZERS[name](net), numpy_only(OPTIMIZERS[name](ref_net))
    for layer in (net.layers[0], ref_net.layers[0]):
        layer.grads["W"][...] = 1.0
    opt.step()
    ref.step()
    assert _kernels._compiled[_kernels.twin_of(type(opt))] is None
    W = net.layers[0].params["W"]
    np.testing.assert_array_equal(W, ref_net.layers[0].params["W"])
    assert not np.array_equal(W, twin_nets(np.float64)[0].layers[0].params["W"])  # it moved


def test_small_networks_never_load_numba():
    """The book's and the tests' small networks train without importing numba (0.15-0.3 s)."""
    import subprocess

    code = (
        "import sys, numpy as np, backprop_lab as bl\n"
        "net = bl.Network([bl.Dense(64, 128, rng=0), bl.ReLU(), bl.Dense(128, 10, rng=1)])\n"
        "X = np.random.default_rng(0).normal(size=(64, 64)); y = np.arange(64) % 10\n"
        "for opt in (bl.SGD(net, lr=0.1, momentum=0.9), bl.RMSProp(net), bl.Adam(net)):\n"
        "    bl.fit(net, bl.SoftmaxCrossEntropy(), opt, X, y, epochs=1, batch_size=16)\n"
        "print('numba' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_arrays_the_kernel_cannot_take_fall_back_to_numpy():
    """numba checks no bounds: an array of another shape, dtype or layout, or a read-only one,
    must never reach a compiled loop (a re-bound, larger W used to crash the process)."""
    require_compiled()
    opt = Adam(twin_nets(np.float64)[0])
    big = np.zeros(BIG)
    kernel_for = functools.partial(_kernels.kernel_for, opt)
    assert kernel_for(big, big, big, big) is _kernels.kernel("adam")
    assert kernel_for(np.zeros((10, 10)), np.zeros((10, 10))) is None  # small
    assert kernel_for(big, big, np.zeros(10)) is None  # state of another shape
    assert kernel_for(big, big, np.zeros((BIG[0], 2 * BIG[1]))) is None
    assert kernel_for(np.asfortranarray(big), big) is None
    assert kernel_for(big, big[:, ::-1]) is None
    assert kernel_for(big, big.astype(np.float32)) is None
    assert kernel_for(big.astype(np.float16), big.astype(np.float16)) is None
    frozen = big.copy()
    frozen.flags.writeable = False
    assert kernel_for(frozen, big) is None  # a read-only parameter
    assert kernel_for(big, frozen) is not None  # the gradient is only read


@pytest.mark.parametrize("name", ["adam", "momentum", "rmsprop-momentum-weight-decay"])
def test_a_rebound_parameter_of_another_shape_gets_numpys_error_not_a_crash(name):
    net = twin_nets(np.float64)[0]
    opt = OPTIMIZERS[name](net)
    net.layers[0].grads["W"][...] = 1.0
    opt.step()  # the state exists now, shaped like W
    layer = net.layers[0]
    layer.params["W"] = np.zeros((BIG[0], 2 * BIG[1]))
    layer.grads["W"] = np.zeros((BIG[0], 2 * BIG[1]))
    with pytest.raises(ValueError, match="could not be broadcast"):
        opt.step()


def test_a_subclass_that_changes_the_update_runs_its_own_code():
    """A subclass overriding _update (the documented extension point) must not be bypassed
    by SGD's compiled loop on large parameters; one that keeps it still gets the loop."""
    class ClippedSGD(SGD):
        def _update(self, i, param, grad):
            super()._update(i, param, np.clip(grad, -1, 1))

    class PlainSubclass(SGD):
        pass

    net = twin_nets(np.float64)[0]
    W = net.layers[0].params["W"]
    before = W.copy()
    net.layers[0].grads["W"][...] = 100.0
    ClippedSGD(net, lr=0.1).step()
    np.testing.assert_allclose(before - W, 0.1)  # clipped to 1, times lr
    assert _kernels.kernel_for(ClippedSGD(net, lr=0.1), W, W) is None
    assert _kernels.twin_of(ClippedSGD) is None and _kernels.twin_of(PlainSubclass) == "sgd"
    if _kernels.kernel("sgd") is not None:
        assert _kernels.kernel_for(PlainSubclass(net, lr=0.1), W, W) is _kernels.kernel("sgd")


def test_numba_disable_jit_means_numpys_code(monkeypatch):
    """With NUMBA_DISABLE_JIT=1 numba would run the loops as plain Python (500 times slower
    than numpy): take numpy's code instead."""
    numba = pytest.importorskip("numba")
    monkeypatch.setattr(numba.config, "DISABLE_JIT", True)
    monkeypatch.setattr(_kernels, "_compiled", {})
    assert _kernels.kernel("adam") is None


# -- the dispatch (_kernels.update, twin_of), which optim.py only calls -----------------------

def test_twin_of_names_the_loop_of_each_optimizer_and_of_subclasses_that_keep_the_rule():
    from backprop_lab import Optimizer

    class KeepsTheRule(Adam):
        pass

    class ChangesTheRule(RMSProp):
        def _update(self, i, param, grad):
            super()._update(i, param, 2 * grad)

    class KeepsTheChangedRule(ChangesTheRule):
        pass

    class OwnRule(Optimizer):
        def _update(self, i, param, grad):
            param -= self.lr * np.sign(grad)

    assert [_kernels.twin_of(c) for c in (SGD, RMSProp, Adam)] == ["sgd", "rmsprop", "adam"]
    assert _kernels.twin_of(KeepsTheRule) == "adam"
    assert _kernels.twin_of(ChangesTheRule) is None
    assert _kernels.twin_of(KeepsTheChangedRule) is None
    assert _kernels.twin_of(OwnRule) is None
    assert _kernels.twin_of(Optimizer) is None


def test_step_asks_kernels_once_per_parameter_and_runs_the_rule_when_refused(monkeypatch):
    """Optimizer.step's one call into _kernels: update(opt, i, param, grad) for each
    parameter, in order; where it answers False, the numpy rule runs (here: everywhere)."""
    net, ref_net = twin_nets(np.float32)
    opt, ref = OPTIMIZERS["nesterov-weight-decay"](net), numpy_only(
        OPTIMIZERS["nesterov-weight-decay"](ref_net))
    asked = []

    def refuse(o, i, param, grad):
        asked.append((o, i, param.shape))
        return False

    monkeypatch.setattr(_kernels, "update", refuse)
    for n in (net, ref_net):
        for _, _, g in n.named_parameters():
            g[...] = 0.5
    opt.step()
    ref.step()
    assert [a for a in asked if a[0] is opt] == [(opt, i, p.shape)
                                                 for i, p in enumerate(net.parameters())]
    for a, b in zip(net.parameters(), ref_net.parameters(), strict=True):
        assert_same_bits(a, b)


def test_update_takes_only_large_parameters_of_optimizers_with_a_twin():
    from backprop_lab import Optimizer

    class SignSGD(Optimizer):  # a rule of one's own: no compiled twin
        def _update(self, i, param, grad):
            param -= self.lr * np.sign(grad)

    net = twin_nets(np.float64)[0]
    W, dW = net.layers[0].params["W"], net.layers[0].grads["W"]
    b, db = net.layers[0].params["b"], net.layers[0].grads["b"]
    dW[...] = -3.0
    assert _kernels.update(Adam(net), 1, b, db) is False  # small: numpy's code
    before = W.copy()
    assert _kernels.update(SignSGD(net, lr=0.1), 0, W, dW) is False
    np.testing.assert_array_equal(W, before)  # refused without touching anything
    opt = SignSGD(net, lr=0.1)
    opt.step()
    np.testing.assert_array_equal(W, before + 0.1)  # its own rule ran on the large W
    if _kernels.kernel("sgd") is not None:
        assert _kernels.update(SGD(net, lr=0.5), 0, W, dW) is True
        np.testing.assert_array_equal(W, before + 0.1 + 1.5)


def test_optim_holds_the_rules_and_no_dispatch():
    """The compiled-kernel dispatch lives in _kernels; optim.py only calls _kernels.update."""
    import ast
    import inspect

    from backprop_lab import optim

    tree = ast.parse(inspect.getsource(optim))
    imported = {alias.name for node in ast.walk(tree)
                if isinstance(node, ast.Import | ast.ImportFrom) for alias in node.names}
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    uses = [node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name) and node.value.id == "_kernels"]
    assert not {"numba", "functools"} & imported
    assert not {"MIN_SIZE", "kernel", "kernel_for", "twin_of"} & (names | set(uses))
    assert uses == ["update"]  # Optimizer.step's one call
