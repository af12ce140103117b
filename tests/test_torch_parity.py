"""Forward and backward of the core against PyTorch in float64 (skipped without torch)."""

import numpy as np
import pytest

from backprop_lab import (
    MSE,
    BinaryCrossEntropy,
    Dense,
    LeakyReLU,
    Network,
    ReLU,
    Sigmoid,
    SoftmaxCrossEntropy,
    Tanh,
)

torch = pytest.importorskip("torch")

TOL = dict(rtol=1e-12, atol=1e-14)


def torch_model(net):
    """The same architecture and weights as a torch.nn.Sequential (float64)."""
    mods = []
    for layer in net.layers:
        if isinstance(layer, Dense):
            lin = torch.nn.Linear(layer.n_in, layer.n_out, dtype=torch.float64)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(layer.params["W"].T.copy()))
                lin.bias.copy_(torch.from_numpy(layer.params["b"]))
            mods.append(lin)
        elif isinstance(layer, LeakyReLU):
            mods.append(torch.nn.LeakyReLU(layer.alpha))
        else:
            kind = {ReLU: torch.nn.ReLU, Tanh: torch.nn.Tanh, Sigmoid: torch.nn.Sigmoid}
            mods.append(kind[type(layer)]())
    return torch.nn.Sequential(*mods)


@pytest.mark.parametrize(
    "loss_name", ["mse", "bce", "ce"],
)
def test_forward_backward_match_torch(loss_name):
    rng = np.random.default_rng(0)
    out = {"mse": 3, "bce": 3, "ce": 4}[loss_name]
    layers = [Dense(5, 8, rng=1), ReLU(), Dense(8, 6, rng=2), LeakyReLU(0.1), Dense(6, 6, rng=3),
              Tanh(), Dense(6, out, rng=4)]
    if loss_name == "bce":
        layers.append(Sigmoid())
    net = Network(layers)
    X = rng.standard_normal((16, 5))
    if loss_name == "mse":
        y, loss, tloss = rng.standard_normal((16, out)), MSE(), torch.nn.MSELoss()
        ty = torch.from_numpy(y)
    elif loss_name == "bce":
        y = rng.integers(0, 2, (16, out)).astype(np.float64)
        loss, tloss, ty = BinaryCrossEntropy(), torch.nn.BCELoss(), torch.from_numpy(y)
    else:
        y = rng.integers(0, out, 16)
        loss, tloss, ty = SoftmaxCrossEntropy(), torch.nn.CrossEntropyLoss(), torch.from_numpy(y)

    model = torch_model(net)
    tX = torch.from_numpy(X).requires_grad_(True)
    tL = tloss(model(tX), ty)
    tL.backward()

    L = loss.forward(net.forward(X), y)
    dX = net.backward(loss.backward())
    assert L == pytest.approx(tL.item(), rel=1e-13)
    np.testing.assert_allclose(dX, tX.grad.numpy(), **TOL)
    tlin = [m for m in model if isinstance(m, torch.nn.Linear)]
    dense = [layer for layer in net.layers if isinstance(layer, Dense)]
    for ours, theirs in zip(dense, tlin, strict=True):
        np.testing.assert_allclose(ours.grads["W"], theirs.weight.grad.numpy().T, **TOL)
        np.testing.assert_allclose(ours.grads["b"], theirs.bias.grad.numpy(), **TOL)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("z", "y"),
    [(-20.0, 1.0), (-25.0, 1.0), (-30.0, 1.0), (20.0, 0.0), (30.0, 1.0), (-5.0, 0.0),
     (0.3, 1.0), (-800.0, 1.0), (800.0, 0.0), (16.2, 0.0)],
)
def test_sigmoid_bce_match_torch_at_saturation(dtype, z, y):
    """Confident mistakes and saturated outputs: the same loss and gradients as BCELoss (torch
    clamps each log at -100 and p(1-p) at 1e-12), in float32 as well as float64."""
    Z = np.array([[z, 0.5]], dtype)
    Y = np.array([[y, 1.0]], dtype)
    sigmoid, loss = Sigmoid(), BinaryCrossEntropy()
    L = loss.forward(sigmoid.forward(Z), Y)
    dP = loss.backward()
    dZ = sigmoid.backward(dP)
    tdtype = {np.float32: torch.float32, np.float64: torch.float64}[dtype]
    tZ = torch.tensor(Z, dtype=tdtype, requires_grad=True)
    tP = torch.sigmoid(tZ)
    tP.retain_grad()
    tL = torch.nn.BCELoss()(tP, torch.tensor(Y, dtype=tdtype))
    tL.backward()
    rtol = 1e-6 if dtype == np.float32 else 1e-13
    assert dZ.dtype == dtype
    assert L == pytest.approx(tL.item(), rel=rtol)
    np.testing.assert_allclose(dP, tP.grad.numpy(), rtol=rtol)
    np.testing.assert_allclose(dZ, tZ.grad.numpy(), rtol=rtol, atol=1e-30)
