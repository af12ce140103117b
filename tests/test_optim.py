"""Optimizers: hand formulas, step-for-step parity with torch.optim, state, errors."""

from __future__ import annotations

import numpy as np
import pytest

# the small network, data and backward pass the torch reference values were made with
from torch_reference.cases import backward, small_net
from torch_reference.cases import small_data as data

from backprop_lab import (
    SGD,
    Adam,
    Dense,
    Network,
    RMSProp,
    get_optimizer,
)


def snapshot(net):
    return [p.copy() for p in net.parameters()]


# -- hand formulas, no torch ---------------------------------------------------------------

def test_plain_sgd_matches_hand_formula():
    net, (X, y) = small_net(), data()
    opt = SGD(net, lr=0.1)
    for _ in range(3):
        backward(net, X, y)
        before = snapshot(net)
        grads = [g.copy() for _, _, g in net.named_parameters()]
        opt.step()
        for p, b, g in zip(net.parameters(), before, grads, strict=True):
            np.testing.assert_array_equal(p, b - 0.1 * g)


def test_momentum_buffer_starts_at_first_gradient():
    net, (X, y) = small_net(), data()
    opt = SGD(net, lr=0.1, momentum=0.9)
    backward(net, X, y)
    g1 = [g.copy() for _, _, g in net.named_parameters()]
    before = snapshot(net)
    opt.step()
    for p, b, g in zip(net.parameters(), before, g1, strict=True):
        np.testing.assert_array_equal(p, b - 0.1 * g)  # b_1 = g_1, not (1 - mu) g_1
    for v, g in zip(opt.velocity, g1, strict=True):
        np.testing.assert_array_equal(v, g)


def test_adam_first_step_moves_each_weight_by_about_lr():
    # after one step m_hat = g and v_hat = g^2, so the update is lr * g / (|g| + eps)
    net, (X, y) = small_net(), data()
    backward(net, X, y)
    before = snapshot(net)
    grads = [g.copy() for _, _, g in net.named_parameters()]
    Adam(net, lr=0.01).step()
    for p, b, g in zip(net.parameters(), before, grads, strict=True):
        np.testing.assert_allclose(b - p, 0.01 * g / (np.abs(g) + 1e-8), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("make", [
    lambda n: SGD(n, lr=0.1),
    lambda n: SGD(n, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    lambda n: RMSProp(n, momentum=0.5),
    lambda n: Adam(n, weight_decay=0.1),
])
def test_updates_in_place_and_never_rebinds(make):
    net, (X, y) = small_net(), data()
    ids = [(id(layer.params[k]), id(layer.grads[k])) for layer in net.layers for k in layer.params]
    opt = make(net)
    for _ in range(3):
        backward(net, X, y)
        opt.step()
    after = [(id(layer.params[k]), id(layer.grads[k])) for layer in net.layers
             for k in layer.params]
    assert ids == after


@pytest.mark.parametrize("make", [
    lambda n: SGD(n, lr=0.1, momentum=0.9, weight_decay=0.1),
    lambda n: RMSProp(n, momentum=0.5, weight_decay=0.1),
    lambda n: Adam(n, weight_decay=0.1),
])
def test_float32_stays_float32_and_grads_are_not_modified(make):
    net, (X, y) = small_net(np.float32), data(np.float32)
    opt = make(net)
    backward(net, X, y)
    grads = [g.copy() for _, _, g in net.named_parameters()]
    opt.step()
    assert all(p.dtype == np.float32 for p in net.parameters())
    for (_, _, g), g0 in zip(net.named_parameters(), grads, strict=True):
        np.testing.assert_array_equal(g, g0)  # weight decay used a scratch buffer


def test_zero_grad_and_lr_attribute():
    net, (X, y) = small_net(), data()
    opt = SGD(net, lr=0.1)
    backward(net, X, y)
    opt.zero_grad()
    assert all(not g.any() for _, _, g in net.named_parameters())
    before = snapshot(net)
    backward(net, X, y)
    grads = [g.copy() for _, _, g in net.named_parameters()]
    opt.lr = 0.5  # schedules change this attribute between steps
    opt.step()
    for p, b, g in zip(net.parameters(), before, grads, strict=True):
        np.testing.assert_array_equal(p, b - 0.5 * g)
    assert opt.base_lr == 0.1 and opt.t == 1


def test_defaults_follow_torch():
    net = small_net()
    assert SGD(net).lr == 1e-3
    rms = RMSProp(net)
    assert (rms.lr, rms.alpha, rms.eps, rms.momentum) == (0.01, 0.99, 1e-8, 0.0)
    adam = Adam(net)
    assert (adam.lr, adam.betas, adam.eps, adam.weight_decay) == (1e-3, (0.9, 0.999), 1e-8, 0.0)


def test_get_optimizer():
    net = small_net()
    assert isinstance(get_optimizer("adam", net, lr=0.01), Adam)
    assert isinstance(get_optimizer("RMSProp", net), RMSProp)
    m = get_optimizer("momentum", net, lr=0.1)
    assert isinstance(m, SGD) and m.momentum == 0.9
    assert get_optimizer("sgd", net, lr=0.1).momentum == 0.0
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'. Valid names are: 'sgd'"):
        get_optimizer("adamw", net)
    with pytest.raises(TypeError, match=r"Adam has no option 'foo'. It accepts lr, betas, eps"):
        get_optimizer("adam", net, foo=1)
    with pytest.raises(TypeError, match=r"SGD has no option 'betas'. It accepts lr, momentum"):
        get_optimizer("momentum", net, betas=(0.9, 0.99))


def test_repr():
    net = small_net()
    assert repr(SGD(net, lr=0.1, momentum=0.9)) == "SGD(lr=0.1, momentum=0.9)"
    assert repr(Adam(net)) == "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08)"


# -- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, match", [
    ({"lr": -0.1}, ValueError,
     r"SGD\(\) expected lr > 0, got -0.1. Choose a learning rate such as 0.01."),
    ({"lr": 0}, ValueError, r"SGD\(\) expected lr > 0, got 0.0"),
    ({"lr": float("inf")}, ValueError, r"SGD\(\) expected a finite lr > 0, got inf"),
    ({"lr": float("nan")}, ValueError, r"SGD\(\) expected a finite lr > 0, got nan"),
    ({"lr": "0.1"}, TypeError, r"SGD\(\) expected lr to be a number"),
    ({"lr": 0.1, "momentum": 1.0}, ValueError, r"expected 0 <= momentum < 1, got 1.0"),
    ({"lr": 0.1, "momentum": -0.1}, ValueError, r"expected 0 <= momentum < 1"),
    ({"lr": 0.1, "nesterov": True}, ValueError, r"nesterov=True needs momentum > 0"),
    ({"lr": 0.1, "nesterov": 1}, TypeError, r"nesterov to be True or False"),
    ({"lr": 0.1, "weight_decay": -1.0}, ValueError, r"finite weight_decay >= 0"),
])
def test_sgd_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        SGD(small_net(), **kwargs)


