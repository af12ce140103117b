"""fit(): learning, mini-batches, determinism, divergence, callbacks, schedules, errors."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

import backprop_lab as bl
from backprop_lab import (
    MSE,
    SGD,
    Adam,
    BinaryCrossEntropy,
    Callback,
    Dense,
    EarlyStopping,
    History,
    Network,
    ReLU,
    Sigmoid,
    SoftmaxCrossEntropy,
    StepLR,
    Tanh,
    TrainingDivergedError,
    WarmUp,
    fit,
)


def xor_data(n=200, seed=0, dtype=np.float64):
    """Points in the four quadrants; the label is 1 where x1 * x2 < 0 (XOR of the signs)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    X += 0.2 * np.sign(X)  # a margin around the axes
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    return X.astype(dtype), y


def xor_net(dtype=np.float64, n_out=2):
    return Network([Dense(2, 16, rng=0, dtype=dtype), Tanh(), Dense(16, n_out, rng=1, dtype=dtype)])


def params_of(net):
    return [p.copy() for p in net.parameters()]


# -- learning ---------------------------------------------------------------------------------

def test_xor_softmax_reaches_accuracy_one():
    X, y = xor_data()
    net = xor_net()
    history = fit(net, SoftmaxCrossEntropy(), Adam(net, lr=0.02), X, y, epochs=60,
                  batch_size=16, seed=0)
    assert history.accuracy[-1] == 1.0
    assert history.loss[-1] < 0.1 < history.loss[0]
    assert len(history) == 60 and history.epoch == list(range(1, 61))


def test_xor_binary_cross_entropy_reaches_accuracy_one():
    X, y = xor_data()
    net = Network([Dense(2, 16, rng=0), Tanh(), Dense(16, 1, rng=1), Sigmoid()])
    history = fit(net, BinaryCrossEntropy(), SGD(net, lr=0.5, momentum=0.9), X,
                  y.reshape(-1, 1), epochs=80, batch_size=16, seed=0,
                  validation=(X[:50], y[:50].reshape(-1, 1)))
    assert history.accuracy[-1] == 1.0 and history.val_accuracy[-1] == 1.0


def test_mse_has_no_accuracy_and_history_as_dict():
    X, y = xor_data(50)
    net = xor_net(n_out=1)
    history = fit(net, MSE(), SGD(net, lr=0.05), X, y.reshape(-1, 1).astype(float),
                  epochs=3, batch_size=8, seed=0, validation=(X, y.reshape(-1, 1)))
    assert history.accuracy is None and history.val_accuracy is None
    d = history.as_dict()
    assert set(d) == {"epoch", "loss", "val_loss", "lr", "time", "batch_loss"}
    assert d["epoch"].dtype == np.int64 and d["loss"].shape == (3,)
    assert d["batch_loss"].shape == (3 * 7,)  # 50 samples, batches of 8: 7 per epoch
    assert repr(history).startswith("History(epochs=3, loss=")
    assert "val_loss=" in repr(history) and "accuracy" not in repr(history)


def test_loss_is_the_sample_weighted_mean_of_batch_losses_and_last_batch_counts():
    X, y = xor_data(10)
    net = xor_net()
    history = fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), X, y, epochs=2, batch_size=4,
                  seed=0)
    sizes = np.array([4, 4, 2])
    for e in range(2):
        batch = np.array(history.batch_loss[3 * e: 3 * e + 3])
        assert history.loss[e] == pytest.approx((batch * sizes).sum() / 10, rel=1e-14)


def test_batch_losses_equal_the_checked_forward_on_the_same_batch():
    """fit() skips the per-batch checks; the numbers must not change."""
    X, y = xor_data(12)
    net = xor_net()
    start = params_of(net)
    history = fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), X, y, epochs=1, batch_size=12,
                  shuffle=False)
    for p, p0 in zip(net.parameters(), start, strict=True):
        p[...] = p0
    assert history.batch_loss[0] == SoftmaxCrossEntropy().forward(net.forward(X), y)


