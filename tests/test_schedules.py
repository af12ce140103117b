"""Learning-rate schedules: closed forms, torch's schedulers, driving an optimizer, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from backprop_lab import (
    SGD,
    ConstantLR,
    CosineLR,
    Dense,
    ExponentialLR,
    Network,
    StepLR,
    WarmUp,
)

BASE = 0.1
N = 30


def test_constant():
    np.testing.assert_array_equal(ConstantLR().values(BASE, 5), np.full(5, BASE))


def test_step_closed_form():
    sched = StepLR(step_size=7, gamma=0.5)
    expected = [BASE * 0.5 ** (t // 7) for t in range(N)]
    np.testing.assert_array_equal(sched.values(BASE, N), expected)
    assert StepLR(3)(3, 1.0) == pytest.approx(0.1)  # default gamma 0.1


def test_exponential_closed_form():
    np.testing.assert_array_equal(ExponentialLR(0.9).values(BASE, N),
                                  [BASE * 0.9**t for t in range(N)])


def test_cosine_closed_form_and_endpoints():
    sched = CosineLR(t_max=20, lr_min=0.001)
    expected = [0.001 + (BASE - 0.001) * (1 + math.cos(math.pi * t / 20)) / 2 for t in range(N)]
    np.testing.assert_array_equal(sched.values(BASE, N), expected)
    assert sched(0, BASE) == BASE
    assert sched(20, BASE) == pytest.approx(0.001, abs=1e-15)
    assert sched(10, BASE) == pytest.approx((BASE + 0.001) / 2)


def test_warmup_then_constant_and_then_schedule():
    np.testing.assert_allclose(WarmUp(4).values(1.0, 6), [0.25, 0.5, 0.75, 1.0, 1.0, 1.0])
    sched = WarmUp(5, after=CosineLR(t_max=10))
    values = sched.values(BASE, 20)
    np.testing.assert_allclose(values[:5], BASE * np.arange(1, 6) / 5)
    np.testing.assert_array_equal(values[5:], CosineLR(10).values(BASE, 15))


def test_values_is_the_function_tabulated():
    sched = WarmUp(3, after=StepLR(4, gamma=0.3))
    values = sched.values(0.05, 12)
    assert values.shape == (12,) and values.dtype == np.float64
    assert [sched(t, 0.05) for t in range(12)] == list(values)


def test_apply_sets_optimizer_lr_from_base_lr():
    opt = SGD(Network([Dense(2, 1, rng=0)]), lr=0.2)
    sched = StepLR(2, gamma=0.5)
    assert sched.apply(opt, 4) == pytest.approx(0.05)
    assert opt.lr == pytest.approx(0.05)
    assert opt.base_lr == 0.2  # the base is not compounded
    sched.apply(opt, 0)
    assert opt.lr == 0.2


@pytest.mark.parametrize("optimizer, t, error, match", [
    (None, 0, TypeError, r"apply\(\) expected a backprop_lab Optimizer \(SGD, RMSProp or Adam\), "
                         r"got NoneType. Pass the optimizer"),
    ("net", 0, TypeError, r"expected a backprop_lab Optimizer .* got Network"),
    ("sgd", -1, ValueError, r"StepLR\(step_size=2, gamma=0.5\).apply\(\) expected a step index "
                           r"t >= 0, got -1"),
    ("sgd", 1.0, TypeError, r"apply\(\) expected the step index t to be an integer, got 1.0"),
])
def test_apply_checks_optimizer_and_step(optimizer, t, error, match):
    net = Network([Dense(2, 1, rng=0)])
    optimizer = {"net": net, "sgd": SGD(net, lr=0.2)}.get(optimizer)
    with pytest.raises(error, match=match):
        StepLR(2, gamma=0.5).apply(optimizer, t)


def test_reprs():
    assert repr(StepLR(5)) == "StepLR(step_size=5, gamma=0.1)"
    assert repr(WarmUp(2, after=ExponentialLR(0.9))) == (
        "WarmUp(warmup_steps=2, after=ExponentialLR(gamma=0.9))"
    )
    assert repr(CosineLR(10)) == "CosineLR(t_max=10, lr_min=0)"


@pytest.mark.parametrize("make, error, match", [
    (lambda: StepLR(0), ValueError, r"StepLR\(\) expected step_size >= 1, got 0"),
    (lambda: StepLR(2.5), TypeError, r"StepLR\(\) expected step_size to be an integer"),
    (lambda: StepLR(2, gamma=0.0), ValueError, r"expected 0 < gamma <= 1 .* got 0.0"),
    (lambda: ExponentialLR(1.5), ValueError, r"ExponentialLR\(\) expected 0 < gamma <= 1"),
    (lambda: ExponentialLR("0.9"), TypeError, r"gamma to be a number"),
    (lambda: CosineLR(0), ValueError, r"CosineLR\(\) expected t_max >= 1"),
    (lambda: CosineLR(10, lr_min=-0.1), ValueError, r"finite lr_min >= 0, got -0.1"),
    (lambda: WarmUp(0), ValueError, r"WarmUp\(\) expected warmup_steps >= 1"),
    (lambda: WarmUp(3, after=0.1), TypeError, r"after to be a schedule such as CosineLR"),
    (lambda: StepLR(2)(-1, 0.1), ValueError, r"expected a step index t >= 0, got -1"),
    (lambda: StepLR(2)(1.5, 0.1), TypeError, r"step index t to be an integer"),
    (lambda: StepLR(2)(1, -0.1), ValueError, r"finite base_lr > 0, got -0.1"),
    (lambda: StepLR(2).values(0.1, 0), ValueError, r"values\(\) expected n >= 1"),
])
def test_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


# -- against torch.optim.lr_scheduler ----------------------------------------------------------

def _torch_lrs(torch, make_scheduler, n):
    param = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([param], lr=BASE)
    sched = make_scheduler(torch.optim.lr_scheduler, opt)
    lrs = []
    for _ in range(n):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(lrs)


@pytest.mark.parametrize("ours, theirs", [
    (StepLR(7, gamma=0.5), lambda s, o: s.StepLR(o, step_size=7, gamma=0.5)),
    (ExponentialLR(0.9), lambda s, o: s.ExponentialLR(o, gamma=0.9)),
    (CosineLR(t_max=N, lr_min=0.001), lambda s, o: s.CosineAnnealingLR(o, T_max=N, eta_min=0.001)),
    (WarmUp(5), lambda s, o: s.LinearLR(o, start_factor=1 / 5, total_iters=4)),
    (WarmUp(5, after=CosineLR(t_max=20)),
     lambda s, o: s.SequentialLR(o, [s.LinearLR(o, start_factor=1 / 5, total_iters=4),
                                     s.CosineAnnealingLR(o, T_max=20)], milestones=[5])),
], ids=["step", "exponential", "cosine", "warmup", "warmup-cosine"])
def test_matches_torch_schedulers(ours, theirs):
    torch = pytest.importorskip("torch")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's SequentialLR warns about its internals
        expected = _torch_lrs(torch, theirs, N)
    np.testing.assert_allclose(ours.values(BASE, N), expected, rtol=1e-12, atol=1e-15)


# -- audit A ------------------------------------------------------------------------------------
def test_a_schedule_may_reach_lr_zero_and_training_carries_on():
    from backprop_lab import datasets, fit

    X, y = datasets.make_moons(40, rng=0)
    net = Network([Dense(2, 2, rng=0)])
    opt = SGD(net, lr=0.1)
    history = fit(net, "cross_entropy", opt, X, y, epochs=3, batch_size=8,
                  schedule=CosineLR(t_max=2))
    assert history.lr == [0.1, pytest.approx(0.05), 0.0]
    before = [p.copy() for p in net.parameters()]
    opt.step()  # a step of size 0 changes nothing
    assert all((a == b).all() for a, b in zip(before, net.parameters(), strict=True))
    assert ExponentialLR(1e-200).apply(opt, 2) == 0.0  # underflows to 0: allowed too
    with pytest.raises(ValueError, match=r"Setting SGD.lr: expected lr > 0, got 0.0"):
        opt.lr = 0.0  # by hand, 0 is still refused
    with pytest.raises(ValueError, match=r"SGD\(\) expected lr > 0, got 0"):
        SGD(net, lr=0)


def test_cosine_lr_min_above_the_base_rate_is_refused():
    for call in (lambda: CosineLR(4, lr_min=1.0).values(0.1, 3),
                 lambda: CosineLR(4, lr_min=1.0)(0, 0.1),
                 lambda: WarmUp(2, after=CosineLR(4, lr_min=1.0)).values(0.1, 3)):
        with pytest.raises(ValueError, match=r"lr_min=1 is above the base learning rate 0.1, so "
                                             r"the schedule would raise the rate"):
            call()
