"""`make bench`: the speed figures of backprop_lab, measured side by side in one run.

Machines here are shared and noisy, so every comparison is measured side by side in one
process: the contenders alternate epoch by epoch, each ratio is taken between neighbouring
epochs, and the figure printed is the median of those ratios, with their range in
brackets. numpy's BLAS and torch are pinned to the same number of threads. PyTorch is
optional: without it the ratios to PyTorch are skipped and the other figures are printed.

numpy's BLAS runs with the kernels it picks for this CPU. Some machines set
``OPENBLAS_CORETYPE`` (and ``OPENBLAS_L2_SIZE``) to force older kernels, because older OpenBLAS
builds misdetect their CPU; the OpenBLAS in the pinned numpy does not need that, and on an AMD
EPYC of this project's machines the forced Haswell kernels made numpy's matrix products 1.7 times
slower (torch, which uses its own kernels, is not affected). The script therefore restarts itself
without those two variables before numpy is loaded, and prints what it removed;
``--keep-blas-env`` measures with them.

Usage: python benchmarks/run.py [--quick] [--epochs N] [--skip-chapter] [--keep-blas-env]
"""

from __future__ import annotations

import os
import sys

_BLAS_FORCING = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def environment_without_forced_blas(argv, environ):
    """The environment to restart in, without the variables that force BLAS kernels.

    ``None`` when there is nothing to remove or ``--keep-blas-env`` is in ``argv``. The new
    environment records what was removed in ``BPL_BENCH_REMOVED``, which the report prints.
    """
    forced = [v for v in _BLAS_FORCING if v in environ]
    if not forced or "--keep-blas-env" in argv:
        return None
    env = {k: v for k, v in environ.items() if k not in forced}
    env["BPL_BENCH_REMOVED"] = " ".join(f"{v}={environ[v]}" for v in forced)
    return env


# before numpy (and its OpenBLAS) is loaded: see the module docstring
if __name__ == "__main__":
    _env = environment_without_forced_blas(sys.argv, os.environ)
    if _env is not None:
        os.execve(sys.executable, [sys.executable, *sys.argv], _env)

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import backprop_lab as bl  # noqa: E402

try:
    import torch
except ImportError:  # optional
    torch = None

RESULTS: list[tuple[str, str, str, bool | None]] = []


def report(name: str, value: str, goal: str, ok: bool | None) -> None:
    RESULTS.append((name, value, goal, ok))
    mark = {True: "ok", False: "MISSED", None: "-"}[ok]
    print(f"  {name:<68} {value:>10}   goal {goal:<10} {mark}", flush=True)


def median(xs):
    return statistics.median(xs)


