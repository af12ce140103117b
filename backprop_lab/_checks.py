"""Input validation shared by every public entry point.

The library validates at its boundaries (constructors, ``forward``, losses, ``fit``)
and nowhere else, so the inner arithmetic stays as plain as the book's equations.
Every message says who expected what, what was given, and how to fix it.
"""

from __future__ import annotations

import functools
import inspect
import numbers
import sys

import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def check_dtype(dtype, who: str) -> np.dtype:
    """Return ``np.dtype(dtype)`` if it is float32 or float64, else raise ``TypeError``."""
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(
            f"{who} expected dtype float32 or float64, got {dtype!r}. "
            "Pass dtype=np.float64 (the default) or dtype=np.float32."
        ) from err
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(
            f"{who} expected dtype float32 or float64, got {dt}. "
            "Pass dtype=np.float64 (the default) or dtype=np.float32."
        )
    return dt


def check_positive_int(value, name: str, who: str, *, minimum: int = 1, hint: str = "") -> int:
    """Return ``value`` as an ``int`` if it is an integer ``>= minimum``.

    ``hint`` (a sentence starting with a space) says how to fix a value below ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{who} expected {name} to be an integer, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{who} expected {name} >= {minimum}, got {value}.{hint}")
    return int(value)


def check_real(value, name: str, who: str, *, what: str = "a number", hint: str = "") -> float:
    """Return ``value`` as a ``float`` if it is a real number: an int, a float or a numpy
    scalar, not a bool, a string, None or an array. Otherwise a ``TypeError`` that says what
    was given and how to pass a number (``hint``, a sentence, replaces the generic advice).
    The one type check behind every number a public function takes."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{who} expected {name} to be {what}, got {value!r}. "
            f"{hint or _how_to_pass_a_number(value, name)}"
        )
    return float(value)


def _how_to_pass_a_number(value, name: str) -> str:
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return "Pass a number (an int or a float), not a string."
        return f"Write the number without quotes: {name}={number!r}."
    if isinstance(value, bool | np.bool_):
        return f"True and False are not numbers here: write {name}={int(value)} if you mean it."
    if value is None:
        return f"Pass a number; {name}=None is not accepted."
    if isinstance(value, list | tuple | np.ndarray):
        return f"Pass a single number, not a {type(value).__name__}."
    return "Pass an int or a float."


