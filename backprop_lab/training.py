r"""The training loop: epochs and mini-batches (chapter "Epochs and mini-batches").

One *epoch* visits every training sample once. The samples are shuffled (with
``np.random.default_rng(seed)``, so the same seed gives the same bits) and cut into
mini-batches of ``batch_size`` rows, the last one possibly smaller. For each mini-batch
:math:`(X_B, y_B)`:

.. math::

    \hat Y_B = \text{net}(X_B), \qquad L_B = \text{loss}(\hat Y_B, y_B), \qquad
    g = \nabla_\theta L_B, \qquad \theta \leftarrow \text{optimizer}(\theta, g).

The epoch's training loss is the mean over its samples,
:math:`\frac1n \sum_B |B|\,L_B`, which is the mean of the per-sample losses, each taken
with the parameters of the moment its batch was seen.
"""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Callable, Sequence

import numpy as np

from ._checks import (
    as_array,
    check_float_array,
    check_positive_float,
    check_positive_int,
    check_real,
    check_rng,
    check_same_length,
)
from .callbacks import Callback, EarlyStopping, History, ParameterSnapshots, _FunctionCallback
from .losses import Loss, _as_loss
from .network import Network
from .optim import Optimizer
from .schedules import Schedule

__all__ = [
    "Callback",
    "EarlyStopping",
    "History",
    "ParameterSnapshots",
    "TrainingDivergedError",
    "fit",
    "lr_range_test",
]


class TrainingDivergedError(FloatingPointError):
    """The loss became NaN or infinite during :func:`fit` (chapter "The learning rate").

    A subclass of :class:`FloatingPointError` (the loss is a float that stopped being a
    number). The message says where it happened and what to try.

    Attributes
    ----------
    epoch : int
        The epoch (1-based) during which the loss stopped being finite.
    step : int
        The mini-batch (1-based, within that epoch); for the validation loss, the last step.
    lr : float
        The learning rate at that moment.
    loss_value : float
        ``nan`` or ``inf``.
    history : History
        The epochs completed before the divergence, plus ``history.batch_loss`` up to and
        including the offending batch: plot it to see the blow-up.
    """

    def __init__(self, message: str, *, epoch: int, step: int, lr: float, loss_value: float,
                 history: History) -> None:
        super().__init__(message)
        self.epoch = epoch
        self.step = step
        self.lr = lr
        self.loss_value = loss_value
        self.history = history


# -- helpers -----------------------------------------------------------------------------

def _batch_loss(loss: Loss, *, diverging: bool = False) -> Callable:
    """The loss for one batch whose targets were checked once, up front: ``loss._forward``
    (no checks), unless the loss is a subclass with its own ``forward()``, which then sees
    every batch.

    ``diverging``: a batch whose output holds inf or NaN (a diverging run) gets the loss
    ``nan`` or ``inf`` even when the loss refuses such an output, so that ``fit`` reports
    the divergence rather than the loss's complaint."""
    forward = loss._forward if hasattr(type(loss).forward, "checks") else loss.forward
    if not diverging:
        return forward

    def batch_loss(Y_hat: np.ndarray, y: np.ndarray) -> float:
        try:
            return forward(Y_hat, y)
        except ValueError:
            if np.isfinite(Y_hat).all():
                raise
            return math.nan if np.isnan(Y_hat).any() else math.inf

    return batch_loss


def _check_inputs(net: Network, X, name: str, who: str) -> np.ndarray:
    X = check_float_array(X, name, who)
    if len(X) == 0:
        raise ValueError(f"{who} expected at least one sample in {name}, got shape {X.shape}.")
    if net._input_layer is not None:  # only activations come before the first Dense layer
        X = net._input_layer._check_features(X, name, who)
    return X


def _check_targets(net: Network, loss: Loss, X: np.ndarray, y, name: str, who: str) -> np.ndarray:
    """Check ``y`` against the loss once, on the whole set, with the loss's own checks.

    The loss is evaluated on constant predictions of the network's output shape, so every
    label is checked (range, dtype, shape) at the cost of one small pass, not per batch.
    """
    y = as_array(y, name, who)
    if y.ndim == 0:
        raise ValueError(f"{who} expected {name} with one target per sample, got a scalar.")
    check_same_length(X, y, who, "X" if name == "y" else "X_val", name)
    with np.errstate(all="ignore"):  # only the output's shape is needed here
        tail = net._predict(X[:1]).shape[1:]
    probe = np.full((len(y), *tail), 0.5, dtype=X.dtype)
    try:
        loss.forward(probe, y)
    except (ValueError, TypeError) as err:
        raise type(err)(f"{who}: the targets {name} do not fit {loss!r}. {err}") from err
    finally:
        loss.cache = {}
    return loss._targets(y, X.dtype, name, who)  # as every batch will get them, once