# ----------------------------------------------------------------------------- models
def make_net(sizes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    layers = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:], strict=False)):
        layers.append(bl.Dense(a, b, init="he", rng=rng, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(bl.ReLU())
    return bl.Network(layers)


def torch_net(net):
    mods = []
    for layer in net.layers:
        if isinstance(layer, bl.Dense):
            lin = torch.nn.Linear(layer.n_in, layer.n_out)
            lin = lin.to(torch.float32 if layer.dtype == np.float32 else torch.float64)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(layer.params["W"].T.copy()))
                lin.bias.copy_(torch.from_numpy(layer.params["b"].copy()))
            mods.append(lin)
        else:
            mods.append(torch.nn.ReLU())
    return torch.nn.Sequential(*mods)


def ours_epoch(net, opt, X, y, batch_size, seed):
    loss = bl.SoftmaxCrossEntropy()
    t = time.perf_counter()
    bl.fit(net, loss, opt, X, y, epochs=1, batch_size=batch_size, shuffle=True, seed=seed)
    return time.perf_counter() - t


def torch_epoch(model, opt, tX, ty, batch_size, seed):
    loss_fn = torch.nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(seed)
    t = time.perf_counter()
    perm = torch.randperm(len(tX), generator=g)
    for i in range(0, len(tX), batch_size):
        idx = perm[i : i + batch_size]
        xb, yb = tX[idx], ty[idx]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
    return time.perf_counter() - t


def matmul_epoch(sizes, n, batch_size, dtype, rng):
    """The time of an epoch's matrix products alone, called as ``Dense`` calls them.

    Per batch: ``Z = A @ W`` for every layer; ``dW = A.T @ dZ`` written into a gradient
    buffer with ``out=`` (as ``Dense._backward`` does); ``dA = dZ @ W.T`` for every layer
    but the first.
    """
    Ws = [rng.standard_normal((a, b)).astype(dtype) for a, b in zip(sizes, sizes[1:], strict=False)]
    dWs = [np.empty_like(W) for W in Ws]
    acts = [rng.standard_normal((batch_size, b)).astype(dtype) for b in sizes]
    t = time.perf_counter()
    for _ in range(0, n, batch_size):
        for k, W in enumerate(Ws):
            acts[k] @ W
        for k in range(len(Ws) - 1, -1, -1):
            np.matmul(acts[k].T, acts[k + 1], out=dWs[k])
            if k > 0:
                acts[k + 1] @ Ws[k].T
    return time.perf_counter() - t


def paired(numerators, denominators):
    """Median and range of the ratios of measurements taken back to back.

    Each ratio compares two runs made seconds apart, so a drift of the machine's speed
    (up to 2x over minutes on these shared machines) cancels in it; the median then
    discards the pairs that a burst of load hit on one side only.
    """
    ratios = [a / b for a, b in zip(numerators, denominators, strict=True)]
    return median(ratios), min(ratios), max(ratios)


def alternating(runs, epochs):
    """Time each of ``runs`` (callables taking the epoch number) in turn, ``epochs`` times.

    One warm-up round comes first and is not returned; then the runs alternate epoch by
    epoch, so that ``paired()`` compares neighbouring measurements. Returns one list of
    seconds per run.
    """
    times = [[] for _ in runs]
    for e in range(epochs + 1):
        for run, seconds in zip(runs, times, strict=True):
            seconds.append(run(e))
    return [seconds[1:] for seconds in times]


def compare(sizes, X, y, batch_size, epochs, dtype, matmul=False):
    """Per epoch, back to back: the matrix products alone (optionally), our epoch, torch's.

    Returns the lists of times. Our epoch sits between the two others, so both of its
    ratios come from neighbouring measurements.
    """
    net = make_net(sizes, dtype)
    opt = bl.SGD(net, lr=0.01)
    rng = np.random.default_rng(1)
    runs = {"ours": lambda e: ours_epoch(net, opt, X, y, batch_size, e)}
    if matmul:
        runs = {"products": lambda e: matmul_epoch(sizes, len(X), batch_size, dtype, rng), **runs}
    if torch is not None:
        model = torch_net(net)  # the same weights, before our first epoch changes them
        topt = torch.optim.SGD(model.parameters(), lr=0.01)
        tX, ty = torch.from_numpy(X), torch.from_numpy(y)
        runs["theirs"] = lambda e: torch_epoch(model, topt, tX, ty, batch_size, e)
    times = dict(zip(runs, alternating(list(runs.values()), epochs), strict=True))
    return times["ours"], times.get("theirs", []), times.get("products", [])


def breakdown(sizes, X, y, batch_size, dtype, seed=1):
    """Where one epoch of ``fit`` spends its time, part by part.

    The real objects run the real ``fit``: each layer's ``_forward`` and ``_backward``, the
    loss's ``_forward`` and ``backward`` and the optimizer's ``step`` are wrapped, on the
    instances, by a timer. Whatever is left of the epoch is ``fit``'s own work: the batch
    gather, the accuracy count, the bookkeeping (and the timers' own cost, about 1 us per call).
    Returns ``(epoch_seconds, {part: seconds})`` with the parts in the order of a batch.
    """
    net = make_net(sizes, dtype)
    opt = bl.SGD(net, lr=0.01)
    loss = bl.SoftmaxCrossEntropy()
    parts: dict[str, float] = {}

    def timed(obj, method, part):
        inner = getattr(obj, method)

        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                parts[part] += time.perf_counter() - t

        setattr(obj, method, wrapper)

    order = [(layer, "_forward", f"{i}: {layer!r} forward") for i, layer in enumerate(net.layers)]
    order += [(loss, "_forward", "loss forward"), (loss, "backward", "loss backward")]
    order += [(layer, "_backward", f"{i}: {layer!r} backward")
              for i, layer in reversed(list(enumerate(net.layers)))]
    order.append((opt, "step", "SGD step"))
    for obj, method, part in order:
        parts[part] = 0.0  # in the order of a batch, as printed
        timed(obj, method, part)
    bl.fit(net, loss, opt, X, y, epochs=1, batch_size=batch_size, seed=0)  # warm-up
    parts.update(dict.fromkeys(parts, 0.0))  # the warm-up does not count
    t = time.perf_counter()
    bl.fit(net, loss, opt, X, y, epochs=1, batch_size=batch_size, seed=seed)
    total = time.perf_counter() - t
    parts["rest of fit() (gather, accuracy, bookkeeping)"] = total - sum(parts.values())
    return total, dict(parts)


# ----------------------------------------------------------------------------- sections
def bench_engine(epochs, quick):
    n = 12_000 if quick else 60_000
    sizes = [784, 512, 256, 10]
    rng = np.random.default_rng(0)
    X64 = rng.standard_normal((n, 784))
    y = rng.integers(0, 10, n)
    print(f"\nSynthetic MNIST-sized data: {n} x 784, {sizes}, ReLU, batch 128, "
          f"medians of {epochs} epochs")
    for dtype, goal in [(np.float32, 1.10), (np.float64, 1.15)]:
        X = X64.astype(dtype)
        name = np.dtype(dtype).name
        ours, theirs, products = compare(sizes, X, y, 128, epochs, dtype, matmul=True)
        report(f"backprop_lab SGD epoch, {name}", f"{median(ours):.3f} s", "", None)
        if theirs:
            report(f"PyTorch SGD epoch, {name}", f"{median(theirs):.3f} s", "", None)
            r, lo, hi = paired(ours, theirs)
            report(f"ratio backprop_lab / PyTorch, {name} [{lo:.2f}-{hi:.2f}]", f"{r:.3f}",
                   f"<= {goal:.2f}", r <= goal)
        r, lo, hi = paired(products, ours)
        report(f"share of the epoch in its matrix products, {name} [{lo:.0%}-{hi:.0%}]",
               f"{r:.1%}", ">= 65 %", r >= 0.65)
        spread = max(products) / min(products) - 1
        print(f"  steadiness of the machine: the same products alone took {min(products):.3f}-"
              f"{max(products):.3f} s ({spread:.0%} apart). Other load slows the memory-bound "
              "parts of an epoch more than its products, so a busy machine lowers the share.")
        if dtype == np.float32:
            total, parts = breakdown(sizes, X, y, 128, dtype)
            print(f"  where one instrumented {name} epoch ({total:.3f} s) goes; the products "
                  f"alone took {median(products):.3f} s per epoch:")
            for part, seconds in parts.items():
                print(f"    {part:<66} {seconds:7.3f} s {seconds / total:5.1%}")
    # Adam against SGD, alternating epoch by epoch like every other comparison here
    X32 = X64.astype(np.float32)
    sgd_net, adam_net = make_net(sizes, np.float32), make_net(sizes, np.float32)
    sgd, adam = bl.SGD(sgd_net, lr=0.01), bl.Adam(adam_net, lr=1e-3)
    sgd_times, adam_times = alternating(
        [lambda e: ours_epoch(sgd_net, sgd, X32, y, 128, e),
         lambda e: ours_epoch(adam_net, adam, X32, y, 128, e)], epochs)
    r, lo, hi = paired(adam_times, sgd_times)
    report(f"Adam epoch / SGD epoch, float32 [{lo:.2f}-{hi:.2f}]", f"{r:.3f}", "<= 1.30",
           r <= 1.3)
    if torch is not None:  # the same ratio for PyTorch, for scale (not a goal)
        models = [torch_net(make_net(sizes, np.float32)) for _ in range(2)]
        topts = [torch.optim.SGD(models[0].parameters(), lr=0.01),
                 torch.optim.Adam(models[1].parameters(), lr=1e-3)]
        tX, ty = torch.from_numpy(X32), torch.from_numpy(y)
        sgd_times, adam_times = alternating(
            [lambda e: torch_epoch(models[0], topts[0], tX, ty, 128, e),
             lambda e: torch_epoch(models[1], topts[1], tX, ty, 128, e)], epochs)
        r, lo, hi = paired(adam_times, sgd_times)
        report(f"  for scale: PyTorch's Adam epoch / SGD epoch [{lo:.2f}-{hi:.2f}]", f"{r:.3f}",
               "", None)


def bench_digits(epochs):
    X, y = bl.datasets.load_digits()
    X = (X / 16.0).astype(np.float64)
    sizes = [64, 128, 64, 10]
    print(f"\nDigits data: {X.shape[0]} x 64, {sizes}, ReLU, batch 32, float64, "
          f"medians of {epochs} epochs")
    ours, theirs, _ = compare(sizes, X, y, 32, epochs, np.float64)
    report("backprop_lab digits epoch", f"{median(ours) * 1e3:.1f} ms", "", None)
    if theirs:
        report("PyTorch digits epoch", f"{median(theirs) * 1e3:.1f} ms", "", None)
        r, lo, hi = paired(ours, theirs)
        report(f"ratio backprop_lab / PyTorch, digits [{lo:.2f}-{hi:.2f}]", f"{r:.3f}",
               "<= 0.65", r <= 0.65)


def bench_value():
    from backprop_lab.autodiff import Value
    from backprop_lab.scalar_nn import MLP

    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 2)).tolist()
    y = rng.standard_normal(100).tolist()
    model = MLP(2, [16, 16, 1], rng=0)
    times = []
    for _ in range(7):
        t = time.perf_counter()
        loss = Value(0.0)
        for xi, yi in zip(X, y, strict=True):
            out = model(xi)
            out = out[0] if isinstance(out, list) else out
            loss = loss + (out - yi) ** 2
        model.zero_grad() if hasattr(model, "zero_grad") else None
        loss.backward()
        times.append(time.perf_counter() - t)
    ms = median(times) * 1e3
    print("\nScalar engine")
    report("Value: forward+backward, 2-16-16-1 MLP, 100 samples", f"{ms:.1f} ms", "<= 100 ms",
           ms <= 100)
    # backward is linear in the graph's width: 10 times the terms, about 10 times the time
    widths = {}
    for n in (5_000, 50_000):
        times = []
        for _ in range(5):
            total = Value.sum([Value(float(i)) for i in range(n)])
            t = time.perf_counter()
            total.backward()
            times.append(time.perf_counter() - t)
        widths[n] = median(times)
    report(f"Value: backward of a 50,000-term sum (5,000 terms: {widths[5_000] * 1e3:.1f} ms)",
           f"{widths[50_000] * 1e3:.1f} ms", "", None)