@pytest.mark.parametrize("make, error, match", [
    (lambda n: Adam(n, betas=(1.0, 0.999)), ValueError, r"expected 0 <= betas\[0\] < 1, got 1.0"),
    (lambda n: Adam(n, betas=(0.9, -0.1)), ValueError, r"expected 0 <= betas\[1\] < 1"),
    (lambda n: Adam(n, betas=0.9), TypeError, r"betas to be a pair"),
    (lambda n: Adam(n, eps=0.0), ValueError, r"Adam\(\) expected a finite eps > 0, got 0.0"),
    (lambda n: Adam(n, lr=-1), ValueError, r"Adam\(\) expected lr > 0, got -1.0"),
    (lambda n: RMSProp(n, alpha=1.5), ValueError, r"expected 0 <= alpha < 1, got 1.5"),
    (lambda n: RMSProp(n, eps=-1e-8), ValueError, r"finite eps > 0"),
    (lambda n: RMSProp(n, momentum=1), ValueError, r"0 <= momentum < 1"),
])
def test_adaptive_errors(make, error, match):
    with pytest.raises(error, match=match):
        make(small_net())


def test_net_must_be_a_network():
    with pytest.raises(TypeError, match=r"SGD\(\) expected a Network as its first argument"):
        SGD([Dense(2, 2)], lr=0.1)
    with pytest.raises(TypeError, match=r"Adam\(\) expected a Network"):
        Adam(Dense(2, 2))


# -- parity with torch.optim, float64, step for step ----------------------------------------

def _torch_model(torch, net):
    model = torch.nn.Sequential(
        torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)
    ).double()
    with torch.no_grad():
        for lin, dense in ((model[0], net.layers[0]), (model[2], net.layers[2])):
            lin.weight.copy_(torch.from_numpy(dense.params["W"].T.copy()))
            lin.bias.copy_(torch.from_numpy(dense.params["b"]))
    return model


def _torch_params(model):
    return [model[0].weight.detach().numpy().T, model[0].bias.detach().numpy(),
            model[2].weight.detach().numpy().T, model[2].bias.detach().numpy()]