def _callbacks(callbacks, who: str) -> list[Callback]:
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback) or not isinstance(callbacks, Sequence):
        callbacks = [callbacks]
    out = []
    for cb in callbacks:
        if isinstance(cb, Callback):
            out.append(cb)
        elif isinstance(cb, type) and issubclass(cb, Callback):
            raise TypeError(
                f"{who} expected callbacks to be Callback objects, got the class {cb.__name__}. "
                f"Add the parentheses: {cb.__name__}()."
            )
        elif callable(cb):
            try:  # checked now, not after the first epoch has trained
                inspect.signature(cb).bind(1, None)
            except TypeError as err:
                raise TypeError(
                    f"{who} calls a function callback as f(epoch, history) after every epoch, "
                    f"but {getattr(cb, '__qualname__', cb)!r} cannot take those two arguments "
                    f"({err}). Define it as def f(epoch, history): ..., returning True to "
                    "stop training."
                ) from err
            except ValueError:  # no signature to inspect (some builtins): call and see
                pass
            out.append(_FunctionCallback(cb))
        else:
            raise TypeError(
                f"{who} expected callbacks to be Callback objects (such as EarlyStopping()) or "
                f"functions f(epoch, history) -> bool, got {type(cb).__name__}."
            )
    return out


def _diverged(what: str, value: float, epoch: int, step: int, lr: float,
              history: History, *, updated: bool = True) -> TrainingDivergedError:
    kind = "nan" if math.isnan(value) else "inf"
    where = f"Training diverged: the {what} became {kind} at epoch {epoch}, step {step}"
    if not updated:  # no step yet: the learning rate cannot be the cause
        message = (
            f"{where}, before any update (lr={lr:g}): the network's output or the loss on "
            "this batch overflows already, so the learning rate is not the cause. The values "
            "of X or y are too large: rescale them (for example with standardize()), or "
            "start from smaller weights."
        )
    elif lr == 0:
        message = f"{where} (lr=0, set by the schedule): the parameters overflowed earlier."
    else:
        message = (
            f"{where} (lr={lr:g}). The learning rate is probably too large: try "
            f"lr={lr / 10:g} or lower."
        )
    return TrainingDivergedError(message, epoch=epoch, step=step, lr=lr, loss_value=value,
                                 history=history)


def _progress_bar(epochs: int):
    try:
        from tqdm.auto import tqdm  # optional dependency, imported only when asked for
    except ImportError as err:
        raise ImportError(
            "fit(progress=True) needs the tqdm package: pip install tqdm "
            "(or pip install backprop_lab[progress])."
        ) from err
    return tqdm(total=epochs, unit="epoch", desc="fit")


# -- the loop ----------------------------------------------------------------------------

_BATCH_SIZE_HINT = " batch_size is the number of samples per gradient step: use e.g. batch_size=32"

