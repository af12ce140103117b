"""The fixed, seeded cases of the torch reference: built the same way by the script that asks
torch (make_reference.py) and by the test that asks backprop_lab (tests/test_torch_reference.py).

Every case is a pure function of its name and numpy's seeded generators; no torch here.
"""

from __future__ import annotations

import numpy as np

from backprop_lab import (
    MSE,
    SGD,
    Adam,
    BinaryCrossEntropy,
    Dense,
    LeakyReLU,
    Network,
    ReLU,
    RMSProp,
    Sigmoid,
    SoftmaxCrossEntropy,
    Tanh,
)

DTYPES = {"float64": np.float64, "float32": np.float32}

# ---------------------------------------------------------------- gradients of a network
LOSSES = ("mse", "bce", "ce")


def network_case(loss_name: str, dtype=np.float64):
    """(net, loss, X, y) as tests/test_torch_parity.py's test_forward_backward_match_torch."""
    rng = np.random.default_rng(0)
    out = {"mse": 3, "bce": 3, "ce": 4}[loss_name]
    layers = [Dense(5, 8, rng=1, dtype=dtype), ReLU(), Dense(8, 6, rng=2, dtype=dtype),
              LeakyReLU(0.1), Dense(6, 6, rng=3, dtype=dtype), Tanh(),
              Dense(6, out, rng=4, dtype=dtype)]
    if loss_name == "bce":
        layers.append(Sigmoid())
    net = Network(layers)
    X = rng.standard_normal((16, 5)).astype(dtype)
    if loss_name == "mse":
        y, loss = rng.standard_normal((16, out)).astype(dtype), MSE()
    elif loss_name == "bce":
        y, loss = rng.integers(0, 2, (16, out)).astype(dtype), BinaryCrossEntropy()
    else:
        y, loss = rng.integers(0, out, 16), SoftmaxCrossEntropy()
    return net, loss, X, y


def dense_layers(net):
    return [layer for layer in net.layers if isinstance(layer, Dense)]


# ------------------------------------------------- sigmoid + BCE at saturation, both dtypes
SATURATION = [(-20.0, 1.0), (-25.0, 1.0), (-30.0, 1.0), (20.0, 0.0), (30.0, 1.0), (-5.0, 0.0),
              (0.3, 1.0), (-800.0, 1.0), (800.0, 0.0), (16.2, 0.0)]


def saturation_inputs(z: float, y: float, dtype):
    return np.array([[z, 0.5]], dtype), np.array([[y, 1.0]], dtype)


def saturation_ours(z: float, y: float, dtype):
    """(loss, dP, dZ) of Sigmoid then BinaryCrossEntropy."""
    Z, Y = saturation_inputs(z, y, dtype)
    sigmoid, loss = Sigmoid(), BinaryCrossEntropy()
    L = loss.forward(sigmoid.forward(Z), Y)
    dP = loss.backward()
    return L, dP, sigmoid.backward(dP)


# -------------------------------------------------------------------------- optimizers
# name: (our factory, (torch.optim class name, keyword arguments)); as tests/test_optim.py
OPTIMIZERS = {
    "sgd": (lambda n: SGD(n, lr=0.1), ("SGD", dict(lr=0.1))),
    "sgd-momentum": (lambda n: SGD(n, lr=0.1, momentum=0.9),
                     ("SGD", dict(lr=0.1, momentum=0.9))),
    "sgd-nesterov": (lambda n: SGD(n, lr=0.1, momentum=0.9, nesterov=True),
                     ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True))),
    "sgd-weight-decay": (lambda n: SGD(n, lr=0.1, momentum=0.5, weight_decay=0.05),
                         ("SGD", dict(lr=0.1, momentum=0.5, weight_decay=0.05))),
    "rmsprop": (lambda n: RMSProp(n), ("RMSprop", {})),
    "rmsprop-momentum-wd": (lambda n: RMSProp(n, lr=0.005, alpha=0.9, momentum=0.8,
                                              weight_decay=0.01),
                            ("RMSprop", dict(lr=0.005, alpha=0.9, momentum=0.8,
                                             weight_decay=0.01))),
    "adam": (lambda n: Adam(n, lr=0.01), ("Adam", dict(lr=0.01))),
    "adam-wd": (lambda n: Adam(n, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
                ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1))),
}
STEPS = 10


def small_net(dtype=np.float64):
    """As tests/test_optim.py: Dense(4, 5), Tanh, Dense(5, 3)."""
    return Network([Dense(4, 5, rng=0, dtype=dtype), Tanh(), Dense(5, 3, rng=1, dtype=dtype)])


def small_data(dtype=np.float64):
    rng = np.random.default_rng(0)
    return rng.normal(size=(8, 4)).astype(dtype), rng.integers(0, 3, size=8)


def backward(net, X, y):
    loss = SoftmaxCrossEntropy()
    loss.forward(net.forward(X), y)
    net.backward(loss.backward(), input_grad=False)


def training_ours(case: str, dtype=np.float64) -> list[list[np.ndarray]]:
    """The parameters after each of STEPS steps of training small_net on small_data."""
    net, (X, y) = small_net(dtype), small_data(dtype)
    opt = OPTIMIZERS[case][0](net)
    history = []
    for _ in range(STEPS):
        backward(net, X, y)
        opt.step()
        history.append([p.copy() for p in net.parameters()])
    return history


def fixed_gradients(dtype=np.float64):
    """The parameters of Dense(30, 20) and the STEPS sets of gradients fed to both sides."""
    net = Network([Dense(30, 20, rng=0, dtype=dtype)])
    rng = np.random.default_rng(1)
    grads = [[rng.normal(size=p.shape).astype(dtype) for p in net.parameters()]
             for _ in range(STEPS)]
    return net, grads


def fixed_gradients_ours(case: str, dtype=np.float64) -> list[np.ndarray]:
    """The parameters after STEPS updates on identical gradients (isolates the update rule)."""
    net, grads = fixed_gradients(dtype)
    opt = OPTIMIZERS[case][0](net)
    for step in grads:
        for (_, _, g), new in zip(net.named_parameters(), step, strict=True):
            g[...] = new
        opt.step()
    return [p.copy() for p in net.parameters()]