TORCH_CASES = {
    "sgd": (lambda n: SGD(n, lr=0.1), lambda o, p: o.SGD(p, lr=0.1)),
    "sgd-momentum": (lambda n: SGD(n, lr=0.1, momentum=0.9),
                     lambda o, p: o.SGD(p, lr=0.1, momentum=0.9)),
    "sgd-nesterov": (lambda n: SGD(n, lr=0.1, momentum=0.9, nesterov=True),
                     lambda o, p: o.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    "sgd-weight-decay": (lambda n: SGD(n, lr=0.1, momentum=0.5, weight_decay=0.05),
                         lambda o, p: o.SGD(p, lr=0.1, momentum=0.5, weight_decay=0.05)),
    "rmsprop": (lambda n: RMSProp(n), lambda o, p: o.RMSprop(p)),
    "rmsprop-momentum-wd": (lambda n: RMSProp(n, lr=0.005, alpha=0.9, momentum=0.8,
                                              weight_decay=0.01),
                            lambda o, p: o.RMSprop(p, lr=0.005, alpha=0.9, momentum=0.8,
                                                   weight_decay=0.01)),
    "adam": (lambda n: Adam(n, lr=0.01), lambda o, p: o.Adam(p, lr=0.01)),
    "adam-wd": (lambda n: Adam(n, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
                lambda o, p: o.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6,
                                    weight_decay=0.1)),
}


@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_matches_torch_step_for_step(case):
    torch = pytest.importorskip("torch")
    ours_factory, theirs_factory = TORCH_CASES[case]
    net, (X, y) = small_net(), data()
    model = _torch_model(torch, net)
    ours, theirs = ours_factory(net), theirs_factory(torch.optim, model.parameters())
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(10):
        backward(net, X, y)
        theirs.zero_grad()
        torch.nn.functional.cross_entropy(model(Xt), yt).backward()
        ours.step()
        theirs.step()
        for p, q in zip(net.parameters(), _torch_params(model), strict=True):
            np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_update_rule_matches_torch_on_identical_gradients(case):
    # The same gradients fed to both: isolates the update rule from the backward pass.
    # torch fuses multiply-add (FMA) where numpy rounds twice, so allow one-ulp drift.
    torch = pytest.importorskip("torch")
    ours_factory, theirs_factory = TORCH_CASES[case]
    net = Network([Dense(30, 20, rng=0)])
    tparams = [torch.nn.Parameter(torch.from_numpy(p.copy())) for p in net.parameters()]
    ours, theirs = ours_factory(net), theirs_factory(torch.optim, tparams)
    rng = np.random.default_rng(1)
    for _ in range(10):
        for (_, _, g), tp in zip(net.named_parameters(), tparams, strict=True):
            g[...] = rng.normal(size=g.shape)
            tp.grad = torch.from_numpy(g.copy())
        ours.step()
        theirs.step()
    for p, tp in zip(net.parameters(), tparams, strict=True):
        np.testing.assert_allclose(p, tp.detach().numpy(), rtol=1e-13, atol=1e-14)


# -- audit A ------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda n: SGD(n, lr=0.1), lambda n: Adam(n, lr=0.1),
                                  lambda n: RMSProp(n, lr=0.1)])
def test_step_refuses_a_rebound_gradient_of_another_shape_before_updating(make):
    net = Network([Dense(2, 8, rng=0), Dense(8, 1, rng=1)])
    opt = make(net)
    before = [p.copy() for p in net.parameters()]
    net.layers[1].grads["W"] = np.ones((3, 3))
    with pytest.raises(ValueError, match=r"step\(\): the gradient of parameter 1.W must be an "
                                         r"array of its shape \(8, 1\) and dtype float64, got an "
                                         r"array of shape \(3, 3\).*No parameter was updated"):
        opt.step()
    assert opt.t == 0
    assert all((a == b).all() for a, b in zip(before, net.parameters(), strict=True))
    net.layers[1].grads["W"] = np.zeros((8, 1), np.float32)
    with pytest.raises(ValueError, match=r"got an array of shape \(8, 1\) and dtype float32"):
        opt.step()
    net.layers[1].grads["W"] = np.zeros((8, 1))  # re-bound correctly: fine
    opt.step()
    assert opt.t == 1


def test_adam_moments_are_torch_exp_avg_and_exp_avg_sq():
    """After one step from zero moments: exp_avg = (1-beta1) g and exp_avg_sq = (1-beta2) g^2
    (torch's state), although Adam stores them rescaled."""
    net = Network([Dense(3, 2, rng=0)])
    opt = Adam(net, lr=0.01, betas=(0.8, 0.95))
    g = np.random.default_rng(1).standard_normal((3, 2))
    net.layers[0].grads["W"][:] = g
    net.layers[0].grads["b"][:] = 0.0
    opt.step()
    np.testing.assert_allclose(opt.exp_avg[0], 0.2 * g, rtol=1e-12)
    np.testing.assert_allclose(opt.exp_avg_sq[0], 0.05 * g**2, rtol=1e-12)


