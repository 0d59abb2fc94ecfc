"""``gradtape.test``: ``compute_gradient`` as ``tf.test`` has it, and the build
questions TensorFlow programs ask before choosing a device (gradtape has no GPU).

>>> import gradtape as tf
>>> callable(tf.test.compute_gradient), tf.test.is_gpu_available(), tf.test.gpu_device_name()
(True, False, '')
"""
from __future__ import annotations

from .testing import compute_gradient  # noqa: F401

from ._missing import missing_names as _missing_names
from typing import Any


def is_gpu_available(cuda_only: bool = False, min_cuda_compute_capability: Any = None) -> bool:
    """False: gradtape computes on the CPU (CuPy arrays aside, see docs/backends.md).

    >>> import gradtape as tf
    >>> tf.test.is_gpu_available()
    False
    """
    return False


def gpu_device_name() -> str:
    """The name of a GPU device: ``''``, as TensorFlow answers without one.

    >>> import gradtape as tf
    >>> tf.test.gpu_device_name()
    ''
    """
    return ""


def is_built_with_cuda() -> bool:
    """False: gradtape has no CUDA, ROCm or other GPU build (``is_built_with_gpu_support``
    and ``is_built_with_rocm`` are this function).

    >>> import gradtape as tf
    >>> tf.test.is_built_with_cuda(), tf.test.is_built_with_gpu_support()
    (False, False)
    """
    return False


is_built_with_gpu_support = is_built_with_rocm = is_built_with_cuda

__getattr__ = _missing_names("gradtape.test", "tf.test")