def fit(
    net: Network,
    loss: Loss | str,
    optimizer: Optimizer,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    shuffle: bool = True,
    seed: int | np.random.Generator | None = None,
    validation: tuple[np.ndarray, np.ndarray] | None = None,
    callbacks: Sequence[Callback | Callable] | None = None,
    progress: bool = False,
    schedule: Schedule | None = None,
    schedule_every: str = "epoch",
) -> History:
    r"""Train ``net`` by mini-batch gradient descent (chapter "Epochs and mini-batches").

    Parameters
    ----------
    net : Network
    loss : Loss or str
        E.g. ``SoftmaxCrossEntropy()`` (labels ``y`` of shape ``(n_samples,)``),
        ``BinaryCrossEntropy()`` or ``MSE()`` (``y`` of the output's shape), or a name
        accepted by :func:`~backprop_lab.get_loss`.
    optimizer : Optimizer
        Built on this ``net``, e.g. ``SGD(net, lr=0.1)``.
    X : ndarray of shape (n_samples, n_in)
        Float, finite, of the network's dtype (float32 stays float32).
    y : ndarray of shape (n_samples,) or (n_samples, n_out)
    epochs, batch_size : int
        ``>= 1``. The last mini-batch of an epoch holds the remaining samples.
    shuffle : bool, default True
        Reshuffle the samples at every epoch.
    seed : int, numpy.random.Generator or None
        Source of the shuffling; the same seed gives the same bits.
    validation : (X_val, y_val), optional
        Evaluated after every epoch into ``history.val_loss`` (and ``val_accuracy``).
    callbacks : list of Callback or functions ``f(epoch, history) -> bool``, optional
        Called after every epoch; any returning ``True`` stops training.
        See :class:`EarlyStopping`.
    progress : bool, default False
        Show a tqdm progress bar over the epochs (needs ``pip install tqdm``).
    schedule : Schedule, optional
        Learning-rate schedule: ``optimizer.lr = schedule(t, optimizer.base_lr)`` with
        ``t`` the number of epochs done, set at the start of each epoch; or, with
        ``schedule_every="batch"``, ``t`` the number of mini-batches done, set before each.

    Returns
    -------
    History

    Raises
    ------
    TrainingDivergedError
        If a loss becomes NaN or infinite; it carries the partial ``history``.

    Notes
    -----
    Inputs are validated once, here, then each mini-batch runs the unchecked
    ``net._forward``, the loss's ``_forward`` and ``net._backward`` directly:
    :math:`\hat Y = \text{net}(X_B)`, ``net.backward(loss.backward(), input_grad=False)``,
    ``optimizer.step()``. Gradients are overwritten by each backward pass, so no
    ``zero_grad`` is needed. Floating-point warnings (overflow of a diverging run) are
    silenced inside the loop; divergence is reported by the exception instead.

    Examples
    --------
    >>> import numpy as np
    >>> from backprop_lab import Dense, Network, SoftmaxCrossEntropy, SGD, Tanh
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> y = np.array([0, 1, 1, 0])
    >>> net = Network([Dense(2, 8, rng=0), Tanh(), Dense(8, 2, rng=1)])
    >>> history = fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.5, momentum=0.9), X, y,
    ...               epochs=200, batch_size=4, seed=0)
    >>> history.accuracy[-1]
    1.0
    """
    loss, X, y, epochs, batch_size, validation, callbacks, rng = _checked_arguments(
        net, loss, optimizer, X, y, epochs=epochs, batch_size=batch_size, shuffle=shuffle,
        seed=seed, validation=validation, callbacks=callbacks, progress=progress,
        schedule=schedule, schedule_every=schedule_every)
    run = _Bookkeeping(net, loss, optimizer, X, y, epochs=epochs, batch_size=batch_size,
                       shuffle=shuffle, rng=rng, validation=validation, callbacks=callbacks,
                       progress=progress, schedule=schedule, schedule_every=schedule_every)
    # y was checked against the loss once, above: batches skip the checks
    batch_loss = _batch_loss(loss, diverging=True)

    # the training loop (printed by the chapters "The learning loop" and
    # "Epochs and mini-batches")
    with run:  # history, schedule, callbacks and divergence checks
        for epoch in range(1, epochs + 1):
            for Xb, yb in run.batches(epoch):
                # the underscored methods skip the checks: done above
                Y_hat = net._forward(Xb)
                L = batch_loss(Y_hat, yb)
                run.record(L, Y_hat, yb)
                net._backward(loss.backward(), input_grad=False)
                optimizer.step()
            if run.end_epoch():
                break
    return run.history


