"""The compiled Adam update computes the numpy code's numbers bit for bit, and is optional."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from backprop_lab import Adam, Dense, Network, ReLU, _kernels

BIG = (200, 100)  # 20,000 weights: above _kernels.MIN_SIZE, so the kernel takes this layer
assert BIG[0] * BIG[1] >= _kernels.MIN_SIZE


def twin_nets(dtype):
    def make():
        return Network([Dense(*BIG, rng=0, dtype=dtype), ReLU(), Dense(BIG[1], 3, rng=1,
                                                                       dtype=dtype)])
    return make(), make()


def numpy_only(opt):
    opt._kernel_for = lambda *arrays: None  # the instance attribute hides the method
    return opt


def gradients(step, net, dtype):
    """Random gradients of varied scale; some steps bring zeros, huge values, inf and NaN."""
    rng = np.random.default_rng(step)
    out = []
    for p in net.parameters():
        g = (rng.standard_normal(p.shape) * 10.0 ** rng.integers(-6, 3)).astype(dtype)
        if step == 3:
            g[...] = 0
        if step == 5:
            g.flat[::97] = np.finfo(dtype).max / 4  # overflows u = beta2 u + g^2 to inf
        if step == 7:
            g.flat[::101] = np.nan
            g.flat[1::101] = -np.inf
        out.append(g)
    return out


def run_twins(dtype, kernel, n_steps=12, **options):
    fast_net, ref_net = twin_nets(dtype)
    fast, ref = Adam(fast_net, **options), numpy_only(Adam(ref_net, **options))
    calls = []

    def counting(*args):
        calls.append(args[0].size)
        return kernel(*args)

    fast._kernel_for = lambda *arrays: counting if Adam._kernel_for(*arrays) else None
    with np.errstate(all="ignore"):  # steps 5 and 7 overflow and make NaN on purpose
        for step in range(n_steps):
            for net in (fast_net, ref_net):
                grads = [layer.grads[key] for layer in net.layers for key in layer.params]
                for grad, g in zip(grads, gradients(step, net, dtype), strict=True):
                    grad[...] = g
            fast.step()
            ref.step()
            for a, b in zip(fast_net.parameters(), ref_net.parameters(), strict=True):
                np.testing.assert_array_equal(a, b, strict=True)
            for a, b in zip(fast._n + fast._u, ref._n + ref._u, strict=True):
                np.testing.assert_array_equal(a, b, strict=True)
    return calls


OPTIONS = [
    {},
    {"lr": 0.03, "betas": (0.8, 0.95), "eps": 1e-6},
    {"lr": 0.01, "weight_decay": 0.1},
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", OPTIONS, ids=["defaults", "betas-eps", "weight-decay"])
def test_compiled_adam_equals_numpy_adam_bit_for_bit(dtype, options):
    pytest.importorskip("numba")
    kernel = _kernels.adam_kernel()
    assert kernel is not None, "numba is installed but the kernel was not compiled"
    calls = run_twins(dtype, kernel, **options)
    # only the big weight matrix went through the kernel, once per step
    assert calls == [BIG[0] * BIG[1]] * 12


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_kernels_python_source_equals_numpy_adam_without_numba(dtype):
    """The function numba compiles, run as plain Python on numpy scalars, gives the same bits:
    the kernel's arithmetic is checked even where numba is not installed."""
    calls = run_twins(dtype, _kernels.adam_update, n_steps=8, weight_decay=0.1)
    assert calls == [BIG[0] * BIG[1]] * 8


def test_small_or_non_contiguous_parameters_take_the_numpy_path():
    big = np.zeros(BIG)
    assert Adam._kernel_for(np.zeros((10, 10)), np.zeros((10, 10))) is None
    assert Adam._kernel_for(np.asfortranarray(big), big) is None
    assert Adam._kernel_for(big, big[:, ::-1]) is None
    assert Adam._kernel_for(big, big.astype(np.float32)) is None
    assert Adam._kernel_for(big.astype(np.float16), big.astype(np.float16)) is None
    assert Adam._kernel_for(big, big, big, big) is _kernels.adam_kernel()


@pytest.mark.parametrize("value, disabled", [("1", True), ("yes", True), ("0", False),
                                             ("", False)])
def test_backprop_lab_no_numba_switches_the_kernel_off(monkeypatch, value, disabled):
    pytest.importorskip("numba")
    monkeypatch.setenv("BACKPROP_LAB_NO_NUMBA", value)
    assert (_kernels._compile_adam() is None) is disabled


def test_without_numba_adam_runs_the_numpy_code(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba now raises ImportError
    assert _kernels._compile_adam() is None
    monkeypatch.setattr(_kernels, "_adam", None)  # as adam_kernel() finds it in that case
    net, ref_net = twin_nets(np.float64)
    opt, ref = Adam(net, lr=0.01), numpy_only(Adam(ref_net, lr=0.01))
    for layer in (net.layers[0], ref_net.layers[0]):
        layer.grads["W"][...] = 1.0
    opt.step()
    ref.step()
    np.testing.assert_array_equal(net.layers[0].params["W"], ref_net.layers[0].params["W"])
    assert not np.array_equal(net.layers[0].params["W"], twin_nets(np.float64)[0].layers[0]
                              .params["W"])  # and it did take a step
