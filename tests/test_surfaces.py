"""backprop_lab.surfaces: the bowl's formulas, and descend() against closed forms."""

import numpy as np
import pytest

from backprop_lab import Adam
from backprop_lab.gradcheck import numerical_gradient
from backprop_lab.schedules import CosineLR, StepLR, WarmUp
from backprop_lab.surfaces import Point, Quadratic, descend


def random_spd(d, seed):
    """A random symmetric positive-definite matrix with eigenvalues in [0.5, 5]."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return Q @ np.diag(rng.uniform(0.5, 5.0, d)) @ Q.T


@pytest.mark.parametrize("seed", range(5))
def test_gradient_matches_central_differences(seed):
    bowl = Quadratic(random_spd(3, seed))
    w = np.random.default_rng(100 + seed).standard_normal(3)
    numeric = numerical_gradient(lambda: bowl.loss(w), w)
    np.testing.assert_allclose(bowl.grad(w), numeric, rtol=1e-7, atol=1e-9)


def test_loss_of_many_points_is_the_loss_of_each():
    bowl = Quadratic(random_spd(3, 0))
    W = np.random.default_rng(1).standard_normal((4, 5, 3))
    L = bowl.loss(W)
    assert L.shape == (4, 5)
    assert L[2, 3] == pytest.approx(bowl.loss(W[2, 3]), rel=1e-14)
    assert bowl.loss(W[0, 0]) == pytest.approx(0.5 * W[0, 0] @ bowl.H @ W[0, 0], rel=1e-14)


def test_eigenvalues_ascending_and_rotation_invariant():
    angle = 0.7
    R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    tilted = Quadratic(R @ np.diag([1.0, 10.0]) @ R.T)  # symmetric only to rounding
    np.testing.assert_allclose(tilted.eigenvalues, [1.0, 10.0], rtol=1e-12)
    assert np.array_equal(tilted.H, tilted.H.T)
    assert not tilted.H.flags.writeable


@pytest.mark.parametrize("lr", [0.05, 0.1, 0.17, 0.2, 0.21])
def test_sgd_path_is_the_closed_form(lr):
    H = random_spd(3, 7) * 2
    w0 = np.array([1.0, -2.0, 0.5])
    path, L = descend(Quadratic(H), w0, lr, 25)
    expected = [np.linalg.matrix_power(np.eye(3) - lr * H, t) @ w0 for t in range(26)]
    np.testing.assert_allclose(path, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(L, 0.5 * np.einsum("ti,ij,tj->t", path, H, path), rtol=1e-13)


def test_noise_is_added_to_the_gradient_of_each_step():
    H = np.diag([1.0, 10.0])
    noise = np.random.default_rng(3).standard_normal((6, 2))
    path, _ = descend(Quadratic(H), [1.0, 1.0], 0.05, 6, noise=noise)
    w = np.array([1.0, 1.0])
    for t in range(6):
        w = w - 0.05 * (H @ w + noise[t])
        np.testing.assert_allclose(path[t + 1], w, rtol=1e-14)


@pytest.mark.parametrize("schedule", [StepLR(step_size=3, gamma=0.5), CosineLR(t_max=10),
                                      WarmUp(4, after=CosineLR(t_max=6))])
def test_a_schedule_sets_the_rate_of_each_step(schedule):
    H = np.diag([1.0, 4.0])
    path, _ = descend(Quadratic(H), [1.0, -1.0], 0.2, 10, schedule=schedule)
    rates = schedule.values(0.2, 10)
    w = np.array([1.0, -1.0])
    for t in range(10):
        w = w - rates[t] * (H @ w)
        np.testing.assert_allclose(path[t + 1], w, rtol=1e-13, atol=1e-15)


def test_momentum_follows_the_heavy_ball_recurrence():
    """torch.optim.SGD's momentum: b_1 = g_1, b_t = mu b_(t-1) + g_t, w <- w - lr b_t."""
    H = np.diag([1.0, 10.0])
    path, _ = descend(Quadratic(H), [-1.8, 0.9], 0.02, 15, momentum=0.9)
    w, b = np.array([-1.8, 0.9]), None
    for t in range(15):
        g = H @ w
        b = g.copy() if b is None else 0.9 * b + g
        w = w - 0.02 * b
        np.testing.assert_allclose(path[t + 1], w, rtol=1e-12)


