"""Saving and loading networks as ``.npz`` files, without pickle (chapter "Evaluation and
tuning").

A save file is a numpy ``.npz`` archive holding

- ``architecture``: a 0-d unicode array with a JSON description, e.g.
  ``{"format": "backprop_lab", "version": 1, "dtype": "float32",
  "layers": [{"type": "Dense", "n_in": 784, "n_out": 512}, {"type": "ReLU"}, ...]}``
  (each layer as its class's name and what its ``config()`` returns: ``LeakyReLU`` also
  stores its ``alpha``; a layer of a new class is saved once its class defines ``config``);
- one array per parameter, named as :meth:`Network.named_parameters` names them
  (``"0.W"``, ``"0.b"``, ``"2.W"``, ...).

Loading never unpickles (``allow_pickle=False``): a save file cannot run code. Arrays are
stored uncompressed and come back bit for bit, in their dtype.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np

from . import activations  # noqa: F401 (defines the built-in layers that load rebuilds)
from .layers import Layer
from .network import Network

__all__ = ["FORMAT_VERSION", "load", "save"]

#: version of the save format written by :func:`save`; :func:`load` reads only this one
FORMAT_VERSION = 1

_FORMAT = "backprop_lab"
_MAGIC = (b"PK\x03\x04", b"\x93NUMPY")  # how a zip archive (an .npz) and an .npy file start


def _npz_path(path) -> Path:
    path = Path(path)
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")


def _writable_npz_path(path) -> Path:
    """The ``.npz`` path ``save()`` will write, after checking that it can be a new file."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(
            f"save() expected a file path (str or pathlib.Path), got {type(path).__name__}."
        )
    if os.fspath(path) == "":
        raise ValueError("save() expected a file name, got ''. Pass a path such as 'model.npz'.")
    for candidate in (Path(path), _npz_path(path)):
        if candidate.is_dir():
            raise ValueError(
                f"save() expected a file path, but '{candidate}' is a directory. Name a file "
                f"inside it, e.g. save(net, '{candidate / 'model.npz'}')."
            )
    path = _npz_path(path)
    if not path.parent.is_dir():
        raise ValueError(
            f"save() cannot write '{path}': the directory '{path.parent}' does not exist. "
            f"Create it first with pathlib.Path('{path.parent}').mkdir(parents=True), or "
            "choose an existing directory."
        )
    return path


def _describe(layer, i: int) -> dict:
    """The layer's entry in the architecture: its class's name and its ``config()``.

    Only a class that defines ``config`` itself is saved: a subclass may carry state that
    its parent's ``config`` does not know about."""
    cls = type(layer)
    name = cls.__name__
    if Layer._saveable.get(name) is not cls:
        if "config" in vars(cls):
            why = (f"another layer class is saved under the name {name}: give {name} "
                   "another name")
        else:
            why = (f"its class {name} does not define config(), the constructor arguments "
                   f"that rebuild it. Define {name}.config() returning them as a dict (for "
                   "example {} for a layer without arguments); load() rebuilds the layer "
                   f"as {name}(**config) and copies its parameters in")
        raise TypeError(f"save() cannot store layer {i}, {layer!r}: {why}.")
    return {"type": name, **layer.config()}


def save(net: Network, path) -> Path:
    """Write ``net`` (architecture and parameters) to ``path`` as an ``.npz`` file.

    (Chapter "Evaluation and tuning".) ``".npz"`` is appended to the name if missing, as
    numpy does. Returns the path written.

    Raises
    ------
    ValueError
        The path is empty or a directory, its directory does not exist, or a parameter
        holds NaN or inf (a diverged network is not saved). Nothing is written then.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from backprop_lab import Dense, Network, ReLU
    >>> net = Network([Dense(2, 3, rng=0), ReLU(), Dense(3, 1, rng=0)])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = save(net, pathlib.Path(tmp) / "model")
    ...     print(path.name, load(path))
    model.npz Network([Dense(2 -> 3), ReLU(), Dense(3 -> 1)])
    """
    if not isinstance(net, Network):
        raise TypeError(f"save() expected a Network, got {type(net).__name__}.")
    path = _writable_npz_path(path)
    net.check_parameters_finite("save()")  # a diverged network is not worth a file
    architecture = {
        "format": _FORMAT,
        "version": FORMAT_VERSION,
        "dtype": str(net.dtype),
        "layers": [_describe(layer, i) for i, layer in enumerate(net.layers)],
    }
    arrays = {name: param for name, param, _ in net.named_parameters()}
    arrays["architecture"] = np.array(json.dumps(architecture))
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return path


def _corrupted(path: Path, err: Exception) -> ValueError:
    return ValueError(
        f"load(): '{path}' is damaged or not a valid .npz file ({type(err).__name__}: {err}). "
        "Re-save the network with save(net, path)."
    )