def bench_import():
    code = ("import time; t = time.perf_counter(); import backprop_lab; "
            "print(time.perf_counter() - t)")
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout) for _ in range(5)]
    report("import backprop_lab", f"{median(times) * 1e3:.0f} ms", "<= 200 ms",
           median(times) <= 0.2)


# Runs in a chapter's kernel after the chapter: every InteractiveFigure and Animation alive in
# it, found by type (``_bpl_figures()``: tests/chapters.py's FIND_FIGURES, which
# tests/test_chapter_figures.py uses too), is moved 15 times across
# its controls' values (each move to a value other than the current one); prints, per figure,
# its name (if bound to one) and the median time of one live callback (compute + redraw), over
# the moves that redrew.
CALLBACK_PROBE = r"""
def _bpl_callbacks():
    import statistics, time

    result = []
    for name, fig in _bpl_figures():
        fig.widget  # built outside the timing
        times = []
        for i in range(15):
            control = fig.controls[i % len(fig.controls)]
            values = list(control.values)
            k = (i * 7 + 3) % len(values)
            if values[k] == fig.control_widgets[control.name].value:
                k = (k + 1) % len(values)  # a move to the value it has redraws nothing
            n_redraws = fig.n_redraws
            t0 = time.perf_counter()
            fig.set_value(control.name, values[k])
            seconds = time.perf_counter() - t0
            if fig.n_redraws > n_redraws:  # only moves that redrew are callbacks
                times.append(seconds)
        if times:
            result.append([name, statistics.median(times)])
    return result
print("BPL-CALLBACKS " + __import__("json").dumps(_bpl_callbacks()))
"""


