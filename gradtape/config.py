"""``tf.config``: the devices gradtape runs on, and switches TensorFlow programs set.

gradtape computes on one device, the CPU (through the array library of the
inputs: NumPy by default, see ``docs/backends.md``), so the device lists hold
it alone and there is no GPU to hide or to grow memory on.  A program that
looks for GPUs finds none and takes its CPU path, as under TensorFlow on a
machine without one.  ``run_functions_eagerly`` is the one switch that
changes what runs: every ``gradtape.function`` then calls its Python function.

>>> import gradtape as tf
>>> tf.config.list_physical_devices("GPU")
[]
>>> tf.config.list_physical_devices("CPU")
[PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]
"""
from __future__ import annotations

import types
from collections import namedtuple
from typing import List, Optional, Sequence, Union

from . import compiled as _compiled

__all__ = ["PhysicalDevice", "LogicalDevice", "list_physical_devices", "list_logical_devices",
           "get_visible_devices", "set_visible_devices", "run_functions_eagerly",
           "functions_run_eagerly", "get_soft_device_placement", "set_soft_device_placement",
           "experimental", "threading"]

PhysicalDevice = namedtuple("PhysicalDevice", "name device_type")
PhysicalDevice.__doc__ = """A device of the machine, as ``tf.config`` lists it.

>>> import gradtape as tf
>>> tf.config.list_physical_devices()[0].device_type
'CPU'
"""
LogicalDevice = namedtuple("LogicalDevice", "name device_type")
LogicalDevice.__doc__ = """A device ops are placed on, as ``tf.config`` lists it.

>>> import gradtape as tf
>>> tf.config.list_logical_devices()[0].name
'/device:CPU:0'
"""

_CPU = PhysicalDevice("/physical_device:CPU:0", "CPU")
_CPU_LOGICAL = LogicalDevice("/device:CPU:0", "CPU")
_settings = {"soft_placement": True, "intra_op_threads": 0, "inter_op_threads": 0}


def _of_type(devices, device_type):
    if device_type is None:
        return list(devices)
    return [d for d in devices if d.device_type == str(device_type).upper()]


def list_physical_devices(device_type: Optional[str] = None) -> List[PhysicalDevice]:
    """The machine's devices of ``device_type`` (``"CPU"``, ``"GPU"``...; all when None).

    >>> import gradtape as tf
    >>> [d.name for d in tf.config.list_physical_devices()]
    ['/physical_device:CPU:0']
    """
    return _of_type([_CPU], device_type)


def list_logical_devices(device_type: Optional[str] = None) -> List[LogicalDevice]:
    """The devices ops run on, of ``device_type`` (all when None).

    >>> import gradtape as tf
    >>> tf.config.list_logical_devices("GPU")
    []
    """
    return _of_type([_CPU_LOGICAL], device_type)


def get_visible_devices(device_type: Optional[str] = None) -> List[PhysicalDevice]:
    """The devices gradtape may use, of ``device_type`` (all when None).

    >>> import gradtape as tf
    >>> len(tf.config.get_visible_devices("CPU"))
    1
    """
    return list_physical_devices(device_type)


def set_visible_devices(devices: Union[PhysicalDevice, Sequence[PhysicalDevice]],
                        device_type: Optional[str] = None) -> None:
    """Choose the visible devices of ``device_type``.  Any choice that keeps
    the CPU visible is accepted (there is nothing else to hide); hiding the CPU
    is an error, since gradtape computes nowhere else.

    >>> import gradtape as tf
    >>> tf.config.set_visible_devices([], "GPU")
    """
    chosen = [devices] if isinstance(devices, PhysicalDevice) else list(devices)
    for d in chosen:
        if d not in list_physical_devices():
            raise ValueError(f"set_visible_devices: unknown device {d!r}; use the devices "
                             "tf.config.list_physical_devices() returns")
    if _CPU not in chosen and _CPU in list_physical_devices(device_type):
        raise ValueError("set_visible_devices: gradtape computes on the CPU only, so the CPU "
                         "must stay visible")


def run_functions_eagerly(run_eagerly: bool) -> None:
    """With True, every ``gradtape.function`` runs its Python function on each
    call instead of a compiled program (for debugging with ``print`` and a debugger).

    >>> import gradtape as tf
    >>> f = tf.function(lambda x: tf.constant(tf.executing_eagerly()))
    >>> tf.config.run_functions_eagerly(True)
    >>> bool(f(1.0))
    True
    >>> tf.config.run_functions_eagerly(False)
    >>> bool(f(1.0))
    False
    """
    _compiled.RUN_EAGERLY[0] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    """Whether ``run_functions_eagerly(True)`` is in force.

    >>> import gradtape as tf
    >>> tf.config.functions_run_eagerly()
    False
    """
    return _compiled.RUN_EAGERLY[0]


def get_soft_device_placement() -> bool:
    """TensorFlow's soft placement flag, kept for programs that read it back
    (gradtape places every op on the CPU either way).

    >>> import gradtape as tf
    >>> tf.config.get_soft_device_placement()
    True
    """
    return _settings["soft_placement"]


def set_soft_device_placement(enabled: bool) -> None:
    """Set the flag ``get_soft_device_placement`` returns.

    >>> import gradtape as tf
    >>> tf.config.set_soft_device_placement(True)
    """
    _settings["soft_placement"] = bool(enabled)


def _set_memory_growth(device: PhysicalDevice, enable: bool) -> None:
    """TensorFlow's GPU memory option: there is no GPU, and as TensorFlow does
    for a CPU, setting it on one is a ``ValueError``.

    >>> import gradtape as tf
    >>> for gpu in tf.config.list_physical_devices("GPU"):
    ...     tf.config.experimental.set_memory_growth(gpu, True)
    """
    raise ValueError("Cannot set memory growth on non-GPU and non-Pluggable devices "
                     f"(got {device!r}; gradtape has no GPU devices)")


def _enable_op_determinism() -> None:
    """Ask for deterministic ops: gradtape's are (NumPy computes every op the
    same way each time, and random ops follow ``tf.random.set_seed``).

    >>> import gradtape as tf
    >>> tf.config.experimental.enable_op_determinism()
    """


experimental = types.SimpleNamespace(
    list_physical_devices=list_physical_devices, list_logical_devices=list_logical_devices,
    get_visible_devices=get_visible_devices, set_visible_devices=set_visible_devices,
    set_memory_growth=_set_memory_growth, enable_op_determinism=_enable_op_determinism)


def _thread_count(key):
    def get() -> int:
        return _settings[key]

    def set_(num_threads: int) -> None:
        _settings[key] = int(num_threads)
    return get, set_


_get_intra, _set_intra = _thread_count("intra_op_threads")
_get_inter, _set_inter = _thread_count("inter_op_threads")
# TensorFlow's thread pools; NumPy's BLAS takes its thread count from the
# environment (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS) when it starts
threading = types.SimpleNamespace(
    get_intra_op_parallelism_threads=_get_intra, set_intra_op_parallelism_threads=_set_intra,
    get_inter_op_parallelism_threads=_get_inter, set_inter_op_parallelism_threads=_set_inter)


from ._missing import missing_names as _missing_names  # noqa: E402
__getattr__ = _missing_names("gradtape.config", "tf.config")