def test_bce_on_outputs_outside_unit_interval_fails_inside_fit():
    """The probability range is a property of each batch's output, so fit() checks it too."""
    X, y = xor_data(20)
    net = xor_net(n_out=1)  # no Sigmoid at the end: outputs are not probabilities
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\].*Sigmoid"):
        fit(net, BinaryCrossEntropy(), SGD(net, lr=0.1), X, y.reshape(-1, 1).astype(float),
            epochs=1, batch_size=10)


class RecordingMSE(MSE):
    """MSE that remembers the targets of every batch it saw."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def forward(self, Y_hat, y):
        self.seen.append(np.array(y, copy=True))
        return super().forward(Y_hat, y)


def test_batches_follow_default_rng_permutations():
    n, bs, seed = 23, 5, 7
    X = np.arange(2.0 * n).reshape(n, 2)
    y = np.arange(float(n)).reshape(-1, 1)  # the target is the sample's index
    net = Network([Dense(2, 1, init="zeros")])
    loss = RecordingMSE()
    fit(net, loss, SGD(net, lr=1e-6), X, y, epochs=2, batch_size=bs, seed=seed)
    seen = loss.seen[1:]  # the first call is fit's one-off check of y against the loss
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(2):
        perm = rng.permutation(n)
        batches += [perm[i:i + bs] for i in range(0, n, bs)]
    assert len(seen) == len(batches) == 10
    for got, idx in zip(seen, batches, strict=True):
        np.testing.assert_array_equal(got[:, 0], idx)


def test_no_shuffle_keeps_order():
    X = np.arange(12.0).reshape(6, 2)
    y = np.arange(6.0).reshape(-1, 1)
    net = Network([Dense(2, 1, init="zeros")])
    loss = RecordingMSE()
    fit(net, loss, SGD(net, lr=1e-6), X, y, epochs=1, batch_size=4, shuffle=False)
    np.testing.assert_array_equal(np.concatenate(loss.seen[1:])[:, 0], np.arange(6))


# -- determinism and dtype ----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_same_seed_same_bits(dtype):
    X, y = xor_data(64, dtype=dtype)
    runs = []
    for _ in range(2):
        net = xor_net(dtype)
        h = fit(net, SoftmaxCrossEntropy(), Adam(net, lr=0.01), X, y, epochs=3, batch_size=10,
                seed=123, validation=(X[:20], y[:20]))
        runs.append((params_of(net), h))
    (p1, h1), (p2, h2) = runs
    for a, b in zip(p1, p2, strict=True):
        assert a.dtype == dtype and a.tobytes() == b.tobytes()
    for key in ("loss", "accuracy", "val_loss", "val_accuracy", "lr", "batch_loss"):
        assert getattr(h1, key) == getattr(h2, key)
    net = xor_net(dtype)
    fit(net, SoftmaxCrossEntropy(), Adam(net, lr=0.01), X, y, epochs=3, batch_size=10, seed=124)
    assert any(a.tobytes() != b.tobytes() for a, b in zip(p1, params_of(net), strict=True))


def test_float32_stays_float32_through_fit():
    X, y = xor_data(64, dtype=np.float32)
    net = xor_net(np.float32)
    opt = Adam(net, lr=0.01, weight_decay=1e-4)
    h = fit(net, SoftmaxCrossEntropy(), opt, X, y, epochs=2, batch_size=16, seed=0,
            validation=(X, y))
    assert all(p.dtype == np.float32 for p in net.parameters())
    assert all(g.dtype == np.float32 for _, _, g in net.named_parameters())
    assert all(m.dtype == np.float32 for m in opt.exp_avg + opt.exp_avg_sq)
    assert net.layers[0].cache["X"].dtype == np.float32
    # every recorded loss is a float32 value (computed in float32, stored as a Python float)
    assert all(float(np.float32(v)) == v for v in h.batch_loss)
    assert np.isfinite(h.as_dict()["loss"]).all()


def test_params_are_updated_in_place():
    X, y = xor_data(32)
    net = xor_net()
    ids = [id(p) for p in net.parameters()]
    fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), X, y, epochs=2, batch_size=8, seed=0)
    assert [id(p) for p in net.parameters()] == ids


# -- divergence ---------------------------------------------------------------------------------

def regression_data(n=64):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    return X, X @ np.array([[1.0], [-2.0], [3.0]]) * 10


def test_divergence_raises_with_clear_message_and_partial_history():
    X, y = regression_data()
    net = Network([Dense(3, 32, rng=0), ReLU(), Dense(32, 1, rng=1)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow RuntimeWarning may escape fit
        with pytest.raises(TrainingDivergedError) as info:
            fit(net, MSE(), SGD(net, lr=5.0), X, y, epochs=20, batch_size=8, seed=0)
    err = info.value
    assert isinstance(err, FloatingPointError)
    msg = str(err)
    assert msg.startswith("Training diverged: the loss became ")
    assert f"at epoch {err.epoch}, step {err.step} (lr=5)." in msg
    assert "The learning rate is probably too large: try lr=0.5 or lower." in msg
    assert err.lr == 5.0 and not np.isfinite(err.loss_value)
    assert isinstance(err.history, History)
    assert len(err.history) == err.epoch - 1  # completed epochs only
    assert len(err.history.batch_loss) == (err.epoch - 1) * 8 + err.step
    assert not np.isfinite(err.history.batch_loss[-1])


def test_divergence_of_a_classifier_with_non_finite_logits():
    X, y = xor_data(64)
    X *= 100
    net = Network([Dense(2, 64, rng=0), ReLU(), Dense(64, 64, rng=1), ReLU(), Dense(64, 2, rng=2)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TrainingDivergedError, match=r"became (nan|inf) at epoch \d+, step \d+"):
            fit(net, SoftmaxCrossEntropy(), SGD(net, lr=1e4), X, y, epochs=50, batch_size=4,
                seed=0)


# -- callbacks ----------------------------------------------------------------------------------

def test_function_callback_can_stop():
    X, y = xor_data(32)
    net = xor_net()
    seen = []

    def stop_at_three(epoch, history):
        seen.append((epoch, len(history)))
        return epoch == 3

    h = fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), X, y, epochs=10, batch_size=8,
            seed=0, callbacks=[stop_at_three])
    assert seen == [(1, 1), (2, 2), (3, 3)]
    assert len(h) == 3 and h.stopped_early and "stopped_early=True" in repr(h)


def test_callback_class_hooks_are_called():
    calls = []

    class Recorder(Callback):
        def on_train_begin(self, net, history):
            calls.append("begin")

        def on_epoch_end(self, epoch, history):
            calls.append(epoch)
            return False

        def on_train_end(self, net, history):
            calls.append("end")

    X, y = xor_data(16)
    net = xor_net()
    fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), X, y, epochs=2, batch_size=8,
        callbacks=Recorder())
    assert calls == ["begin", 1, 2, "end"]


def test_early_stopping_stops_and_restores_best_parameters():
    X, y = xor_data(100)
    # validation labels are the opposite of the training labels: as training succeeds,
    # the validation loss can only get worse, so the best epoch is an early one
    net = xor_net()
    snapshots = {}

    def record(epoch, history):
        snapshots[epoch] = params_of(net)
        return False

    stopper = EarlyStopping(monitor="val_loss", patience=3)
    h = fit(net, SoftmaxCrossEntropy(), Adam(net, lr=0.05), X, y, epochs=50, batch_size=10,
            seed=0, validation=(X, 1 - y), callbacks=[record, stopper])
    best = int(np.argmin(h.val_loss)) + 1
    assert stopper.best_epoch == best and stopper.best == min(h.val_loss)
    assert stopper.stopped_epoch == best + 3 == len(h)
    assert h.stopped_early
    for p, q in zip(net.parameters(), snapshots[best], strict=True):
        np.testing.assert_array_equal(p, q)


def test_early_stopping_on_accuracy_without_restore():
    X, y = xor_data(64)
    net = xor_net()
    stopper = EarlyStopping(monitor="accuracy", patience=2, restore_best=False)
    h = fit(net, SoftmaxCrossEntropy(), Adam(net, lr=0.05), X, y, epochs=200, batch_size=8,
            seed=0, callbacks=[stopper])
    assert stopper.best == 1.0 and len(h) < 200
    assert repr(stopper) == (
        "EarlyStopping(monitor='accuracy', patience=2, min_delta=0, restore_best=False)"
    )


@pytest.mark.parametrize("make, error, match", [
    (lambda: EarlyStopping(monitor="val_acc"), ValueError,
     r"EarlyStopping\(\) expected monitor to be one of 'loss', 'val_loss'"),
    (lambda: EarlyStopping(monitor=["loss"]), ValueError,
     r"expected monitor to be one of .*got \['loss'\]"),
    (lambda: EarlyStopping(patience=-1), ValueError, r"expected patience >= 0, got -1"),
    (lambda: EarlyStopping(min_delta=-0.1), ValueError, r"finite min_delta >= 0"),
    (lambda: EarlyStopping(restore_best=1), TypeError, r"restore_best to be True or False"),
])
def test_early_stopping_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_early_stopping_needs_what_it_monitors():
    X, y = xor_data(16)
    net = xor_net()
    with pytest.raises(ValueError, match=r"found no val_loss in the history: pass validation="):
        fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), X, y, epochs=2, batch_size=8,
            callbacks=[EarlyStopping()])
    net = xor_net(n_out=1)
    with pytest.raises(ValueError, match=r"found no accuracy in the history"):
        fit(net, MSE(), SGD(net, lr=0.1), X, y.reshape(-1, 1), epochs=2, batch_size=8,
            callbacks=[EarlyStopping(monitor="accuracy")])


# -- schedules ----------------------------------------------------------------------------------

def test_schedule_per_epoch():
    X, y = xor_data(32)
    net = xor_net()
    opt = SGD(net, lr=0.4)
    sched = StepLR(2, gamma=0.5)
    h = fit(net, SoftmaxCrossEntropy(), opt, X, y, epochs=5, batch_size=8, schedule=sched)
    np.testing.assert_allclose(h.lr, sched.values(0.4, 5))
    assert opt.base_lr == 0.4 and opt.lr == pytest.approx(0.1)


def test_schedule_per_batch():
    X, y = xor_data(32)
    net = xor_net()
    opt = SGD(net, lr=0.4)
    sched = WarmUp(8)
    h = fit(net, SoftmaxCrossEntropy(), opt, X, y, epochs=3, batch_size=8, schedule=sched,
            schedule_every="batch")
    np.testing.assert_allclose(h.lr, [0.05, 0.25, 0.4])  # lr at each epoch's first batch
    assert opt.lr == 0.4


# -- progress and output ------------------------------------------------------------------------

def test_library_prints_nothing(capsys):
    X, y = xor_data(16)
    net = xor_net()
    fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), X, y, epochs=2, batch_size=8)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_progress_bar(capsys):
    pytest.importorskip("tqdm")
    X, y = xor_data(16)
    net = xor_net()
    h = fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), X, y, epochs=2, batch_size=8,
            progress=True)
    assert len(h) == 2
    assert "2/2" in capsys.readouterr().err


def test_progress_without_tqdm(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    X, y = xor_data(16)
    net = xor_net()
    with pytest.raises(ImportError, match=r"needs the tqdm package: pip install tqdm"):
        fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), X, y, epochs=1, batch_size=8,
            progress=True)


# -- errors -------------------------------------------------------------------------------------

X0, Y0 = xor_data(20)


def _fit(**overrides):
    net = overrides.pop("net", None) or xor_net()
    args = {"loss": SoftmaxCrossEntropy(), "optimizer": SGD(net, lr=0.1), "X": X0, "y": Y0,
            "epochs": 1, "batch_size": 4}
    args.update(overrides)
    return fit(net, args.pop("loss"), args.pop("optimizer"), args.pop("X"), args.pop("y"),
               **args)


@pytest.mark.parametrize("overrides, error, match", [
    ({"X": X0.astype(np.int64)}, TypeError,
     r"fit\(\) expected X with a float dtype, got int64. Convert it first"),
    ({"X": X0[:, 0]}, ValueError, r"fit\(\) expected X with 2 dimensions"),
    ({"X": np.where(np.arange(40).reshape(20, 2) == 5, np.nan, X0)}, ValueError,
     r"fit\(\) expected finite values in X, found nan at index \(2, 1\)"),
    ({"X": X0[:, :1]}, ValueError,
     r"fit\(\) expected X of shape \(n_samples, 2\) for the first layer Dense\(2 -> 16\), "
     r"got \(20, 1\)"),
    ({"X": X0.astype(np.float32)}, TypeError,
     r"the network has float64 parameters, got X of dtype float32"),
    ({"X": X0[:0], "y": Y0[:0]}, ValueError, r"expected at least one sample in X"),
    ({"y": Y0[:19]}, ValueError,
     r"expected X and y to have the same number of samples, got 20 and 19"),
    ({"y": Y0 + 1}, ValueError,
     r"the targets y do not fit SoftmaxCrossEntropy\(\).*expected labels in 0..1"),
    ({"y": Y0.astype(float)}, TypeError, r"the targets y do not fit .*integer class labels"),
    ({"batch_size": 0}, ValueError, r"fit\(\) expected batch_size >= 1, got 0"),
    ({"batch_size": 4.0}, TypeError, r"fit\(\) expected batch_size to be an integer"),
    ({"epochs": 0}, ValueError, r"fit\(\) expected epochs >= 1, got 0"),
    ({"shuffle": "yes"}, TypeError, r"expected shuffle to be True or False"),
    ({"seed": 1.5}, TypeError, r"expected seed to be None, an integer seed"),
    ({"seed": -1}, ValueError, r"expected seed to be an integer seed >= 0, got -1"),
    ({"loss": "hinge"}, ValueError, r"unknown loss 'hinge'"),
    ({"loss": np.mean}, TypeError, r"expected a loss such as SoftmaxCrossEntropy\(\)"),
    ({"optimizer": "sgd"}, TypeError, r"expected an optimizer such as SGD\(net, lr=0.1\)"),
    ({"optimizer": SGD(xor_net(), lr=0.1)}, ValueError, r"was built for another network"),
    ({"validation": X0}, TypeError, r"expected validation=\(X_val, y_val\), a pair of arrays"),
    ({"validation": (X0, Y0, Y0)}, TypeError, r"got tuple of length 3"),
    ({"validation": (X0[:, :1], Y0)}, ValueError, r"expected X_val of shape \(n_samples, 2\)"),
    ({"validation": (X0, Y0[:5])}, ValueError,
     r"expected X_val and y_val to have the same number of samples, got 20 and 5"),
    ({"validation": (X0, Y0 + 5)}, ValueError, r"the targets y_val do not fit"),
    ({"schedule": 0.1}, TypeError, r"expected schedule to be a Schedule"),
    ({"schedule_every": "step"}, ValueError, r"schedule_every to be 'epoch' or 'batch'"),
    ({"callbacks": [3]}, TypeError, r"expected callbacks to be Callback objects"),
    ({"progress": 1}, TypeError, r"expected progress to be True or False"),
])
def test_fit_errors(overrides, error, match):
    with pytest.raises(error, match=match):
        _fit(**overrides)


def test_fit_rejects_a_non_network():
    with pytest.raises(TypeError, match=r"fit\(\) expected a Network as net, got Dense"):
        fit(Dense(2, 2), SoftmaxCrossEntropy(), None, X0, Y0, epochs=1, batch_size=4)


def test_binary_targets_shape_hint():
    net = Network([Dense(2, 1, rng=0), Sigmoid()])
    with pytest.raises(ValueError, match=r"Reshape the targets with y.reshape\(-1, 1\)"):
        fit(net, BinaryCrossEntropy(), SGD(net, lr=0.1), X0, Y0, epochs=1, batch_size=4)


# ---------------------------------------------------------------- lr_range_test
def _range_test_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    return X, y


def _range_test_net():
    return bl.Network([bl.Dense(4, 8, rng=1), bl.Tanh(), bl.Dense(8, 2, rng=2)])


def test_lr_range_test_rates_grow_geometrically_and_loss_is_smoothed():
    X, y = _range_test_data()
    lrs, losses = bl.lr_range_test(_range_test_net(), bl.SoftmaxCrossEntropy(), X, y,
                                   lr_low=1e-3, lr_high=1e3, batch_size=10, seed=0)
    assert len(lrs) == len(losses) >= 5
    np.testing.assert_allclose(lrs, np.geomspace(1e-3, 1e3, 40)[: len(lrs)])
    assert losses[0] == pytest.approx(np.log(2), abs=0.3)  # a fresh 2-class net
    # it stopped early: the loss blew up past stop_factor x its minimum (or overflowed)
    assert len(lrs) < 40
    assert not np.isfinite(losses[-1]) or losses[-1] > 4 * losses.min()
    # the minimum lies at a rate that trains: well above the first, well below the last
    best = lrs[np.argmin(losses)]
    assert 1e-2 < best < 1e2


def test_lr_range_test_matches_a_hand_run_of_its_definition():
    X, y = _range_test_data()
    lrs, losses = bl.lr_range_test(_range_test_net(), "cross_entropy", X, y, lr_low=1e-3,
                                   lr_high=1e-1, batch_size=50, seed=3, smoothing=0.5,
                                   stop_factor=100)
    net, loss = _range_test_net(), bl.SoftmaxCrossEntropy()
    opt = bl.SGD(net, lr=1e-3)
    order = np.random.default_rng(3).permutation(400)
    avg, expected = 0.0, []
    for k, lr in enumerate(np.geomspace(1e-3, 1e-1, 8)):
        b = order[k * 50 : (k + 1) * 50]
        value = loss.forward(net.forward(X[b]), y[b])
        avg = 0.5 * avg + 0.5 * value
        expected.append(avg / (1 - 0.5 ** (k + 1)))
        net.backward(loss.backward())
        opt.lr = lr
        opt.step()
    np.testing.assert_allclose(losses, expected, rtol=1e-12)
    assert len(lrs) == 8


@pytest.mark.parametrize(
    ("kw", "err", "match"),
    [
        ({"lr_low": 1.0, "lr_high": 0.1}, ValueError, "lr_low < lr_high"),
        ({"lr_low": -1.0}, ValueError, "lr_low"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": 300}, ValueError, "at least 2 full mini-batches"),
        ({"smoothing": 1.0}, ValueError, "smoothing"),
        ({"stop_factor": 1.0}, ValueError, "stop_factor"),
    ],
)
def test_lr_range_test_bad_arguments(kw, err, match):
    X, y = _range_test_data()
    with pytest.raises(err, match=match):
        bl.lr_range_test(_range_test_net(), bl.SoftmaxCrossEntropy(), X, y, **kw)


def test_lr_range_test_bad_data():
    X, y = _range_test_data()
    with pytest.raises(ValueError, match="same number of samples"):
        bl.lr_range_test(_range_test_net(), bl.SoftmaxCrossEntropy(), X, y[:-1])
    with pytest.raises(TypeError, match="Network"):
        bl.lr_range_test(bl.Dense(4, 2), bl.SoftmaxCrossEntropy(), X, y)


# ---------------------------------------------------------------- audit A
def test_lr_range_test_does_not_turn_a_loss_error_into_inf():
    X, y = bl.datasets.make_moons(40, rng=0)
    net = bl.Network([bl.Dense(2, 8, rng=0), bl.Tanh(), bl.Dense(8, 1, rng=1)])  # no Sigmoid
    with pytest.raises(ValueError, match=r"BinaryCrossEntropy.forward\(\) expected probabilities "
                                         r"in \[0, 1\].*Put a Sigmoid"):
        bl.lr_range_test(net, bl.BinaryCrossEntropy(), X, y[:, None].astype(float))


def test_lr_range_test_still_stops_on_a_non_finite_output():
    X, y = bl.datasets.make_moons(64, rng=0)
    huge = bl.Dense(2, 2, init=lambda shape, rng, dtype: np.full(shape, 1e308, dtype))
    lrs, losses = bl.lr_range_test(bl.Network([huge]), "cross_entropy", X * 1e10, y)
    assert len(lrs) == 1 and losses[0] == np.inf


def test_lr_range_test_explains_a_factory_without_the_lr_keyword():
    X, y = bl.datasets.make_moons(40, rng=0)
    net = bl.Network([bl.Dense(2, 2, rng=0)])
    with pytest.raises(TypeError, match=r"lr_range_test\(\) calls optimizer_factory\(net, lr=...\) "
                                        r"with the learning rate as the keyword lr.*"
                                        r"lambda net, lr: SGD\(net, lr=lr, momentum=0.9\)"):
        bl.lr_range_test(net, "cross_entropy", X, y, optimizer_factory=lambda n: bl.SGD(n))


def test_divergence_before_any_update_blames_the_data_not_the_learning_rate():
    lin = bl.Network([bl.Dense(2, 1, rng=0)])
    with pytest.raises(bl.TrainingDivergedError, match=r"epoch 1, step 1, before any update "
                                                       r"\(lr=0.01\).*not the cause.*rescale") as e:
        bl.fit(lin, bl.MSE(), bl.SGD(lin, lr=0.01), np.full((4, 2), 1e308), np.zeros((4, 1)),
               epochs=1, batch_size=4)
    assert "learning rate is probably too large" not in str(e.value)


def test_targets_too_large_are_named_not_the_probe():
    lin = bl.Network([bl.Dense(2, 1, rng=0)])
    X = np.zeros((8, 2))
    with pytest.raises(ValueError, match=r"the targets y do not fit MSE\(\).*loss overflowed.*"
                                         r"largest \|y\| 1e\+200"):
        bl.fit(lin, bl.MSE(), bl.SGD(lin, lr=1e-3), X, np.full((8, 1), 1e200), epochs=1,
               batch_size=8)
    with pytest.raises(ValueError, match=r"MSE.forward\(\): y holds 1e\+300, beyond the range of "
                                         r"float32, the dtype of Y_hat"):
        bl.MSE().forward(np.ones((1, 1), np.float32), np.array([[1e300]]))


def test_bad_callbacks_are_refused_before_any_epoch_trains():
    X, y = bl.datasets.make_moons(40, rng=0)
    net = bl.Network([bl.Dense(2, 2, rng=0)])
    W0 = net.layers[0].params["W"].copy()
    opt = bl.SGD(net, lr=0.1)
    with pytest.raises(TypeError, match=r"fit\(\) expected callbacks to be Callback objects, got "
                                        r"the class EarlyStopping. Add the parentheses"):
        bl.fit(net, "cross_entropy", opt, X, y, epochs=2, batch_size=8,
               callbacks=[bl.EarlyStopping])
    with pytest.raises(TypeError, match=r"fit\(\) calls a function callback as f\(epoch, "
                                        r"history\).*cannot take those two arguments"):
        bl.fit(net, "cross_entropy", opt, X, y, epochs=2, batch_size=8, callbacks=[lambda: True])
    np.testing.assert_array_equal(net.layers[0].params["W"], W0)  # nothing was trained
    history = bl.fit(net, "cross_entropy", opt, X, y, epochs=2, batch_size=8,
                     callbacks=[lambda epoch, history, extra=None: False])
    assert len(history) == 2


def _early_stopping_run(es, losses, net=None):
    """Feed EarlyStopping a history by hand: epoch k sets W to k and records losses[k-1]."""
    net = net or Network([Dense(1, 1, rng=0)])
    history = History(classifier=False, validation=False)
    es.on_train_begin(net, history)
    stops = []
    for epoch, loss in enumerate(losses, start=1):
        net.layers[0].params["W"][:] = epoch
        history.epoch.append(epoch)
        history.loss.append(loss)
        stops.append(es.on_epoch_end(epoch, history))
    es.on_train_end(net, history)
    return net, stops


def test_early_stopping_min_delta_on_a_loss():
    """An improvement must beat best - min_delta: 1.0 -> 0.9 is none with min_delta = 0.5."""
    es = EarlyStopping(monitor="loss", patience=1, min_delta=0.5, restore_best=False)
    _, stops = _early_stopping_run(es, [1.0, 0.9])
    assert stops == [False, True] and es.best == 1.0 and es.best_epoch == 1


def test_early_stopping_restores_the_best_weights_also_when_training_ran_to_the_end():
    es = EarlyStopping(monitor="loss", patience=10)
    net, stops = _early_stopping_run(es, [0.5, 0.7, 0.9])
    assert not any(stops) and es.stopped_epoch is None
    assert net.layers[0].params["W"][0, 0] == 1.0  # the weights of epoch 1, the best


def test_early_stopping_ignores_a_nan_first_value():
    es = EarlyStopping(monitor="loss", patience=5, restore_best=False)
    _early_stopping_run(es, [float("nan")])
    assert es.best is None


def test_stopped_early_is_false_when_a_callback_stops_at_the_last_epoch():
    class StopAt(Callback):
        def __init__(self, at):
            self.at = at

        def on_epoch_end(self, epoch, history):
            return epoch == self.at

    X, y = np.ones((4, 1)), np.zeros((4, 1))
    for at, early in [(3, False), (2, True)]:
        net = Network([Dense(1, 1, rng=0)])
        history = fit(net, MSE(), SGD(net, lr=0.01), X, y, epochs=3, batch_size=4,
                      callbacks=[StopAt(at)])
        assert history.stopped_early is early and len(history.epoch) == at


def test_accuracy_of_several_binary_outputs_counts_each_output():
    """BCE with y of shape (n, 3): accuracy is the share of correct (sample, output) pairs,
    of the weights before each step (one batch) and after the epoch for validation."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((8, 2))
    y = rng.integers(0, 2, (8, 3)).astype(float)
    net = Network([Dense(2, 3, rng=1), Sigmoid()])
    before = np.mean((net.predict(X) >= 0.5) == (y >= 0.5))
    history = fit(net, BinaryCrossEntropy(), SGD(net, lr=0.1), X, y, epochs=1, batch_size=8,
                  shuffle=False, validation=(X, y))
    after = np.mean((net.predict(X) >= 0.5) == (y >= 0.5))
    assert history.accuracy == [pytest.approx(before)]
    assert history.val_accuracy == [pytest.approx(after)]


