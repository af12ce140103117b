"""Parity with PyTorch's gradients and ``torch.optim``, checked without torch.

``tests/torch_reference/reference.npz`` holds what torch computed on the seeded cases of
``tests/torch_reference/cases.py`` (made by ``python tests/torch_reference/make_reference.py``,
which says how to regenerate it). Here backprop_lab computes the same cases and is compared
with those values, with the tolerances of the live comparisons (tests/test_torch_parity.py
and tests/test_optim.py, which still run wherever torch is installed, CI included). Nothing
here imports torch: ``test_runs_where_torch_cannot_be_imported`` proves it.

First the inputs themselves are compared, bit for bit, with the ones torch saw: a change of
the seeded initialisation or data would otherwise show up as a puzzling parity failure.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent / "torch_reference"
sys.path.insert(0, str(HERE))

import cases  # noqa: E402

REFERENCE = HERE / "reference.npz"
REGENERATE = "python tests/torch_reference/make_reference.py (needs torch)"

# (rtol, atol) per case and dtype. float64: those of the live tests. float32: one step of
# float32 rounding apart, measured against torch 2.13.0 on the committed cases.
NET_TOL = {"float64": (1e-12, 1e-14), "float32": (2e-5, 1e-6)}
NET_LOSS_REL = {"float64": 1e-13, "float32": 1e-6}
SATURATION_RTOL = {"float64": 1e-13, "float32": 1e-6}  # atol 1e-30, as the live test
TRAIN_TOL = {"float64": (1e-12, 1e-14), "float32": (1e-5, 1e-6)}
RULE_TOL = {"float64": (1e-13, 1e-14), "float32": (1e-6, 1e-7)}


@pytest.fixture(scope="module")
def ref():
    assert REFERENCE.is_file(), f"{REFERENCE} is missing: regenerate it with {REGENERATE}"
    with np.load(REFERENCE) as data:
        return {k: data[k] for k in data.files}


def _same_inputs(ours, theirs, what):
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape and np.array_equal(
        ours, theirs), (
        f"{what}: backprop_lab's seeded input is not the one torch saw when {REFERENCE.name} "
        f"was made. If the change is intended, regenerate the reference: {REGENERATE}")


@pytest.mark.parametrize("dname", list(cases.DTYPES))
@pytest.mark.parametrize("loss_name", cases.LOSSES)
def test_network_gradients_match_torch(ref, loss_name, dname):
    key = f"net/{dname}/{loss_name}"
    net, loss, X, y = cases.network_case(loss_name, cases.DTYPES[dname])
    _same_inputs(X, ref[f"{key}/X"], f"{key} X")
    _same_inputs(np.asarray(y), ref[f"{key}/y"], f"{key} y")
    dense = cases.dense_layers(net)
    for i, layer in enumerate(dense):
        _same_inputs(layer.params["W"], ref[f"{key}/{i}/W"], f"{key} layer {i} W")
    L = loss.forward(net.forward(X), y)
    dX = net.backward(loss.backward())
    rtol, atol = NET_TOL[dname]
    assert L == pytest.approx(float(ref[f"{key}/loss"]), rel=NET_LOSS_REL[dname])
    assert dX.dtype == cases.DTYPES[dname]
    np.testing.assert_allclose(dX, ref[f"{key}/dX"], rtol=rtol, atol=atol)
    for i, layer in enumerate(dense):
        np.testing.assert_allclose(layer.grads["W"], ref[f"{key}/{i}/dW"], rtol=rtol, atol=atol)
        np.testing.assert_allclose(layer.grads["b"], ref[f"{key}/{i}/db"], rtol=rtol, atol=atol)


@pytest.mark.parametrize("dname", list(cases.DTYPES))
@pytest.mark.parametrize("k", range(len(cases.SATURATION)),
                         ids=[f"z={z:g},y={y:g}" for z, y in cases.SATURATION])
def test_sigmoid_bce_at_saturation_match_torch(ref, k, dname):
    z, y = cases.SATURATION[k]
    dtype = cases.DTYPES[dname]
    key = f"saturation/{dname}/{k}"
    L, dP, dZ = cases.saturation_ours(z, y, dtype)
    rtol = SATURATION_RTOL[dname]
    assert dZ.dtype == dtype
    assert L == pytest.approx(float(ref[f"{key}/loss"]), rel=rtol)
    np.testing.assert_allclose(dP, ref[f"{key}/dP"], rtol=rtol)
    np.testing.assert_allclose(dZ, ref[f"{key}/dZ"], rtol=rtol, atol=1e-30)


@pytest.mark.parametrize("dname", list(cases.DTYPES))
@pytest.mark.parametrize("case", sorted(cases.OPTIMIZERS))
def test_training_matches_torch_optim_step_for_step(ref, case, dname):
    dtype = cases.DTYPES[dname]
    for i, p in enumerate(cases.small_net(dtype).parameters()):
        _same_inputs(p, ref[f"train/{dname}/init/{i}"], f"train {dname} parameter {i}")
    rtol, atol = TRAIN_TOL[dname]
    for step, params in enumerate(cases.training_ours(case, dtype)):
        for i, p in enumerate(params):
            np.testing.assert_allclose(
                p, ref[f"train/{dname}/{case}/{i}"][step], rtol=rtol, atol=atol,
                err_msg=f"{case} {dname}: parameter {i} after step {step + 1}")


@pytest.mark.parametrize("dname", list(cases.DTYPES))
@pytest.mark.parametrize("case", sorted(cases.OPTIMIZERS))
def test_update_rule_matches_torch_optim_on_identical_gradients(ref, case, dname):
    dtype = cases.DTYPES[dname]
    net, grads = cases.fixed_gradients(dtype)
    for i, p in enumerate(net.parameters()):
        _same_inputs(p, ref[f"rule/{dname}/init/{i}"], f"rule {dname} parameter {i}")
    digest = np.array([float(np.sum(g, dtype=np.float64)) for s in grads for g in s])
    _same_inputs(digest, ref[f"rule/{dname}/grad_digest"], f"rule {dname} gradients")
    rtol, atol = RULE_TOL[dname]
    for i, p in enumerate(cases.fixed_gradients_ours(case, dtype)):
        assert p.dtype == dtype
        np.testing.assert_allclose(p, ref[f"rule/{dname}/{case}/{i}"], rtol=rtol, atol=atol,
                                   err_msg=f"{case} {dname}: parameter {i}")


def test_the_reference_covers_every_case(ref):
    """A case added to cases.py without regenerating the file fails here, not silently."""
    for dname in cases.DTYPES:
        for loss_name in cases.LOSSES:
            assert f"net/{dname}/{loss_name}/dX" in ref, f"regenerate: {REGENERATE}"
        for k in range(len(cases.SATURATION)):
            assert f"saturation/{dname}/{k}/dZ" in ref, f"regenerate: {REGENERATE}"
        for case in cases.OPTIMIZERS:
            assert f"train/{dname}/{case}/0" in ref, f"regenerate: {REGENERATE}"
            assert len(ref[f"train/{dname}/{case}/0"]) == cases.STEPS, f"regenerate: {REGENERATE}"
            assert f"rule/{dname}/{case}/0" in ref, f"regenerate: {REGENERATE}"


@pytest.mark.slow
def test_runs_where_torch_cannot_be_imported():
    """This module, run in a fresh interpreter in which ``import torch`` fails, passes."""
    blocker = (
        "import sys\n"
        "class _NoTorch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'torch' or name.startswith('torch.'):\n"
        "            raise ImportError('torch is blocked for this test')\n"
        "sys.meta_path.insert(0, _NoTorch())\n"
        "import pytest\n"
        # this module, and the reference folder as `make test` collects it (--doctest-modules)
        f"code = pytest.main([{__file__!r}, {str(HERE)!r}, '-q', '-p', 'no:cacheprovider',"
        " '-m', 'not slow', '--no-header', '-o', 'addopts=', '--doctest-modules'])\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run([sys.executable, "-c", blocker], capture_output=True, text=True,
                          cwd=HERE.parents[1], timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout, done.stdout[-1000:]