def _checked_arguments(net, loss, optimizer, X, y, *, epochs, batch_size, shuffle, seed,
                       validation, callbacks, progress, schedule, schedule_every):
    """Every argument of :func:`fit` checked, once, and returned as the loop uses them."""
    who = "fit()"
    if not isinstance(net, Network):
        raise TypeError(f"{who} expected a Network as net, got {type(net).__name__}.")
    loss = _as_loss(loss, who)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{who} expected an optimizer such as SGD(net, lr=0.1), got {type(optimizer).__name__}."
        )
    if optimizer.net is not net:
        raise ValueError(
            f"{who}: the optimizer {optimizer!r} was built for another network. "
            "Build it on this one: SGD(net, lr=...)."
        )
    epochs = check_positive_int(
        epochs, "epochs", who,
        hint=" epochs is the number of passes over the training data: use e.g. epochs=10.")
    batch_size = check_positive_int(
        batch_size, "batch_size", who,
        hint=_BATCH_SIZE_HINT + " (or batch_size=len(X) for full-batch gradient descent).")
    for flag, value in (("shuffle", shuffle), ("progress", progress)):
        if not isinstance(value, bool):
            raise TypeError(f"{who} expected {flag} to be True or False, got {value!r}.")
    rng = check_rng(seed, who, "seed")
    if schedule is not None and not isinstance(schedule, Schedule):
        raise TypeError(
            f"{who} expected schedule to be a Schedule such as CosineLR(t_max=epochs), "
            f"got {type(schedule).__name__}."
        )
    if schedule_every not in ("epoch", "batch"):
        raise ValueError(
            f"{who} expected schedule_every to be 'epoch' or 'batch', got {schedule_every!r}."
        )
    X = _check_inputs(net, X, "X", who)
    y = _check_targets(net, loss, X, y, "y", who)
    net.check_parameters_finite(who)
    if validation is not None:
        if not isinstance(validation, tuple | list) or len(validation) != 2:
            got = type(validation).__name__
            if isinstance(validation, tuple | list):
                got += f" of length {len(validation)}"
            raise TypeError(
                f"{who} expected validation=(X_val, y_val), a pair of arrays, got {got}."
            )
        X_val = _check_inputs(net, validation[0], "X_val", who)
        y_val = _check_targets(net, loss, X_val, validation[1], "y_val", who)
        validation = (X_val, y_val)
    callbacks = _callbacks(callbacks, who)
    return loss, X, y, epochs, batch_size, validation, callbacks, rng


class _Bookkeeping:
    """Everything ``fit`` does around the learning steps, out of their way: the shuffled
    mini-batches, the learning-rate schedule, the history, the validation, the callbacks,
    the progress bar and the divergence checks.

    ``with`` it, the loop runs with numpy's floating-point warnings off (a diverging run
    overflows long before the loss check sees inf; the check reports it instead), and the
    callbacks are told when training begins and ends.
    """

    def __init__(self, net, loss, optimizer, X, y, *, epochs, batch_size, shuffle, rng,
                 validation, callbacks, progress, schedule, schedule_every) -> None:
        self.net, self.loss, self.optimizer = net, loss, optimizer
        self.X, self.y, self.epochs, self.shuffle, self.rng = X, y, epochs, shuffle, rng
        self.validation, self.callbacks, self.progress = validation, callbacks, progress
        self.schedule = schedule
        self.batch_lr = schedule is not None and schedule_every == "batch"
        self.classifier = loss.classifier
        self.history = History(classifier=self.classifier, validation=validation is not None)
        n = len(X)
        self.per_sample = int(np.prod(y.shape[1:], dtype=np.int64))  # accuracy per element
        self.bounds = [(start, min(start + batch_size, n)) for start in range(0, n, batch_size)]
        self.bar = None

    def __enter__(self) -> _Bookkeeping:
        for cb in self.callbacks:
            cb.on_train_begin(self.net, self.history)
        self.bar = _progress_bar(self.epochs) if self.progress else None
        self._errstate = np.errstate(over="ignore", invalid="ignore", divide="ignore",
                                     under="ignore")
        self._errstate.__enter__()
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self._errstate.__exit__(kind, error, traceback)
        if self.bar is not None:
            self.bar.close()
        if kind is None:
            for cb in self.callbacks:
                cb.on_train_end(self.net, self.history)

    def batches(self, epoch: int):
        """The mini-batches ``(X_B, y_B)`` of one epoch (1-based), shuffled if asked, with
        the schedule's learning rate set before the epoch (or before each batch)."""
        e, n_batches, optimizer = epoch - 1, len(self.bounds), self.optimizer
        self.epoch, self.t0 = epoch, time.perf_counter()
        if self.schedule is not None:
            self.schedule.apply(optimizer, e * n_batches if self.batch_lr else e)
        self.epoch_lr = optimizer.lr
        X, y = self.X, self.y
        perm = self.rng.permutation(len(X)) if self.shuffle else None
        self.total, self.correct = 0.0, 0
        for k, (start, stop) in enumerate(self.bounds):
            self.step = k + 1
            if self.batch_lr and k > 0:
                self.schedule.apply(optimizer, e * n_batches + k)
            if perm is None:
                yield X[start:stop], y[start:stop]
            else:
                # one gather per batch: measured faster than permuting X whole
                idx = perm[start:stop]
                yield X.take(idx, axis=0), y.take(idx, axis=0)

    def record(self, L: float, Y_hat: np.ndarray, y: np.ndarray) -> None:
        """Record the loss ``L`` of a batch (before its update); raise if it diverged."""
        self.history.batch_loss.append(L)
        if not math.isfinite(L):
            raise _diverged("loss", L, self.epoch, self.step, self.optimizer.lr, self.history,
                            updated=self.epoch > 1 or self.step > 1)
        self.total += L * len(y)
        if self.classifier:
            self.correct += self.loss.n_correct(Y_hat, y)

    def end_epoch(self) -> bool:
        """Record the epoch (and its validation) in the history and call the callbacks;
        return whether one of them stops training."""
        history, epoch, n = self.history, self.epoch, len(self.X)
        history.epoch.append(epoch)
        history.lr.append(self.epoch_lr)
        history.loss.append(self.total / n)
        if self.classifier:
            history.accuracy.append(self.correct / (n * self.per_sample))
        if self.validation is not None:
            self._validate()
        history.time.append(time.perf_counter() - self.t0)
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(_postfix(history), refresh=False)
        stop_now = False
        for cb in self.callbacks:
            stop_now = cb.on_epoch_end(epoch, history) or stop_now
        if stop_now:
            history.stopped_early = epoch < self.epochs
        return stop_now

    def _validate(self) -> None:
        X_val, y_val = self.validation
        P = self.net._predict(X_val)
        if not np.isfinite(P).all():
            value = math.nan if np.isnan(P).any() else math.inf
            raise _diverged("validation loss", value, self.epoch, len(self.bounds),
                            self.optimizer.lr, self.history)
        self.history.val_loss.append(self.loss.forward(P, y_val))
        if self.classifier:
            self.history.val_accuracy.append(
                self.loss.n_correct(P, y_val) / (len(y_val) * self.per_sample)
            )