def test_zero_grad_clears_the_same_arrays_in_place():
    net = Network([Dense(3, 2, rng=0)])
    opt = SGD(net, lr=0.1)
    held = net.layers[0].grads["W"]
    held[:] = 1.0
    opt.zero_grad()
    assert net.layers[0].grads["W"] is held
    assert not held.any()


# -- the rules as the book prints them, the options as declared ------------------------------

def test_sgd_rule_is_short_enough_for_the_book_to_print():
    """book/learning_rate.ipynb prints inspect.getsource(SGD._update): at most 76 characters a
    line (the output box), and short enough to read as the rule."""
    import inspect

    lines = inspect.getsource(SGD._update).splitlines()
    assert max(len(line) for line in lines) <= 76
    assert len(lines) <= 20
    source = "\n".join(lines)
    for step in ("b *= self.momentum", "b += g", "param -= self.lr * g"):
        assert step in source


@pytest.mark.parametrize("cls", [SGD, RMSProp, Adam])
def test_every_option_is_declared_and_checked(cls):
    """The constructor's options are exactly the class's _OPTIONS table, and each entry
    checks its own option (a string is refused, naming the option)."""
    import inspect

    options = [p for p in inspect.signature(cls).parameters if p not in ("net", "lr")]
    assert options == list(cls._OPTIONS)
    for name in options:
        with pytest.raises(TypeError, match=rf"{cls.__name__}\(\) expected {name} to be"):
            cls(small_net(), **{name: "0.5"})


def test_hand_formulas_of_nesterov_rmsprop_and_adam_with_weight_decay():
    """Two steps of each rule against the formulas of the docstrings, in float64."""
    g1, g2 = np.array([[0.5, -2.0]]), np.array([[-1.0, 0.25]])
    lr, mu, wd = 0.1, 0.9, 0.01

    def run(make):
        net = Network([Dense(1, 2, init="zeros")])
        net.layers[0].params["W"][...] = [[1.0, -1.0]]
        opt = make(net)
        for g in (g1, g2):
            net.layers[0].grads["W"][...] = g
            opt.step()
        return net.layers[0].params["W"]

    w = np.array([[1.0, -1.0]])
    d = g1 + wd * w
    b = d
    w = w - lr * (d + mu * b)
    d = g2 + wd * w
    b = mu * b + d
    w = w - lr * (d + mu * b)
    got = run(lambda n: SGD(n, lr=lr, momentum=mu, nesterov=True, weight_decay=wd))
    np.testing.assert_allclose(got, w, rtol=1e-15)

    alpha, eps = 0.9, 1e-6
    w, v, b = np.array([[1.0, -1.0]]), 0.0, 0.0
    for g in (g1, g2):
        d = g + wd * w
        v = alpha * v + (1 - alpha) * d**2
        b = mu * b + d / (np.sqrt(v) + eps)
        w = w - lr * b
    got = run(lambda n: RMSProp(n, lr=lr, alpha=alpha, eps=eps, momentum=mu, weight_decay=wd))
    np.testing.assert_allclose(got, w, rtol=1e-14)

    beta1, beta2 = 0.8, 0.95
    w, m, v = np.array([[1.0, -1.0]]), 0.0, 0.0
    for t, g in enumerate((g1, g2), start=1):
        d = g + wd * w
        m = beta1 * m + (1 - beta1) * d
        v = beta2 * v + (1 - beta2) * d**2
        w = w - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    got = run(lambda n: Adam(n, lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=wd))
    np.testing.assert_allclose(got, w, rtol=1e-13)


def test_an_option_a_subclass_did_not_declare_is_a_clear_error():
    from backprop_lab import Optimizer

    class Clipped(Optimizer):
        _OPTIONS = {"clip": lambda value, name, who: float(value)}

        def __init__(self, net, lr=0.1, clip=1.0, **options):
            super().__init__(net, lr, clip=clip, **options)

        def _update(self, i, param, grad):
            param -= self.lr * np.clip(grad, -self.clip, self.clip)

    assert Clipped(small_net(), clip=2).clip == 2.0
    with pytest.raises(TypeError, match=r"Clipped\(\) got the option 'decay', which "
                                        r"Clipped._OPTIONS does not declare"):
        Clipped(small_net(), decay=0.1)