def chapter_pages():
    """Every page of _toc.yml (tests/chapters.py: the list every chapter check uses)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import chapters

    return chapters.pages()


def run_chapter(path: Path) -> tuple[float, list[tuple[str, float]]]:
    """(seconds to execute the notebook in a new kernel, kernel start included, and
    [(figure, median seconds of one live callback)] for every figure it creates)."""
    import chapters

    _, elapsed, callbacks = chapters.execute_with_probe(path, CALLBACK_PROBE, "BPL-CALLBACKS",
                                                        timeout=120)
    return elapsed, [tuple(x) for x in callbacks]


def bench_chapters():
    """Every page of _toc.yml: its notebook's execution, its slowest live callback (over all
    the figures it creates, found by type), its built page's weight."""
    html = ROOT / "_build" / "html"
    for page in chapter_pages():
        print(f"\nChapter {page.docname}")
        if page.path is None:
            report(f"{page.name}: in _toc.yml, but no file", "missing", "", False)
            continue
        if page.is_notebook:
            elapsed, callbacks = run_chapter(page.path)
            report(f"{page.name}: execution in a kernel (incl. kernel start)", f"{elapsed:.1f} s",
                   "<= 10 s", elapsed <= 10)
            if callbacks:
                for name, seconds in callbacks:
                    print(f"    live callback of {name}: median {seconds * 1e3:.0f} ms")
                name, slowest = max(callbacks, key=lambda c: c[1])
                report(f"{page.name}: slowest live callback, median ({name}; "
                       f"{len(callbacks)} figures)", f"{slowest * 1e3:.0f} ms", "<= 100 ms",
                       slowest <= 0.1)
            else:
                report(f"{page.name}: slowest live callback", "no figure", "", None)
        built = html / page.html
        if built.exists():
            kb = built.stat().st_size / 1024
            report(f"{page.name}: built page weight (HTML with its embedded frames)",
                   f"{kb:.0f} kB", "<= 2048 kB", kb <= 2048)
        else:
            report(f"{page.name}: built page weight", "not built", "run make book", None)


