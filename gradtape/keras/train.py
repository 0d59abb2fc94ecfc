"""``gradtape.train.Checkpoint`` (also ``gradtape.Checkpoint``): save and restore
the Variables of models and optimizers in one ``.npz`` file.

Writing is atomic: the arrays go to a temporary file in the same directory,
which then replaces the target in one ``os.replace``; a crash mid-write
leaves the previous file as it was.  Reading is all or nothing: every
Variable must find a value of its shape and dtype in the file and every
value in the file must find its Variable, or nothing is assigned and the
error lists what did not match.

Values are keyed by stable paths, not by Variable names (which depend on how
many layers a program created): ``model/layers/0/kernel``,
``optimizer/momentum/0``, ``optimizer/iteration``.
"""
import os
import tempfile
import zipfile

import numpy as np

from ..checkpoint_management import CheckpointManager, latest_checkpoint, list_variables  # noqa: F401
from .module import Module
from ..variables import Variable

_SUFFIX = ".npy"


def _object_items(name, obj):
    """``(key, variable)`` pairs for one object given to Checkpoint."""
    if isinstance(obj, Variable):
        return [(name, obj)]
    if isinstance(obj, Module):
        return [(f"{name}/{path}", var) for path, var in obj.named_variables()]
    items = getattr(obj, "_checkpoint_items", None)
    if items is not None:
        return [(f"{name}/{key}", var) for key, var in items()]
    if hasattr(obj, "variables"):
        return [(f"{name}/{i}", var) for i, var in enumerate(obj.variables)]
    raise TypeError(f"Checkpoint: cannot save {name}={type(obj).__name__}; expected a "
                    "Variable, a Module, an optimizer or an object with `variables`")


class Checkpoint:
    """Save and restore named objects' Variables in one ``.npz`` file.

    >>> import os, tempfile
    >>> import gradtape as tf
    >>> model = tf.layers.Dense(2, kernel_initializer="ones")
    >>> _ = model(tf.ones((1, 3)))
    >>> ckpt = tf.Checkpoint(model=model)
    >>> path = ckpt.write(os.path.join(tempfile.mkdtemp(), "model.npz"))
    >>> _ = model.kernel.assign(tf.zeros((3, 2)))
    >>> ckpt.read(path)
    >>> model.kernel.numpy().sum()
    6.0
    """

    def __init__(self, **objects):
        if not objects:
            raise ValueError("Checkpoint: give the objects to save as keyword arguments, "
                             "e.g. Checkpoint(model=model, optimizer=optimizer)")
        for name in objects:
            if "/" in name:
                raise ValueError(f"Checkpoint: object name {name!r} must not contain '/'")
        self._objects = dict(objects)

    def _items(self):
        items, owners = [], {}
        for name, obj in self._objects.items():
            for key, var in _object_items(name, obj):
                if owners.setdefault(key, var) is not var:
                    raise ValueError(f"Checkpoint: two different variables would be saved "
                                     f"under the key {key!r}; rename a dict key or an object")
                items.append((key, var))
        return items

    # -- writing -------------------------------------------------------------
    def write(self, path):
        """Write every Variable's value to ``path`` atomically; returns ``path``."""
        path = os.fspath(path)
        arrays = {key: np.array(var.numpy()) for key, var in self._items()}
        directory = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.",
                                   suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                _write_npz(f, arrays)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            _remove_quietly(tmp)
            raise
        return path

    save = write

    # -- reading -------------------------------------------------------------
    def read(self, path):
        """Assign every Variable its value from ``path``; on any mismatch assign none.

        ``None`` (no checkpoint yet: ``restore(manager.latest_checkpoint)`` on a
        first run) restores nothing, as TensorFlow's ``restore(None)``.
        """
        if path is None:
            return None
        path = os.fspath(path)
        stored = _read_npz(path)
        items = self._items()
        problems = _mismatches(items, stored)
        if problems:
            raise ValueError(f"Checkpoint.read({path!r}): the file does not match the "
                             "objects to restore, nothing was restored:\n  "
                             + "\n  ".join(problems))
        for key, var in items:
            var.assign(stored[key])

    restore = read


def _write_npz(f, arrays):
    """The ``.npz`` layout (one ``.npy`` member per array), as ``numpy.savez`` writes it."""
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zf:
        for key, arr in arrays.items():
            with zf.open(key + _SUFFIX, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, arr, allow_pickle=False)


def _read_npz(path):
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    except FileNotFoundError:
        raise FileNotFoundError(f"Checkpoint.read: no checkpoint file at {path!r}") from None
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise ValueError(f"Checkpoint.read: {path!r} is not a readable checkpoint "
                         f"(.npz) file: {err}") from None


def _mismatches(items, stored):
    problems = []
    expected = {key for key, _ in items}
    for key, var in items:
        if key not in stored:
            problems.append(f"missing: {key!r} ({var.name}, shape {tuple(var.shape)}) has no "
                            "value in the file")
            continue
        value = stored[key]
        if value.shape != tuple(var.shape) or value.dtype != var.dtype._np:
            problems.append(f"mismatch: {key!r} ({var.name}) is {var.dtype.name} of shape "
                            f"{tuple(var.shape)}, the file holds {value.dtype.name} of "
                            f"shape {value.shape}")
    extra = sorted(set(stored) - expected)
    if extra:
        problems.append(
            f"unexpected: the file holds {extra}, which the objects do not have (a layer "
            "builds its weights on its first call and an optimizer its slots on its first "
            "step or `build`: call them before restoring)")
    return problems


def _remove_quietly(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass

from .._missing import missing_names as _missing_names  # noqa: E402

__getattr__ = _missing_names("gradtape.train", "tf.train")
