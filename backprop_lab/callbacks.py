"""What training records and the hooks it calls (chapter "Epochs and mini-batches").

:class:`History` holds one entry per epoch of :func:`~backprop_lab.training.fit`;
a :class:`Callback` is called at the start and end of training and after every epoch;
:class:`EarlyStopping` is the callback that stops when the validation loss stops
improving and restores the best weights; :class:`ParameterSnapshots` keeps a copy of
the parameters after every epoch (chapter "The learning loop" scrubs through them).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._checks import check_positive_float, check_positive_int
from .network import Network

__all__ = ["Callback", "EarlyStopping", "History", "ParameterSnapshots"]


class History:
    """What :func:`fit` records, one entry per epoch (chapter "Epochs and mini-batches").

    Attributes
    ----------
    epoch : list of int
        ``1, 2, ...``, the completed epochs.
    loss : list of float
        Mean training loss over the epoch's samples.
    accuracy : list of float or None
        Training accuracy, measured on each mini-batch as it was trained (before its
        update); ``None`` unless the loss is a classifier's (its ``classifier`` is true,
        and its ``n_correct`` counts): :class:`~backprop_lab.SoftmaxCrossEntropy` (argmax
        of the logits) or :class:`~backprop_lab.BinaryCrossEntropy` (``p >= 0.5``).
    val_loss, val_accuracy : list of float or None
        On ``validation=(X_val, y_val)`` at the end of each epoch; ``None`` without it.
    lr : list of float
        The optimizer's learning rate at the start of each epoch.
    time : list of float
        Wall-clock seconds of each epoch (validation included).
    batch_loss : list of float
        The loss of every mini-batch, in order (``len == epochs * n_batches``).
    stopped_early : bool
        Whether a callback stopped training before ``epochs``.
    """

    def __init__(self, *, classifier: bool = False, validation: bool = False) -> None:
        self.epoch: list[int] = []
        self.loss: list[float] = []
        self.accuracy: list[float] | None = [] if classifier else None
        self.val_loss: list[float] | None = [] if validation else None
        self.val_accuracy: list[float] | None = [] if (classifier and validation) else None
        self.lr: list[float] = []
        self.time: list[float] = []
        self.batch_loss: list[float] = []
        self.stopped_early = False

    _KEYS = ("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr", "time")

    def __len__(self) -> int:
        return len(self.epoch)

    def as_dict(self) -> dict[str, np.ndarray]:
        """The recorded per-epoch series as arrays, skipping those not recorded (``None``).

        ``epoch`` is an integer array, the others float64; ``batch_loss`` is included too.
        """
        out = {}
        for key in (*self._KEYS, "batch_loss"):
            values = getattr(self, key)
            if values is not None:
                out[key] = np.array(values, dtype=np.int64 if key == "epoch" else np.float64)
        return out

    def __repr__(self) -> str:
        if not self.epoch:
            return "History(epochs=0)"
        parts = [f"epochs={len(self.epoch)}"]
        for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
            values = getattr(self, key)
            if values:
                parts.append(f"{key}={values[0]:.4g} -> {values[-1]:.4g}")
        parts.append(f"lr={self.lr[-1]:g}")
        if self.stopped_early:
            parts.append("stopped_early=True")
        return "History(" + ", ".join(parts) + ")"


class Callback:
    """Hooks called by :func:`fit` (chapter "Epochs and mini-batches").

    Override any of the three methods. A plain function ``f(epoch, history) -> bool`` may
    be passed instead of a callback object; it acts as :meth:`on_epoch_end`.
    """

    def on_train_begin(self, net: Network, history: History) -> None:
        """Called once before the first epoch."""

    def on_epoch_end(self, epoch: int, history: History) -> bool:
        """Called after each epoch (``epoch`` is 1-based). Return ``True`` to stop training."""
        return False

    def on_train_end(self, net: Network, history: History) -> None:
        """Called once after the last epoch (not when training diverged)."""


class _FunctionCallback(Callback):
    def __init__(self, fn: Callable[[int, History], bool]) -> None:
        self.fn = fn

    def on_epoch_end(self, epoch, history):
        return bool(self.fn(epoch, history))


class EarlyStopping(Callback):
    """Stop when a monitored quantity stops improving; restore the best parameters.

    (Chapter "Evaluation and tuning".) After each epoch the value of ``history.<monitor>``
    is compared with the best so far: a loss improves when it falls below
    ``best - min_delta``, an accuracy when it rises above ``best + min_delta``. After
    ``patience`` epochs without improvement training stops. With ``restore_best=True``
    the network's parameters are set back (copied in place, the arrays stay the same
    objects) to those of the best epoch when training ends, whether it stopped early or not.

    Parameters
    ----------
    monitor : {"val_loss", "val_accuracy", "loss", "accuracy"}, default "val_loss"
    patience : int, default 5
        Epochs without improvement tolerated (``>= 0``).
    min_delta : float, default 0.0
        The smallest change that counts as an improvement (``>= 0``).
    restore_best : bool, default True

    Attributes
    ----------
    best : float or None
        The best monitored value.
    best_epoch : int or None
        The epoch (1-based) where it was reached.
    stopped_epoch : int or None
        The epoch after which training was stopped, ``None`` if it ran to the end.
    """

    _MODES = {"loss": "min", "val_loss": "min", "accuracy": "max", "val_accuracy": "max"}

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 restore_best: bool = True) -> None:
        if not isinstance(monitor, str) or monitor not in self._MODES:
            valid = ", ".join(repr(k) for k in self._MODES)
            raise ValueError(
                f"EarlyStopping() expected monitor to be one of {valid}, got {monitor!r}."
            )
        self.monitor = monitor
        self.patience = check_positive_int(patience, "patience", "EarlyStopping()", minimum=0)
        self.min_delta = check_positive_float(min_delta, "min_delta", "EarlyStopping()",
                                              allow_zero=True)
        if not isinstance(restore_best, bool):
            raise TypeError(
                f"EarlyStopping() expected restore_best to be True or False, got {restore_best!r}."
            )
        self.restore_best = restore_best
        self._reset()

    def _reset(self) -> None:
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self._wait = 0
        self._net: Network | None = None
        self._saved: list[np.ndarray] = []

    def on_train_begin(self, net, history):
        if getattr(history, self.monitor) is None:
            if self.monitor.startswith("val_"):
                fix = "pass validation=(X_val, y_val) to fit(), or monitor='loss'"
            else:
                fix = "accuracy is recorded only for SoftmaxCrossEntropy and BinaryCrossEntropy"
            raise ValueError(
                f"EarlyStopping(monitor={self.monitor!r}) found no {self.monitor} in the "
                f"history: {fix}."
            )
        self._reset()
        self._net = net
        if self.restore_best:
            self._saved = [p.copy() for p in net.parameters()]  # allocated once, reused

    def on_epoch_end(self, epoch, history):
        value = getattr(history, self.monitor)[-1]
        if self.best is None:
            improved = not math.isnan(value)
        elif self._MODES[self.monitor] == "min":
            improved = value < self.best - self.min_delta
        else:
            improved = value > self.best + self.min_delta
        if improved:
            self.best, self.best_epoch, self._wait = value, epoch, 0
            if self.restore_best:
                for saved, param in zip(self._saved, self._net.parameters(), strict=True):
                    np.copyto(saved, param)
            return False
        self._wait += 1
        if self._wait >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self, net, history):
        if not self.restore_best or self.best_epoch is None:
            return
        if self.best_epoch != history.epoch[-1]:
            for saved, param in zip(self._saved, net.parameters(), strict=True):
                np.copyto(param, saved)

    def __repr__(self) -> str:
        return (f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
                f"min_delta={self.min_delta:g}, restore_best={self.restore_best})")


class ParameterSnapshots(Callback):
    """Keep a copy of every parameter before training and after every ``every``-th epoch.

    (Chapter "The learning loop".) ``snapshots[k]`` is the list of the network's parameter
    arrays (in the order of :meth:`Network.parameters`: ``W`` then ``b`` of each layer)
    after epoch ``epochs[k]``, copied; ``epochs[0] == 0`` holds the initial parameters. With
    them a figure can show the network as it was at any recorded epoch: :meth:`restore`
    copies a snapshot into a network of the same shapes (the trained one, or a second
    network built for drawing).

    Parameters
    ----------
    every : int, default 1
        Record after every ``every``-th epoch (and always after the first epoch 0).

    Attributes
    ----------
    epochs : list of int
        The recorded epochs, ``[0, every, 2 * every, ...]``.
    snapshots : list of list of ndarray
        The copies, one list per recorded epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from backprop_lab import Dense, MSE, Network, SGD, fit
    >>> net = Network([Dense(1, 1, rng=0)])
    >>> X, y = np.array([[1.0], [2.0]]), np.array([[2.0], [4.0]])
    >>> snaps = ParameterSnapshots()
    >>> _ = fit(net, MSE(), SGD(net, lr=0.1), X, y, epochs=3, batch_size=2, callbacks=[snaps])
    >>> snaps.epochs
    [0, 1, 2, 3]
    >>> bool(np.array_equal(snaps.snapshots[-1][0], net.layers[0].params["W"]))
    True
    """

    def __init__(self, every: int = 1) -> None:
        self.every = check_positive_int(
            every, "every", "ParameterSnapshots()",
            hint=" every=1 records after every epoch, every=5 after every fifth.")
        self.epochs: list[int] = []
        self.snapshots: list[list[np.ndarray]] = []
        self._net: Network | None = None

    def on_train_begin(self, net, history):
        self._net = net
        self.epochs, self.snapshots = [0], [[p.copy() for p in net.parameters()]]

    def on_epoch_end(self, epoch, history):
        if epoch % self.every == 0:
            self.epochs.append(epoch)
            self.snapshots.append([p.copy() for p in self._net.parameters()])
        return False

    def restore(self, net: Network, epoch: int) -> Network:
        """Copy the parameters recorded after ``epoch`` into ``net`` (in place; the arrays
        stay the same objects) and return ``net``.

        ``net`` must have parameters of the same shapes, in the same order, as the network
        that was trained.
        """
        who = "ParameterSnapshots.restore()"
        if not isinstance(net, Network):
            raise TypeError(f"{who} expected a Network, got {type(net).__name__}.")
        if epoch not in self.epochs:
            shown = self.epochs if len(self.epochs) <= 8 else (
                f"{self.epochs[:3]} ... {self.epochs[-3:]}")
            raise ValueError(
                f"{who} has no snapshot of epoch {epoch!r}; the recorded epochs are {shown}. "
                "Pass ParameterSnapshots(every=1) to fit() to record every epoch."
            )
        saved = self.snapshots[self.epochs.index(epoch)]
        params = net.parameters()
        shapes = [p.shape for p in params]
        if shapes != [s.shape for s in saved]:
            raise ValueError(
                f"{who} expected a network with parameters of shapes "
                f"{[s.shape for s in saved]}, got {shapes}. Restore into a network built "
                "like the trained one."
            )
        for param, value in zip(params, saved, strict=True):
            np.copyto(param, value)
        return net