def test_a_probability_of_exactly_one_half_counts_as_class_1():
    """As predict_labels: p >= 0.5 is class 1. A zero network gives p = 0.5 for every sample."""
    net = Network([Dense(2, 1, init="zeros"), Sigmoid()])
    X, y = np.ones((4, 2)), np.ones((4, 1))
    history = fit(net, BinaryCrossEntropy(), SGD(net, lr=1e-9), X, y, epochs=1, batch_size=4)
    assert history.accuracy == [1.0]


def test_lr_range_test_stops_at_four_times_the_lowest_smoothed_loss():
    """Every smoothed loss but the last is within stop_factor times the lowest so far; the last
    (where the test stopped early) is above it."""
    X, y = bl.datasets.load_digits()
    X = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-8)
    net = Network([Dense(64, 32, init="he", rng=0), ReLU(), Dense(32, 10, rng=1)])
    lrs, loss = bl.lr_range_test(net, SoftmaxCrossEntropy(), X, y, lr_low=1e-4, lr_high=10.0,
                                 batch_size=16, seed=0)
    assert len(lrs) < len(X) // 16  # it stopped early
    running_min = np.minimum.accumulate(loss)
    assert np.all(loss[:-1] <= 4.0 * running_min[:-1])
    assert loss[-1] > 4.0 * running_min[-1]
    assert running_min[-1] < 0.5 * loss[0]  # the minimum is well below the first value