def check_positive_float(value, name: str, who: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a ``float`` if it is a finite number ``> 0`` (or ``>= 0``)."""
    value = check_real(value, name, who)
    bad = (value < 0) if allow_zero else (value <= 0)
    if bad or not np.isfinite(value):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{who} expected a finite {name} {bound}, got {value}.")
    return value


def as_array(x, name: str, who: str, *, dtype=None, about: str = "") -> np.ndarray:
    """Return ``x`` as a plain ``numpy.ndarray`` (not a subclass), or raise a clear error.

    - A masked array is refused (``TypeError``): converting it would silently drop the mask
      and compute with the hidden values. The message says to fill or drop them first.
    - Other ndarray subclasses (``np.matrix``, ``np.memmap``) are viewed as plain arrays, so
      results are plain arrays too (``np.matrix`` would turn every ``*`` into a matrix product).
    - A ragged nested list (rows of different lengths) is a ``ValueError`` naming ``name``,
      instead of numpy's "inhomogeneous shape" message.

    ``dtype`` is used only to convert what is not an ndarray yet (lists, scalars). ``about``
    explains ``name`` in the messages (``"Y_hat (the logits)"``), while the code they suggest
    uses ``name`` alone, so that it can be pasted.
    """
    label = f"{name} ({about})" if about else name
    if isinstance(x, np.ndarray):
        if type(x) is np.ndarray:
            return x
        ma = sys.modules.get("numpy.ma")  # loaded whenever a masked array exists
        if ma is not None and isinstance(x, ma.MaskedArray):
            raise TypeError(
                f"{who} expected {label} to be a plain numpy array, got a masked array, "
                "whose mask would be lost. Fill (impute) the masked entries first, e.g. "
                f"{name}.filled(0.0), or keep only the complete rows: "
                f"{name}[~np.ma.getmaskarray({name}).any(axis=1)].data."
            )
        return np.asarray(x)
    try:
        return np.asarray(x, dtype=dtype)
    except ValueError as err:
        if "inhomogeneous" in str(err) or "sequence" in str(err):
            raise ValueError(
                f"{who} expected {label} to be a rectangular array, got a ragged nested "
                f"{type(x).__name__} (rows of different lengths). Give every row the same "
                "number of entries."
            ) from err
        raise


def check_finite_number(value, name: str, who: str) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number (not a bool or a string)."""
    value = check_real(value, name, who)
    if not np.isfinite(value):
        raise ValueError(f"{who} expected a finite {name}, got {value}.")
    return value


def check_float_array(X, name: str, who: str, *, ndim: int | None = 2, dtype=None,
                      about: str = "") -> np.ndarray:
    """Return ``X`` as a float ndarray after checking its type, dimensions and finiteness.

    Integer and boolean arrays are refused rather than silently converted: the
    message says to call ``X.astype(np.float64)``. Lists of numbers are accepted
    and converted to ``dtype`` (float64 if not given). Float arrays keep their own
    dtype unless ``dtype`` is given, so float32 is never silently upcast. ``about`` explains
    ``name`` in the messages, as in :func:`as_array`; the code they suggest uses ``name``.
    """
    label = f"{name} ({about})" if about else name
    if X is None:
        raise TypeError(f"{who} expected {label} to be an array of numbers, got None.")
    if isinstance(X, np.ndarray):
        arr = as_array(X, name, who, about=about)
    else:  # a list: look at what it holds before converting it
        arr = as_array(X, name, who, about=about)
        if arr.dtype.kind in "iuf":  # numbers: converted, so a list of ints is accepted too
            arr = arr.astype(dtype if dtype is not None else np.float64)
        elif arr.dtype.kind != "b":  # strings, objects: not numbers (bools are refused below)
            raise TypeError(
                f"{who} expected {label} to be a numeric array, got a {type(X).__name__} "
                f"holding {arr.dtype} values. Convert them to numbers first."
            )
    if arr.dtype.kind in "biu":
        target = np.dtype(dtype).name if dtype is not None else "float64"
        fix = (f"{name}.astype(np.{target})" if isinstance(X, np.ndarray)
               else f"np.asarray({name}, dtype=np.{target})")
        raise TypeError(
            f"{who} expected {label} with a float dtype, got {arr.dtype}. "
            f"Convert it first: {fix}."
        )
    if arr.dtype.kind != "f":
        raise TypeError(f"{who} expected {label} with a float dtype, got {arr.dtype}.")
    if arr.dtype not in FLOAT_DTYPES and dtype is None:
        raise TypeError(
            f"{who} expected {label} of dtype float32 or float64, got {arr.dtype}. "
            f"Convert it first: {name}.astype(np.float32)."
        )
    if ndim is not None and arr.ndim != ndim:
        hint = ""
        if ndim == 2 and arr.ndim == 1:
            hint = (
                f" Rows are samples: for one sample use {name}.reshape(1, -1); "
                f"for one feature use {name}.reshape(-1, 1)."
            )
        raise ValueError(
            f"{who} expected {label} with {ndim} dimensions (n_samples, n_features), "
            f"got shape {arr.shape}.{hint}"
            if ndim == 2
            else f"{who} expected {label} with {ndim} dimensions, got shape {arr.shape}."
        )
    if ndim == 2 and arr.shape[1] == 0:
        raise ValueError(
            f"{who} expected {label} with at least one feature (column), got shape {arr.shape}."
        )
    if dtype is not None and arr.dtype != np.dtype(dtype):
        arr = arr.astype(dtype)
    check_finite(arr, label, who)
    return arr


def check_has_rows(X: np.ndarray, name: str, who: str) -> np.ndarray:
    """Raise ``ValueError`` if ``X`` has no rows: a pass over no samples computes nothing."""
    if X.ndim >= 1 and X.shape[0] == 0:
        raise ValueError(
            f"{who} expected at least one sample (row) in {name}, got shape {X.shape}."
        )
    return X


def check_finite(arr: np.ndarray, name: str, who: str) -> None:
    """Raise ``ValueError`` if ``arr`` holds NaN or infinity, saying where the first one is."""
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad)
        raise ValueError(
            f"{who} expected finite values in {name}, found {arr[tuple(bad)]} at index "
            f"{where}. Remove or impute missing values before training."
        )