def update_kind() -> str:
    """Which code runs the optimizers' updates of large parameters: compiled loops or numpy."""
    from backprop_lab import _kernels

    if _kernels.kernel("adam") is None:
        return ("numpy, one pass per operation (numba not installed, or BACKPROP_LAB_NO_NUMBA "
                "set): expect Adam / SGD near 1.4")
    import numba

    return f"compiled by numba {numba.__version__}, one pass (backprop_lab/_kernels.py)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller data, 3 epochs")
    parser.add_argument("--epochs", type=int, default=7)
    parser.add_argument("--skip-chapter", action="store_true",
                        help="leave out the chapters of _toc.yml (execution, callbacks, weight)")
    parser.add_argument("--keep-blas-env", action="store_true",
                        help="keep OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE if the machine sets them")
    args = parser.parse_args()
    epochs = 3 if args.quick else max(args.epochs, 5)
    threads = os.cpu_count() or 1
    if torch is not None:
        torch.set_num_threads(threads)
    blas = [f"{i['internal_api']} {i.get('architecture', '')} x{i['num_threads']}"
            for i in threadpool_info() if i["user_api"] == "blas"]
    print(f"backprop_lab {bl.__version__}, numpy {np.__version__} ({', '.join(blas)}), "
          f"torch {torch.__version__ if torch else 'not installed'}; {threads} threads each")
    print(f"optimizer updates: {update_kind()}")
    if os.environ.get("BPL_BENCH_REMOVED"):
        print(f"(run without {os.environ['BPL_BENCH_REMOVED']}, which this machine sets: numpy's "
              "BLAS uses the kernels it picks itself; --keep-blas-env keeps them)")
    elif forced := [f"{v}={os.environ[v]}" for v in _BLAS_FORCING if v in os.environ]:
        print(f"(with {', '.join(forced)} as this machine sets them: numpy's BLAS runs forced "
              "kernels)")
    with threadpool_limits(limits=threads, user_api="blas"):
        bench_import()
        bench_engine(epochs, args.quick)
        bench_digits(max(epochs, 7))
        bench_value()
    if not args.skip_chapter:
        bench_chapters()
    missed = [r for r in RESULTS if r[3] is False]
    print(f"\n{sum(r[3] is True for r in RESULTS)} goals met, {len(missed)} missed"
          + ("" if torch else " (PyTorch not installed: ratios to PyTorch skipped)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
