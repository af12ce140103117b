"""Hypothesis property tests over shapes, architectures and data (STYLE.md section 6).

Each property holds for every network, batch and data set Hypothesis draws, not only for the
hand-picked cases of the other test files: gradients of whole random networks through every
loss, float32 against float64, save/load round trips, the losses' invariances, and the
preprocessing helpers' bookkeeping.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_lab import (
    MSE,
    BinaryCrossEntropy,
    Dense,
    Network,
    Sigmoid,
    SoftmaxCrossEntropy,
    accuracy,
    confusion_matrix,
    get_activation,
    gradcheck,
    load,
    one_hot,
    save,
    train_test_split,
)
from backprop_lab.preprocessing import Standardizer

# smooth activations only where finite differences must agree to 1e-6: a ReLU kink between
# x - eps and x + eps would fail a correct gradient (the layer tests cover the kinks)
SMOOTH = ["sigmoid", "tanh", "identity"]
ANY = SMOOTH + ["relu", "leaky_relu"]
PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def architectures(draw, activations=SMOOTH, max_depth=3):
    """(sizes, activation names): n_in, hidden widths and n_out, one activation per hidden layer."""
    depth = draw(st.integers(1, max_depth))
    sizes = draw(st.lists(st.integers(1, 6), min_size=depth + 1, max_size=depth + 1))
    acts = draw(st.lists(st.sampled_from(activations), min_size=depth - 1, max_size=depth - 1))
    return sizes, acts


def build(sizes, acts, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    layers = []
    for k, (a, b) in enumerate(zip(sizes, sizes[1:], strict=False)):
        layers.append(Dense(a, b, rng=rng, dtype=dtype))
        if k < len(acts):
            layers.append(get_activation(acts[k]))
    return Network(layers)


@PROPERTY
@given(arch=architectures(), n=st.integers(1, 5), seed=st.integers(0, 2**32 - 1),
       loss_name=st.sampled_from(["mse", "softmax", "bce"]))
def test_every_gradient_of_a_random_network_matches_central_differences(arch, n, seed,
                                                                        loss_name):
    sizes, acts = arch
    if loss_name == "bce":
        sizes = [*sizes[:-1], 1]
    net = build(sizes, acts, seed)
    if loss_name == "bce":
        net.layers.append(Sigmoid())
    rng = np.random.default_rng(seed + 1)
    X = rng.uniform(-1.5, 1.5, (n, sizes[0]))
    if loss_name == "mse":
        loss, y = MSE(), rng.standard_normal((n, sizes[-1]))
    elif loss_name == "softmax":
        loss, y = SoftmaxCrossEntropy(), rng.integers(0, sizes[-1], n)
    else:
        loss, y = BinaryCrossEntropy(), rng.integers(0, 2, (n, 1)).astype(np.float64)
    # tol 1e-4, not gradcheck's 1e-6: through width-1 bottlenecks of saturated sigmoids the
    # first layer's gradient can be ~1e-5 while the central differences' rounding is absolute
    # (about 1e-16 |L| / eps), so a correct gradient measured up to 3.7e-6 in 4,000 random
    # draws and 6.3e-6 in Hypothesis's search. A wrong gradient gives errors of 1e-2 to 1.
    result = gradcheck(net, X, y, loss=loss, tol=1e-4)
    assert result.passed, result


@PROPERTY
@given(arch=architectures(), n=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_backward_returns_one_gradient_per_input_and_parameter_of_their_shapes(arch, n, seed):
    sizes, acts = arch
    net = build(sizes, acts, seed)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, sizes[0]))
    Y = net.forward(X)
    assert Y.shape == (n, sizes[-1])
    dX = net.backward(rng.standard_normal(Y.shape))
    assert dX.shape == X.shape
    for name, param, grad in net.named_parameters():
        assert grad.shape == param.shape and grad.dtype == param.dtype, name
    np.testing.assert_array_equal(net.predict(X), Y)  # predict: the same numbers, no cache


@PROPERTY
@given(arch=architectures(ANY), n=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_float32_stays_float32_and_agrees_with_float64(arch, n, seed):
    sizes, acts = arch
    net64, net32 = build(sizes, acts, seed), build(sizes, acts, seed, np.float32)
    for p64, p32 in zip(net64.parameters(), net32.parameters(), strict=True):
        p32[...] = p64  # the same weights, rounded
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, sizes[0]))
    y = rng.integers(0, sizes[-1], n)
    losses = {}
    for net, dtype in ((net64, np.float64), (net32, np.float32)):
        loss = SoftmaxCrossEntropy()
        Y = net.forward(X.astype(dtype))
        assert Y.dtype == dtype
        losses[dtype] = loss.forward(Y, y)
        dX = net.backward(loss.backward())
        assert dX.dtype == dtype
        assert all(g.dtype == dtype for _, _, g in net.named_parameters())
    assert losses[np.float32] == pytest.approx(losses[np.float64], rel=1e-4, abs=1e-5)
    for (_, _, g64), (_, _, g32) in zip(net64.named_parameters(), net32.named_parameters(),
                                        strict=True):
        np.testing.assert_allclose(g32, g64, rtol=2e-3, atol=2e-5)


@PROPERTY
@given(arch=architectures(ANY), seed=st.integers(0, 2**32 - 1),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_save_then_load_gives_the_same_network_bit_for_bit(tmp_path, arch, seed, dtype):
    sizes, acts = arch
    net = build(sizes, acts, seed, dtype)
    path = save(net, tmp_path / f"net-{seed}.npz")
    back = load(path)
    assert [type(layer) for layer in back.layers] == [type(layer) for layer in net.layers]
    for (n1, p1, _), (n2, p2, _) in zip(net.named_parameters(), back.named_parameters(),
                                        strict=True):
        assert n1 == n2
        np.testing.assert_array_equal(p1, p2, strict=True)
    X = np.random.default_rng(seed).standard_normal((4, sizes[0])).astype(dtype)
    np.testing.assert_array_equal(back.predict(X), net.predict(X), strict=True)


@PROPERTY
@given(n=st.integers(1, 6), k=st.integers(2, 6), seed=st.integers(0, 2**32 - 1),
       shift=st.floats(-50, 50))
def test_softmax_cross_entropy_ignores_a_constant_added_to_a_row(n, k, seed, shift):
    """softmax(z + c) = softmax(z), so loss and gradient do not change; and each gradient row
    sums to zero (the probabilities sum to one)."""
    rng = np.random.default_rng(seed)
    Z, y = rng.normal(0, 3, (n, k)), rng.integers(0, k, n)
    loss = SoftmaxCrossEntropy()
    value, dZ = loss.forward(Z, y), loss.backward()
    assert loss.forward(Z + shift, y) == pytest.approx(value, rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(loss.backward(), dZ, atol=1e-12)
    np.testing.assert_allclose(dZ.sum(axis=1), 0.0, atol=1e-15)
    assert value >= 0


@PROPERTY
@given(n=st.integers(2, 60), k=st.integers(1, 5), seed=st.integers(0, 2**32 - 1),
       test_size=st.floats(0.1, 0.9), stratify=st.booleans())
def test_train_test_split_is_a_partition_of_the_rows(n, k, seed, test_size, stratify):
    rng = np.random.default_rng(seed)
    X = np.arange(n, dtype=np.float64).reshape(n, 1)  # each row names itself
    y = rng.integers(0, k, n)
    try:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, rng=seed,
                                                  stratify=stratify)
    except ValueError as err:  # too few rows (or too few of a class) for a non-empty split
        assert "expected" in str(err)
        return
    rows = np.concatenate([X_tr[:, 0], X_te[:, 0]]).astype(int)
    assert sorted(rows) == list(range(n))  # every row exactly once
    np.testing.assert_array_equal(np.concatenate([y_tr, y_te]), y[rows])  # labels travel along
    assert len(X_te) >= 1 and len(X_tr) >= 1


@PROPERTY
@given(n=st.integers(1, 50), k=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_one_hot_confusion_matrix_and_accuracy_agree(n, k, seed):
    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.integers(0, k, n), rng.integers(0, k, n)
    Y = one_hot(y_true, n_classes=k)
    assert Y.shape == (n, k) and (Y.sum(axis=1) == 1).all()
    np.testing.assert_array_equal(Y.argmax(axis=1), y_true)
    C = confusion_matrix(y_true, y_pred, n_classes=k)
    assert C.sum() == n
    np.testing.assert_array_equal(C.sum(axis=1), np.bincount(y_true, minlength=k))
    assert np.trace(C) / n == accuracy(y_true, y_pred)


@PROPERTY
@given(n=st.integers(2, 30), d=st.integers(1, 5), seed=st.integers(0, 2**32 - 1),
       scale=st.floats(1e-3, 1e3), offset=st.floats(-1e3, 1e3))
def test_standardizer_centres_scales_and_inverts(n, d, seed, scale, offset):
    X = np.random.default_rng(seed).standard_normal((n, d)) * scale + offset
    s = Standardizer()
    Z = s.fit_transform(X)
    # float64 rounding: centring loses about eps |X| per entry, which the division by the
    # column's spread magnifies (offset 512 with spread 1e-3 leaves means of 1e-9)
    std = X.std(axis=0)
    spread = std > 1e-9 * (np.abs(X).max(axis=0) + 1)
    rounding = 100 * np.finfo(np.float64).eps * np.abs(X).max(axis=0) / np.where(spread, std, 1)
    assert (np.abs(Z.mean(axis=0))[spread] <= rounding[spread]).all()
    assert (np.abs(Z.std(axis=0) - 1)[spread] <= rounding[spread]).all()
    np.testing.assert_allclose(s.inverse_transform(Z), X, rtol=1e-12, atol=0)