def load(path) -> Network:
    """Read a network written by :func:`save` (chapter "Evaluating and tuning").

    Raises
    ------
    FileNotFoundError
        No such file.
    ValueError
        The file is damaged, is not a backprop_lab save, has another format version, its
        parameters do not match its architecture, or they hold NaN or inf.
    """
    given = path
    if not isinstance(path, str | os.PathLike):
        raise TypeError(
            f"load() expected a file path (str or pathlib.Path), got {type(path).__name__}."
        )
    path = Path(path)
    if not path.exists() and _npz_path(path).exists():
        path = _npz_path(path)  # save() appended ".npz"
    if path.is_dir():
        raise IsADirectoryError(
            f"load() expected the path of a .npz file written by save(net, path), got the "
            f"directory '{given}'. Pass the file inside it, e.g. '{Path(given) / 'net.npz'}'."
        )
    if not path.is_file():
        raise FileNotFoundError(
            f"load() found no file at '{given}'. Check the path, or save a network first "
            "with save(net, path)."
        )
    with open(path, "rb") as f:
        start = f.read(6)
    if not start.startswith(_MAGIC):
        # np.load would take it for a pickle and suggest allow_pickle=True: never do that
        raise ValueError(
            f"load(): '{path}' is damaged or not a valid .npz file: it is not a zip archive, "
            "so it is not a backprop_lab .npz file. Load a file written by "
            "backprop_lab.save(net, path)."
        )
    contents = None
    try:
        # opened here, not by np.load, which leaks its file when the zip is truncated
        with open(path, "rb") as f:
            data = np.load(f, allow_pickle=False)
            if isinstance(data, np.lib.npyio.NpzFile):
                with data:
                    contents = {key: data[key] for key in data.files}  # reads, CRC-checks all
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as err:
        raise _corrupted(path, err) from err
    if contents is None or "architecture" not in contents:
        raise ValueError(
            f"load(): '{path}' is not a backprop_lab save file (it has no 'architecture' "
            "entry). Load files written by backprop_lab.save(net, path)."
        )
    try:
        arch = json.loads(str(contents.pop("architecture")))
        version = arch.get("version")
        fmt = arch.get("format")
    except (ValueError, AttributeError) as err:
        raise _corrupted(path, err) from err
    if fmt != _FORMAT:
        raise ValueError(
            f"load(): '{path}' is not a backprop_lab save file (format {fmt!r}). "
            "Load files written by backprop_lab.save(net, path)."
        )
    if version != FORMAT_VERSION:
        raise ValueError(
            f"load(): '{path}' was saved in format version {version}, but this version of "
            f"backprop_lab reads version {FORMAT_VERSION}. Use the backprop_lab version that "
            "wrote it, or re-save the network."
        )
    largest = max((array.size for array in contents.values()), default=0)
    try:
        if arch["dtype"] not in ("float32", "float64"):  # np.dtype(None) would be float64
            raise ValueError(f"dtype must be 'float32' or 'float64', got {arch['dtype']!r}")
        dtype = np.dtype(arch["dtype"])
        layers = [_build(spec, dtype, largest) for spec in arch["layers"]]
        net = Network(layers)
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(
            f"load(): the architecture stored in '{path}' is invalid ({err}): the file is "
            "corrupted or mismatched. Re-save the network with save(net, path)."
        ) from err
    expected = {name for name, _, _ in net.named_parameters()}
    extra = sorted(set(contents) - expected)
    if extra:
        raise ValueError(
            f"load(): '{path}' holds arrays {extra} that its architecture does not use. "
            "Re-save the network with save(net, path)."
        )
    for name, param, _ in net.named_parameters():
        if name not in contents:
            raise ValueError(
                f"load(): parameter {name!r} is missing from '{path}'. "
                "Re-save the network with save(net, path)."
            )
        stored = contents[name]
        if stored.shape != param.shape:
            raise ValueError(
                f"load(): parameter {name!r} in '{path}' has shape {stored.shape}, but the "
                f"architecture needs {param.shape}. Re-save the network with save(net, path)."
            )
        if stored.dtype != param.dtype:
            raise ValueError(
                f"load(): parameter {name!r} in '{path}' has dtype {stored.dtype}, but the "
                f"architecture says {param.dtype}. Re-save the network with save(net, path)."
            )
        if not np.isfinite(stored).all():
            raise ValueError(
                f"load(): parameter {name!r} in '{path}' is not finite (it holds NaN or inf): "
                "the file holds a diverged or corrupted network. Retrain the network and "
                "save it again."
            )
        np.copyto(param, stored)
    return net


def _build(spec: dict, dtype: np.dtype, largest: int):
    """One layer from its description; ``largest`` is the size of the largest stored array."""
    kind = spec["type"]
    if kind not in Layer._saveable:
        raise ValueError(f"unknown layer type {kind!r}")
    config = {key: value for key, value in spec.items() if key != "type"}
    return Layer._saveable[kind].from_config(config, dtype=dtype, largest=largest)