def check_same_length(X: np.ndarray, y: np.ndarray, who: str, xname="X", yname="y") -> None:
    """Raise ``ValueError`` if ``X`` and ``y`` do not have the same number of rows."""
    if len(X) != len(y):
        raise ValueError(
            f"{who} expected {xname} and {yname} to have the same number of samples, "
            f"got {len(X)} and {len(y)}. {xname} needs one row and {yname} one target per "
            "sample, in the same order: check that both come from the same data set and "
            "were filtered, shuffled or split together (e.g. both returned by one "
            "train_test_split(X, y) call)."
        )


def check_rng(rng, who: str, name: str = "rng") -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from ``None``, a seed ``>= 0`` or a Generator."""
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(
                f"{who} expected {name} to be an integer seed >= 0, got {rng}. "
                f"Use {name}=0, for example."
            )
        return np.random.default_rng(int(rng))
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(
        f"{who} expected {name} to be None, an integer seed or a numpy.random.Generator, "
        f"got {type(rng).__name__}. Use {name}=np.random.default_rng(0)."
    )


def check_label_dtype(y: np.ndarray, name: str, who: str) -> np.ndarray:
    """Return ``y`` as class labels (booleans as int64 0/1) if its dtype allows, else raise.

    The one rule for labels, shared by ``SoftmaxCrossEntropy``, ``fit``, ``accuracy``,
    ``confusion_matrix`` and ``one_hot``: labels have an integer dtype, or a boolean one
    (``False``/``True`` are the classes 0/1, as in ``accuracy(y, p >= 0.5)``). Floats are
    refused with ``TypeError``, even whole numbers such as ``1.0`` (as PyTorch's
    ``cross_entropy`` and ``one_hot`` refuse them): the message says that
    ``y.astype(np.int64)`` is exact when it is, and otherwise names the value that is not a
    label, without suggesting a conversion (``astype(int)`` would truncate 1.5 to 1).
    """
    kind = y.dtype.kind
    if kind == "b" or y.size == 0:  # np.asarray([]) is float64: an empty list has no floats
        return y.astype(np.int64)
    if kind == "f":
        with np.errstate(invalid="ignore"):
            exact = np.isfinite(y) & (y == np.round(y)) & (np.abs(y) <= 2.0**53)
        if exact.all():
            raise TypeError(
                f"{who} expected integer class labels in {name}, got dtype {y.dtype} (whole "
                f"numbers). Convert them with {name}.astype(np.int64), which is exact here."
            )
        i = int(np.flatnonzero(~exact)[0])
        raise TypeError(
            f"{who} expected integer class labels in {name}, got dtype {y.dtype} with "
            f"{float(y[i])!r} at index {i}, which is not a class label (labels are whole numbers "
            "0..K-1). If these are predictions or probabilities, turn them into labels first, "
            "e.g. with predict_labels(net, X) or P.argmax(axis=1)."
        )
    if kind not in "iu":
        raise TypeError(f"{who} expected integer class labels in {name}, got dtype {y.dtype}.")
    return y


#: how to turn any labels into class indices 0..K-1, for the messages that refuse other labels
RENUMBER = ("classes, y = np.unique(y, return_inverse=True) (classes[k] is then the original "
            "label of class k)")

def check_labels_nonnegative(low: int, who: str) -> None:
    """Raise ``ValueError`` if ``low``, the smallest label given, is negative: class labels
    are 0..K-1, and the message says how to renumber others."""
    if low < 0:
        raise ValueError(
            f"{who} expected labels >= 0, got {low}. Class labels are 0..K-1: renumber "
            f"them with {RENUMBER}."
        )


#: the largest array (in bytes) that a label encoding may allocate before it is taken for a
#: labelling mistake (a raw id as a label) rather than a request for that much memory
MAX_LABEL_BYTES = 2**32


def check_allocation(shape: tuple[int, ...], dtype, who: str, what: str) -> None:
    """Raise ``ValueError`` if an array of ``shape`` and ``dtype`` exceeds ``MAX_LABEL_BYTES``."""
    n_bytes = int(np.prod(shape, dtype=object)) * np.dtype(dtype).itemsize
    if n_bytes > MAX_LABEL_BYTES:
        raise ValueError(
            f"{who}: {what} of shape {shape} would take {n_bytes / 2**30:.1f} GiB. Check the "
            f"labels: they must be 0..K-1, not raw ids (renumber them with {RENUMBER}), and "
            "pass n_classes if it is known."
        )


#: more classes than this, implied by the largest label, is taken for a labelling mistake
MAX_CLASSES = 100_000


def check_n_classes(n_classes, high: int, who: str, hint: str = "") -> int:
    """The number of classes for labels ``0..high``: ``n_classes`` checked against ``high``,
    or ``high + 1`` when ``n_classes`` is None (if that is plausible)."""
    if n_classes is None:
        if high + 1 > MAX_CLASSES:
            raise ValueError(
                f"{who} got label {high}, which implies {high + 1} classes (more than "
                f"{MAX_CLASSES}). Check the labels (they must be 0..K-1, not raw ids), or pass "
                "n_classes if there really are that many classes."
            )
        return high + 1
    n_classes = check_positive_int(n_classes, "n_classes", who)
    if high >= n_classes:
        raise ValueError(
            f"{who} expected labels in 0..{n_classes - 1} for n_classes={n_classes}, "
            f"got label {high}.{hint}"
        )
    return n_classes


def lookup(name: str, table: dict, kind: str, who: str, *, also: str = "", fix: str = ""):
    """Find ``name`` in ``table`` (case-insensitive), or list the valid names.

    ``also`` says what else the caller accepts besides a name (e.g. ``"a layer such as
    ReLU()"``); it goes into the message when ``name`` is not a string. A class or function
    that has a name in the table (``ReLU``, ``np.tanh``) gets that name as the fix.
    ``fix`` (a sentence starting with a space) is appended to the unknown-name message.
    """
    if not isinstance(name, str):
        valid = ", ".join(repr(k) for k in table)
        accepted = f"a name ({valid})" + (f" or {also}" if also else "")
        if isinstance(name, type):
            got = f"the class {name.__name__}"
        else:
            got = f"{type(name).__name__} {name!r}"
        hint = ""
        key = getattr(name, "__name__", "")
        key = key.lower() if isinstance(key, str) else ""
        matches = [k for k, v in table.items() if v is name or k == key]
        if matches:
            hint = f" Pass the name {matches[0]!r}"
            if isinstance(name, type) and also:
                hint += f", or add the parentheses: {name.__name__}()"
            hint += "."
        raise TypeError(f"{who} expected {kind} to be {accepted}, got {got}.{hint}")
    key = name.lower().replace("-", "_")
    if key not in table:
        valid = ", ".join(repr(k) for k in table)
        raise ValueError(f"{who}: unknown {kind} {name!r}. Valid names are: {valid}.{fix}")
    return table[key]


class checked:  # noqa: N801 (used as a decorator, named as one)
    """Declare a public method's checks, so that the method's body holds the maths only.

    ::

        checks_input = checked(by="_check_input")

        class Dense(Layer):
            @checks_input
            def forward(self, X):
                ...  # the maths, on an X already checked

    Calling ``layer.forward(X)`` runs ``X = layer._check_input(X)``, then the body. Each
    check is the *name* of a method of the object, so a subclass refines a check by
    overriding that method.

    - ``by``: checks the arguments and returns them (a tuple if there are several); called
      with the method's required arguments (those without a default, given by position or
      by name), and ``who=`` if given. The others go to the body unchecked.
    - ``then``: checks the result, called as ``then(result, *checked_arguments)`` (and
      ``who=``); it raises or returns nothing. With ``quiet=True`` the body runs with numpy's
      overflow and invalid-value warnings off, because ``then`` reports a non-finite result
      itself, with advice.
    - ``who``: passed as ``who=`` to both checks, to name the caller in their messages.

    The body is also installed, unchanged and unchecked, as ``_<name>`` (``_forward``): the
    path for callers that validated once already, such as ``Network`` calling its layers
    and ``fit`` calling them on every mini-batch. The public method calls ``self._<name>``,
    so a subclass that overrides ``_forward`` is used by both paths. ``inspect.getsource``
    of the public method shows the body (it follows ``__wrapped__``).
    """

    def __init__(self, by: str | None = None, then: str | None = None, *,
                 quiet: bool = False, who: str | None = None) -> None:
        self.by, self.then, self.quiet, self.who = by, then, quiet, who

    def __call__(self, method) -> _Declared:
        return _Declared(self, method)


class _Declared:
    """A method under :class:`checked`, until its class is created (``__set_name__``)."""

    def __init__(self, checks: checked, method) -> None:
        self.checks, self.method = checks, method

    def __set_name__(self, owner, name: str) -> None:
        unchecked = "_" + name
        setattr(owner, unchecked, self.method)
        setattr(owner, name, self._public(name, unchecked))

    def _public(self, name: str, unchecked: str):
        by, then, quiet = self.checks.by, self.checks.then, self.checks.quiet
        kw = {} if self.checks.who is None else {"who": self.checks.who}
        # the required arguments, which ``by`` checks: X; dY; Y_hat and y
        required = [p.name for p in list(inspect.signature(self.method).parameters.values())[1:]
                    if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty]
        n = len(required)

        def bind(obj, args, kwargs):
            """``args`` with the required arguments given by name moved into it."""
            if kwargs and len(args) < n:
                args = (*args, *(kwargs.pop(key) for key in required[len(args):]
                                 if key in kwargs))
            if len(args) < n:
                missing = ", ".join(required[len(args):])
                raise TypeError(f"{type(obj).__name__}.{name}() is missing {missing}.")
            return args

        if n == 0 and by is not None and then is None and not kw:  # loss.backward()
            @functools.wraps(self.method)
            def public(obj, *args, **kwargs):  # the same, shorter: fit calls it per batch
                getattr(obj, by)()
                return getattr(obj, unchecked)(*args, **kwargs)

            public.checks = self.checks
            return public

        @functools.wraps(self.method)
        def public(obj, *args, **kwargs):
            if len(args) != n or kwargs:
                args = bind(obj, args, kwargs)
            if by is not None:
                checked = getattr(obj, by)(*args[:n], **kw)
                args = (*(checked if isinstance(checked, tuple) else (checked,)), *args[n:])
            if then is None:
                return getattr(obj, unchecked)(*args, **kwargs)
            if quiet:
                with np.errstate(over="ignore", invalid="ignore"):  # reported by then
                    result = getattr(obj, unchecked)(*args, **kwargs)
            else:
                result = getattr(obj, unchecked)(*args, **kwargs)
            getattr(obj, then)(result, *args[:n], **kw)
            return result

        public.checks = self.checks
        return public