def _postfix(history: History) -> dict[str, str]:
    out = {"loss": f"{history.loss[-1]:.4g}"}
    for key in ("accuracy", "val_loss", "val_accuracy"):
        values = getattr(history, key)
        if values:
            out[key] = f"{values[-1]:.4g}"
    return out



def lr_range_test(
    net: Network,
    loss: Loss | str,
    X,
    y,
    *,
    lr_low: float = 1e-4,
    lr_high: float = 10.0,
    batch_size: int = 16,
    seed: int | None = 0,
    smoothing: float = 0.9,
    stop_factor: float = 4.0,
    optimizer_factory: Callable[..., Optimizer] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    r"""The learning-rate range test (chapter "The learning rate"; Smith, 2017).

    One pass over shuffled mini-batches of ``X``, the learning rate of batch :math:`k`
    growing geometrically from ``lr_low`` to ``lr_high``:
    :math:`\eta_k = \eta_{\text{low}}\,(\eta_{\text{high}}/\eta_{\text{low}})^{k/(K-1)}`.
    The loss of each batch is measured *before* its update and smoothed with an
    exponential moving average with bias correction,
    :math:`s_k = \frac{a_k}{1-\beta^{k+1}}`, :math:`a_k = \beta a_{k-1} + (1-\beta) L_k`.
    The test stops early once the smoothed loss exceeds ``stop_factor`` times its minimum
    or stops being finite. A good learning rate lies somewhat below the one with the
    lowest smoothed loss (a tenth of it is a common choice).

    The network's parameters are changed by the test: run it on a fresh network.

    Parameters
    ----------
    net : Network
    loss : Loss or name
    X : ndarray, shape (n_samples, n_in)
    y : targets for ``loss``
    lr_low, lr_high : float
        The first and the last learning rate, ``0 < lr_low < lr_high``.
    batch_size : int
    seed : int or None
        Shuffles the samples (same seed, same bits).
    smoothing : float in [0, 1)
        :math:`\beta` of the moving average.
    stop_factor : float > 1
    optimizer_factory : callable, optional
        ``optimizer_factory(net, lr=...)`` builds the optimizer; plain ``SGD`` by default.

    Returns
    -------
    lrs : ndarray, shape (n_tried,)
        The learning rates tried, in order.
    smoothed_loss : ndarray, shape (n_tried,)
        The smoothed loss measured at each.
    """
    from .optim import SGD  # the default optimizer

    who = "lr_range_test()"
    if not isinstance(net, Network):
        raise TypeError(f"{who} expected a Network, got {type(net).__name__}.")
    loss = _as_loss(loss, who)
    lr_low = check_positive_float(lr_low, "lr_low", who)
    lr_high = check_positive_float(lr_high, "lr_high", who)
    if lr_high <= lr_low:
        raise ValueError(f"{who} expected lr_low < lr_high, got {lr_low} and {lr_high}.")
    batch_size = check_positive_int(batch_size, "batch_size", who, hint=_BATCH_SIZE_HINT + ".")
    rng = check_rng(seed, who, "seed")
    check_real(smoothing, "smoothing", who)
    check_real(stop_factor, "stop_factor", who)
    if not 0 <= smoothing < 1:
        raise ValueError(f"{who} expected 0 <= smoothing < 1, got {smoothing}. Try 0.9.")
    if not 1 < stop_factor < math.inf:
        raise ValueError(f"{who} expected a finite stop_factor > 1, got {stop_factor}. Try 4.")
    if optimizer_factory is not None and not callable(optimizer_factory):
        raise TypeError(
            f"{who} expected optimizer_factory to be a function (net, lr) -> optimizer, such "
            f"as lambda net, lr: SGD(net, lr=lr, momentum=0.9), got {optimizer_factory!r}."
        )
    X = _check_inputs(net, X, "X", who)
    y = _check_targets(net, loss, X, y, "y", who)
    net.check_parameters_finite(who)
    n_batches = len(X) // batch_size
    if n_batches < 2:
        raise ValueError(
            f"{who} needs at least 2 full mini-batches, got {len(X)} samples with "
            f"batch_size={batch_size}. Use a smaller batch_size."
        )
    try:
        opt = (optimizer_factory or SGD)(net, lr=lr_low)
    except TypeError as err:
        if optimizer_factory is None:
            raise
        raise TypeError(
            f"{who} calls optimizer_factory(net, lr=...) with the learning rate as the keyword "
            f"lr, and that raised TypeError: {err}. Define it with both arguments, such as "
            "lambda net, lr: SGD(net, lr=lr, momentum=0.9)."
        ) from err
    if not isinstance(opt, Optimizer) or opt.net is not net:
        raise TypeError(
            f"{who} expected optimizer_factory(net, lr=...) to return an optimizer built on "
            f"that net, such as SGD(net, lr=lr), got {opt!r}."
        )
    # the test itself (printed by the chapter "The learning rate")
    order = rng.permutation(len(X))
    lrs = np.geomspace(lr_low, lr_high, n_batches)
    # X and y were checked above: each batch runs the layers and the loss
    # without checks, as in fit(), so that any error the loss raises (BCE
    # given values outside [0, 1]) is real
    batch_loss = _batch_loss(loss)
    smoothed: list[float] = []
    average = 0.0
    # the last, too large rates overflow: no warnings for that
    with np.errstate(over="ignore", invalid="ignore"):
        for k, lr in enumerate(lrs):
            batch = order[k * batch_size : (k + 1) * batch_size]
            Y_hat = net._forward(X[batch])
            if np.isfinite(Y_hat).all():
                # inf if the loss itself overflows
                value = batch_loss(Y_hat, y[batch])
            else:  # non-finite outputs: the rate is far too large
                value = math.inf
            average = smoothing * average + (1 - smoothing) * value
            smoothed.append(average / (1 - smoothing ** (k + 1)))
            if (not math.isfinite(smoothed[-1])
                    or smoothed[-1] > stop_factor * min(smoothed)):
                break
            net._backward(loss.backward(), input_grad=False)
            opt.lr = float(lr)
            opt.step()
    return lrs[: len(smoothed)], np.array(smoothed)
