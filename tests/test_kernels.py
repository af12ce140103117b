"""The compiled optimizer updates compute the numpy code's numbers bit for bit, and are optional.

Two identical networks get the same gradients step after step; one optimizer runs its compiled
loop on the big layer (backprop_lab._kernels), the other runs numpy's code everywhere. After
every step every parameter and every state array must be equal to the last bit, including
when gradients are zero, overflow, or bring inf and NaN.
"""

from __future__ import annotations

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
}


def twin_nets(dtype):
    def make():
        return Network([Dense(*BIG, rng=0, dtype=dtype), ReLU(),
                        Dense(BIG[1], 3, rng=1, dtype=dtype)])
    return make(), make()


def numpy_only(opt):
    opt._kernel_for = lambda *arrays: None  # the instance attribute hides the method
    return opt


def state(opt):
    """Every state array of the optimizer (velocities, running means, moments)."""
    out = []
    for name in ("velocity", "square_avg", "_n", "_u"):
        out += [a for a in (getattr(opt, name, None) or []) if a is not None]
    return out


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
        out.append(g)
    return out


def run_twins(make, dtype, n_steps=10):
    """Step both twins ``n_steps`` times, compare all arrays after each step, and return the
    sizes of the parameters the kernel updated."""
    fast_net, ref_net = twin_nets(dtype)
    fast, ref = make(fast_net), numpy_only(make(ref_net))
    sizes = []

    def spying(*arrays):
        kernel = type(fast)._kernel_for(fast, *arrays)
        if kernel is None:
            return None

        def spy(*args):
            sizes.append(args[0].size)
            return kernel(*args)
        return spy

    fast._kernel_for = spying
    with np.errstate(all="ignore"):  # steps 5 and 7 overflow and make NaN on purpose
        for step in range(n_steps):
            for net in (fast_net, ref_net):
                grads = [layer.grads[key] for layer in net.layers for key in layer.params]
                for grad, g in zip(grads, gradients(step, net, dtype), strict=True):
                    grad[...] = g
            fast.step()
            ref.step()
            for a, b in zip(fast_net.parameters() + state(fast),
                            ref_net.parameters() + state(ref), strict=True):
                np.testing.assert_array_equal(a, b, strict=True)
    return sizes


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_compiled_update_equals_numpy_update_bit_for_bit(name, dtype):
    pytest.importorskip("numba")
    sizes = run_twins(OPTIMIZERS[name], dtype)
    assert sizes == [BIG[0] * BIG[1]] * 10  # only the big weight matrix, once per step


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["nesterov-weight-decay", "rmsprop-momentum-weight-decay",
                                  "rmsprop", "adam-weight-decay"])
def test_the_kernels_python_source_equals_numpy_without_numba(name, dtype, monkeypatch):
    """The functions numba compiles, run as plain Python on numpy scalars, give the same bits:
    the kernels' arithmetic is checked even where numba is not installed."""
    monkeypatch.setattr(_kernels, "_compiled", dict(_kernels._SOURCES))
    assert run_twins(OPTIMIZERS[name], dtype, n_steps=8) == [BIG[0] * BIG[1]] * 8


def test_small_or_mismatched_arrays_take_the_numpy_path():
    opt = Adam(twin_nets(np.float64)[0])
    big = np.zeros(BIG)
    assert opt._kernel_for(np.zeros((10, 10)), np.zeros((10, 10))) is None
    assert opt._kernel_for(np.asfortranarray(big), big) is None
    assert opt._kernel_for(big, big[:, ::-1]) is None
    assert opt._kernel_for(big, big.astype(np.float32)) is None
    assert opt._kernel_for(big.astype(np.float16), big.astype(np.float16)) is None
    assert opt._kernel_for(big, big, big, big) is _kernels.kernel("adam")


@pytest.mark.parametrize("value, disabled", [("1", True), ("yes", True), ("0", False),
                                             ("", False)])
def test_backprop_lab_no_numba_switches_the_kernels_off(monkeypatch, value, disabled):
    pytest.importorskip("numba")
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
    assert _kernels._compiled[opt._KERNEL] is None
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
