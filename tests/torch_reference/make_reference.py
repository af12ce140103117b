"""Regenerate ``reference.npz``: what PyTorch computes on the cases of ``cases.py``.

``make test`` compares backprop_lab with these values without importing torch
(tests/test_torch_reference.py), so parity with torch's gradients and ``torch.optim`` is
checked on every machine; tests/test_torch_parity.py, tests/test_optim.py and the others still
compare with a live torch where it is installed (CI installs it).

Run it again (it needs torch; the committed file was made with torch 2.13.0, CPU) when a case
in cases.py changes, or to check the committed file against a new torch::

    .venv/bin/python -m pip install torch==2.13.0      # once
    .venv/bin/python tests/torch_reference/make_reference.py

The file stores, per case, the inputs torch saw (weights, data, gradients: the test checks
that backprop_lab's seeded constructors still give them bit for bit) and torch's results.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

try:
    import torch
except ImportError:  # `make test` imports this module (--doctest-modules) where torch is absent
    torch = None

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cases  # noqa: E402

OUT = HERE / "reference.npz"


def _torch_dtype(dtype):
    return {np.float64: torch.float64, np.float32: torch.float32}[dtype]


def torch_model(net, dtype):
    mods = []
    for layer in net.layers:
        if isinstance(layer, cases.Dense):
            lin = torch.nn.Linear(layer.n_in, layer.n_out, dtype=_torch_dtype(dtype))
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(layer.params["W"].T.copy()))
                lin.bias.copy_(torch.from_numpy(layer.params["b"]))
            mods.append(lin)
        elif isinstance(layer, cases.LeakyReLU):
            mods.append(torch.nn.LeakyReLU(layer.alpha))
        else:
            kind = {cases.ReLU: torch.nn.ReLU, cases.Tanh: torch.nn.Tanh,
                    cases.Sigmoid: torch.nn.Sigmoid}
            mods.append(kind[type(layer)]())
    return torch.nn.Sequential(*mods)


def network_gradients(out: dict) -> None:
    for dname, dtype in cases.DTYPES.items():
        for loss_name in cases.LOSSES:
            key = f"net/{dname}/{loss_name}"
            net, _, X, y = cases.network_case(loss_name, dtype)
            model = torch_model(net, dtype)
            tloss = {"mse": torch.nn.MSELoss(), "bce": torch.nn.BCELoss(),
                     "ce": torch.nn.CrossEntropyLoss()}[loss_name]
            tX = torch.from_numpy(X).requires_grad_(True)
            tL = tloss(model(tX), torch.from_numpy(y))
            tL.backward()
            out[f"{key}/X"], out[f"{key}/y"] = X, y
            out[f"{key}/loss"] = np.array(tL.item())
            out[f"{key}/dX"] = tX.grad.numpy()
            lins = [m for m in model if isinstance(m, torch.nn.Linear)]
            for i, (dense, lin) in enumerate(zip(cases.dense_layers(net), lins, strict=True)):
                out[f"{key}/{i}/W"] = dense.params["W"].copy()
                out[f"{key}/{i}/dW"] = lin.weight.grad.numpy().T.copy()
                out[f"{key}/{i}/db"] = lin.bias.grad.numpy().copy()


def saturation(out: dict) -> None:
    for dname, dtype in cases.DTYPES.items():
        for k, (z, y) in enumerate(cases.SATURATION):
            key = f"saturation/{dname}/{k}"
            Z, Y = cases.saturation_inputs(z, y, dtype)
            tZ = torch.tensor(Z, dtype=_torch_dtype(dtype), requires_grad=True)
            tP = torch.sigmoid(tZ)
            tP.retain_grad()
            tL = torch.nn.BCELoss()(tP, torch.tensor(Y, dtype=_torch_dtype(dtype)))
            tL.backward()
            out[f"{key}/loss"] = np.array(tL.item())
            out[f"{key}/dP"] = tP.grad.numpy()
            out[f"{key}/dZ"] = tZ.grad.numpy()


def _torch_params(model):
    return [model[0].weight.detach().numpy().T.copy(), model[0].bias.detach().numpy().copy(),
            model[2].weight.detach().numpy().T.copy(), model[2].bias.detach().numpy().copy()]


def optimizers(out: dict) -> None:
    for dname, dtype in cases.DTYPES.items():
        X, y = cases.small_data(dtype)
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
        for case, (_, (cls, kwargs)) in cases.OPTIMIZERS.items():
            # training, step for step: torch's own backward feeds torch's optimizer
            net = cases.small_net(dtype)
            model = torch.nn.Sequential(
                torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)
            ).to(_torch_dtype(dtype))
            with torch.no_grad():
                for lin, dense in ((model[0], net.layers[0]), (model[2], net.layers[2])):
                    lin.weight.copy_(torch.from_numpy(dense.params["W"].T.copy()))
                    lin.bias.copy_(torch.from_numpy(dense.params["b"]))
            opt = getattr(torch.optim, cls)(model.parameters(), **kwargs)
            for i, p in enumerate(net.parameters()):
                out[f"train/{dname}/init/{i}"] = p.copy()
            history = []
            for _ in range(cases.STEPS):
                opt.zero_grad()
                torch.nn.functional.cross_entropy(model(Xt), yt).backward()
                opt.step()
                history.append(_torch_params(model))
            for i, steps in enumerate(zip(*history, strict=True)):
                out[f"train/{dname}/{case}/{i}"] = np.stack(steps)  # one row per step
            # the update rule alone: identical gradients on both sides
            net, grads = cases.fixed_gradients(dtype)
            tparams = [torch.nn.Parameter(torch.from_numpy(p.copy())) for p in net.parameters()]
            opt = getattr(torch.optim, cls)(tparams, **kwargs)
            for step in grads:
                for tp, g in zip(tparams, step, strict=True):
                    tp.grad = torch.from_numpy(g.copy())
                opt.step()
            for i, (p, tp) in enumerate(zip(net.parameters(), tparams, strict=True)):
                out[f"rule/{dname}/init/{i}"] = p.copy()
                out[f"rule/{dname}/{case}/{i}"] = tp.detach().numpy().copy()
            out[f"rule/{dname}/grad_digest"] = np.array(
                [float(np.sum(g, dtype=np.float64)) for s in grads for g in s])


def main() -> int:
    if torch is None:
        print("make_reference.py needs PyTorch: .venv/bin/python -m pip install torch==2.13.0, "
              "then run it again.", file=sys.stderr)
        return 1
    torch.set_num_threads(1)
    out: dict[str, np.ndarray] = {}
    network_gradients(out)
    saturation(out)
    optimizers(out)
    out["meta/torch_version"] = np.array(torch.__version__)
    np.savez_compressed(OUT, **out)
    print(f"wrote {len(out)} arrays to {OUT} ({OUT.stat().st_size / 1e3:.0f} kB) "
          f"with torch {torch.__version__}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