def test_adam_by_class_and_by_name_give_the_same_path():
    bowl = Quadratic(np.diag([1.0, 10.0]))
    by_class, _ = descend(bowl, [-1.8, 0.9], 0.05, 20, optimizer=Adam, betas=(0.8, 0.99))
    by_name, _ = descend(bowl, [-1.8, 0.9], 0.05, 20, optimizer="adam", betas=(0.8, 0.99))
    assert np.array_equal(by_class, by_name)
    # Adam's first step moves every coordinate by lr (times sign): m/sqrt(v) = g/|g|
    np.testing.assert_allclose(by_class[1], [-1.8 + 0.05, 0.9 - 0.05], rtol=1e-6)


def test_a_diverging_path_overflows_quietly():
    with np.errstate(all="raise"):  # descend must not leak floating-point warnings
        path, L = descend(Quadratic(np.diag([1.0, 10.0])), [-1.8, 0.9], 0.3, 1200)
    assert np.isinf(L[-1]) or np.isnan(L[-1])
    assert np.isfinite(L[:100]).all()


def test_zero_steps_return_the_start():
    path, L = descend(Quadratic(np.eye(2)), [3.0, 4.0], 0.1, 0)
    assert path.tolist() == [[3.0, 4.0]] and L.tolist() == [12.5]


def test_the_start_is_not_modified():
    w0 = np.array([1.0, 2.0])
    descend(Quadratic(np.eye(2)), w0, 0.5, 3)
    assert w0.tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("H", "error", "words"),
    [
        (np.ones((2, 3)), ValueError, "square matrix H of shape (d, d)"),
        ([[1.0, 2.0], [0.0, 1.0]], ValueError, "symmetric H"),
        (np.diag([1.0, np.nan]), ValueError, "finite values in H"),
        ([1.0, 2.0], ValueError, "2 dimensions"),
        (np.eye(2, dtype=int), TypeError, "float dtype"),
    ],
)
def test_bad_matrices(H, error, words):
    with pytest.raises(error) as info:
        Quadratic(H)
    assert words in str(info.value), str(info.value)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda b: b.grad([1.0, 2.0, 3.0]), ValueError, "shape (d,) with d = 2, got shape (3,)"),
        (lambda b: b.grad(np.ones((2, 2))), ValueError, "shape (d,) with d = 2"),
        (lambda b: b.loss(np.ones((4, 3))), ValueError, "(..., d) with d = 2"),
        (lambda b: b.loss(["a", "b"]), TypeError, "numeric"),
        (lambda b: descend(b, [1.0, 2.0, 3.0], 0.1, 5), ValueError, "shape (d,) with d = 2"),
        (lambda b: descend(b, [[1.0, 2.0]], 0.1, 5), ValueError, "w0 with 1 dimensions"),
        (lambda b: descend(b, [1.0, 2.0], 0.1, -1), ValueError, "n_steps >= 0"),
        (lambda b: descend(b, [1.0, 2.0], 0.1, 2.5), TypeError, "n_steps to be an integer"),
        (lambda b: descend(b, [1.0, 2.0], 0.0, 5), ValueError, "lr"),
        (lambda b: descend(b, [1.0, 2.0], 0.1, 5, noise=np.zeros((4, 2))), ValueError,
         "noise of shape (n_steps, d) = (5, 2)"),
        (lambda b: descend(b, [1.0, 2.0], 0.1, 5, schedule="cosine"), TypeError,
         "Schedule such as CosineLR"),
        (lambda b: descend(b, [1.0, 2.0], 0.1, 5, optimizer=3),
         TypeError, "optimizer class (SGD, RMSProp, Adam) or its name"),
        (lambda b: descend(b, [1.0, 2.0], 0.1, 5, optimizer="lbfgs"), ValueError, "adam"),
        (lambda b: descend(object(), [1.0, 2.0], 0.1, 5), TypeError,
         "surface with methods loss(w) and grad(w)"),
    ],
)
def test_bad_arguments(call, error, words):
    bowl = Quadratic(np.diag([1.0, 10.0]))
    with pytest.raises(error) as info:
        call(bowl)
    assert words in str(info.value), str(info.value)


def test_a_point_has_no_forward_pass():
    with pytest.raises(TypeError, match="no forward pass"):
        Point([1.0, 2.0]).forward(np.ones((1, 2)))
