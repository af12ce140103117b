"""ParameterSnapshots: the parameters before training and after every recorded epoch."""

import numpy as np
import pytest

from backprop_lab import SGD, BinaryCrossEntropy, Dense, Network, Sigmoid, Tanh, fit
from backprop_lab.callbacks import ParameterSnapshots
from backprop_lab.datasets import make_moons


def make_net(seed=0):
    rng = np.random.default_rng(seed)
    return Network([Dense(2, 4, rng=rng), Tanh(), Dense(4, 1, rng=rng), Sigmoid()])


@pytest.fixture
def data():
    X, y = make_moons(60, rng=0)
    return X, y.reshape(-1, 1)


def train(net, data, epochs, callbacks=None):
    X, y = data
    return fit(net, BinaryCrossEntropy(), SGD(net, lr=0.5), X, y, epochs=epochs,
               batch_size=16, seed=0, callbacks=callbacks)


def test_snapshots_are_copies_of_the_parameters_after_each_epoch(data):
    snaps = ParameterSnapshots()
    initial = [p.copy() for p in make_net().parameters()]
    net = make_net()
    train(net, data, 5, [snaps])
    assert snaps.epochs == [0, 1, 2, 3, 4, 5]
    for saved, start in zip(snaps.snapshots[0], initial, strict=True):
        np.testing.assert_array_equal(saved, start)
    for saved, now in zip(snaps.snapshots[-1], net.parameters(), strict=True):
        np.testing.assert_array_equal(saved, now)
        assert saved is not now  # a copy, not the live array
    # each snapshot equals a fresh run stopped at that epoch, bit for bit
    for epoch in (1, 3):
        other = make_net()
        train(other, data, epoch)
        for saved, p in zip(snaps.snapshots[epoch], other.parameters(), strict=True):
            np.testing.assert_array_equal(saved, p)


def test_recording_does_not_change_training(data):
    a, b = make_net(), make_net()
    train(a, data, 4, [ParameterSnapshots()])
    train(b, data, 4)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(p, q)


def test_every_records_every_kth_epoch(data):
    snaps = ParameterSnapshots(every=2)
    train(make_net(), data, 5, [snaps])
    assert snaps.epochs == [0, 2, 4]
    assert len(snaps.snapshots) == 3


def test_restore_copies_a_snapshot_into_a_network_in_place(data):
    snaps = ParameterSnapshots()
    net = make_net()
    train(net, data, 3, [snaps])
    viewer = make_net(seed=5)
    arrays = viewer.parameters()
    assert snaps.restore(viewer, 0) is viewer
    assert all(p is q for p, q in zip(arrays, viewer.parameters(), strict=True))
    for p, q in zip(viewer.parameters(), snaps.snapshots[0], strict=True):
        np.testing.assert_array_equal(p, q)
    snaps.restore(viewer, 3)
    X, _ = data
    np.testing.assert_array_equal(viewer.predict(X), net.predict(X))


def test_a_second_fit_starts_a_new_record(data):
    snaps = ParameterSnapshots()
    net = make_net()
    train(net, data, 2, [snaps])
    train(net, data, 1, [snaps])
    assert snaps.epochs == [0, 1]


def test_errors_say_what_to_do(data):
    with pytest.raises(ValueError, match="every"):
        ParameterSnapshots(every=0)
    snaps = ParameterSnapshots(every=2)
    train(make_net(), data, 4, [snaps])
    with pytest.raises(ValueError, match=r"no snapshot of epoch 3.*\[0, 2, 4\]"):
        snaps.restore(make_net(), 3)
    wide = Network([Dense(2, 5), Tanh(), Dense(5, 1), Sigmoid()])
    with pytest.raises(ValueError, match="shapes"):
        snaps.restore(wide, 2)
    with pytest.raises(TypeError, match="Network"):
        snaps.restore("net", 2)
