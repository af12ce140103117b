"""`make bench` keeps working and compares like with like (the timings themselves are not tested).

The benchmark's figures are only meaningful if PyTorch computes the same function from the
same weights, and if the "matrix products alone" are the products an epoch really makes.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_paired_ratios_are_taken_pair_by_pair(bench):
    # pair by pair: 2/1, 4/2, 9/3; a ratio of medians would give 4/2 = 2 as well but
    # (2, 2, 3) is what neighbouring measurements say
    assert bench.paired([2.0, 4.0, 9.0], [1.0, 2.0, 3.0]) == (2.0, 2.0, 3.0)
    with pytest.raises(ValueError):
        bench.paired([1.0, 2.0], [1.0])  # unequal lists are a bug in the caller


def test_matrix_products_alone_are_those_of_dense(bench):
    """matmul_epoch writes dW into a buffer, as Dense._backward does, for every layer."""
    calls = []
    real = np.matmul

    class Spy:
        def __call__(self, a, b, out=None):
            calls.append((a.shape, b.shape, out is not None))
            return real(a, b, out=out)

    sizes, n, batch = [6, 5, 4, 3], 8, 4
    bench.np.matmul = Spy()
    try:
        bench.matmul_epoch(sizes, n, batch, np.float64, np.random.default_rng(0))
    finally:
        bench.np.matmul = real
    # the ``@`` products do not go through np.matmul; the dW products (with out=) do
    # two batches, each with dW = A.T @ dZ from the last layer back to the first
    assert calls == [((4, 4), (4, 3), True), ((5, 4), (4, 4), True), ((6, 4), (4, 5), True)] * 2


def test_compare_alternates_and_returns_one_time_per_epoch(bench):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 6)).astype(np.float32)
    y = rng.integers(0, 3, 64)
    ours, theirs, products = bench.compare([6, 5, 3], X, y, 16, 3, np.float32, matmul=True)
    assert len(ours) == len(products) == 3
    assert len(theirs) == (3 if bench.torch is not None else 0)
    assert all(t > 0 for t in ours + theirs + products)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_torch_model_computes_the_same_function_from_the_same_weights(bench, dtype):
    torch = pytest.importorskip("torch")
    net = bench.make_net([7, 6, 5, 3], dtype)
    model = bench.torch_net(net)
    X = np.random.default_rng(1).standard_normal((9, 7)).astype(dtype)
    with torch.no_grad():
        out = model(torch.from_numpy(X)).numpy()
    assert out.dtype == dtype
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out, net.predict(X), rtol=tol, atol=tol)


def test_breakdown_times_every_part_of_a_batch_once_in_order(bench):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 6)).astype(np.float32)
    y = rng.integers(0, 3, 64)
    total, parts = bench.breakdown([6, 5, 3], X, y, 16, np.float32)
    assert list(parts) == [
        "0: Dense(6 -> 5) forward", "1: ReLU() forward", "2: Dense(5 -> 3) forward",
        "loss forward", "loss backward",
        "2: Dense(5 -> 3) backward", "1: ReLU() backward", "0: Dense(6 -> 5) backward",
        "SGD step", "rest of fit() (gather, accuracy, bookkeeping)",
    ]
    # every wrapped method was really called by fit(), and the timed calls never overlap,
    # so what is left for fit's own work is not negative
    *timed, rest = parts.values()
    assert all(seconds > 0 for seconds in timed)
    assert 0 <= rest < total


def test_the_benchmark_restarts_without_forced_blas_kernels(bench):
    """make bench measures numpy with the kernels it picks, not those a machine forces."""
    env = {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "512", "PATH": "/bin"}
    new = bench.environment_without_forced_blas(["run.py"], env)
    assert new == {"PATH": "/bin", "BPL_BENCH_REMOVED": "OPENBLAS_CORETYPE=Haswell "
                                                        "OPENBLAS_L2_SIZE=512"}
    assert bench.environment_without_forced_blas(["run.py", "--keep-blas-env"], env) is None
    assert bench.environment_without_forced_blas(["run.py"], {"PATH": "/bin"}) is None


def test_the_benchmark_starts_when_the_machine_forces_blas_kernels():
    """The restart itself works: the script comes back up and parses its arguments."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, OPENBLAS_CORETYPE="Haswell")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--help"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "--keep-blas-env" in done.stdout


def test_alternating_takes_turns_and_drops_the_warm_up(bench):
    calls = []

    def run(name):
        def epoch(e):
            calls.append((name, e))
            return float(e)
        return epoch

    a, b = bench.alternating([run("a"), run("b")], epochs=2)
    assert calls == [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 2), ("b", 2)]
    assert a == b == [1.0, 2.0]  # epoch 0 is the warm-up


def test_the_report_says_which_code_runs_the_updates(bench, monkeypatch):
    from backprop_lab import _kernels

    monkeypatch.setattr(_kernels, "_compiled", {"adam": None})
    assert bench.update_kind().startswith("numpy, one pass per operation")
    pytest.importorskip("numba")
    monkeypatch.delenv("BACKPROP_LAB_NO_NUMBA", raising=False)
    monkeypatch.setattr(_kernels, "_compiled", {})
    assert bench.update_kind().startswith("compiled by numba")


def test_make_bench_covers_every_page_of_the_toc(bench):
    """`make bench` times every chapter of _toc.yml, from the list the chapter tests use."""
    import chapters

    assert [p.docname for p in bench.chapter_pages()] == chapters.toc_docnames()
    assert "book/learning_rate" in [p.docname for p in bench.chapter_pages() if p.is_notebook]
    # figures found by type, not by name: the probe walks the figures FIND_FIGURES finds
    assert "_bpl_figures()" in bench.CALLBACK_PROBE
    assert "gc.get_objects()" in chapters.FIND_FIGURES
