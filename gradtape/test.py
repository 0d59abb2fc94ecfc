"""``gradtape.test``: ``compute_gradient`` as ``tf.test`` has it, and the build
questions TensorFlow programs ask before choosing a device (gradtape has no GPU).

>>> import gradtape as tf
>>> callable(tf.test.compute_gradient), tf.test.is_gpu_available(), tf.test.gpu_device_name()
(True, False, '')
"""
from __future__ import annotations

import contextlib
import shutil
import tempfile
import unittest

import numpy as np

from . import nest
from ._core.dtypes import as_dtype
from ._core.tensor import TensorLike
from .errors import OpError
from .testing import compute_gradient  # noqa: F401

from ._missing import missing_names as _missing_names
from typing import Any, Iterator, Optional


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

class TestCase(unittest.TestCase):
    """``unittest.TestCase`` with TensorFlow's array assertions, so test files
    written for ``tf.test.TestCase`` run unchanged.  Tensors, arrays, numbers
    and nested lists, tuples and dicts of them compare by value.

    >>> import gradtape as tf
    >>> class Square(tf.test.TestCase):
    ...     def test_gradient(self):
    ...         x = tf.constant(3.0)
    ...         with tf.GradientTape() as tape:
    ...             tape.watch(x)
    ...             y = x * x
    ...         self.assertAllClose(tape.gradient(y, x), 6.0)
    >>> Square("test_gradient").run().wasSuccessful()
    True
    """

    def evaluate(self, tensors: Any) -> Any:
        """``tensors`` (nested) with every tensor as its NumPy value."""
        return nest.map_structure(_value, tensors)

    @contextlib.contextmanager
    def session(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        """TensorFlow 1's session scope: eager code needs none (``run`` evaluates)."""
        yield _Session(self.evaluate)

    cached_session = session

    def get_temp_dir(self) -> str:
        """A directory of this test's own, removed when the test ends."""
        if not hasattr(self, "_temp_dir"):
            self._temp_dir = tempfile.mkdtemp()
            self.addCleanup(shutil.rmtree, self._temp_dir, ignore_errors=True)
        return self._temp_dir

    def assertAllClose(self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6,  # noqa: N802
                       msg: Optional[str] = None) -> None:
        """``a`` and ``b`` (nested alike) have equal shapes and close values."""
        if isinstance(a, dict) or isinstance(b, dict):
            self.assertEqual(sorted(a), sorted(b), msg)
            for key in a:
                self.assertAllClose(a[key], b[key], rtol, atol, msg)
            return
        if _is_sequence_of_structures(a) or _is_sequence_of_structures(b):
            self.assertEqual(len(a), len(b), msg)
            for x, y in zip(a, b):
                self.assertAllClose(x, y, rtol, atol, msg)
            return
        x, y = _array(a), _array(b)
        self.assertEqual(x.shape, y.shape, f"shapes differ: {x.shape} vs {y.shape}. {msg or ''}")
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, err_msg=msg or "", equal_nan=True)

    def assertAllCloseAccordingToType(self, a: Any, b: Any, rtol: float = 1e-6,  # noqa: N802
                                      atol: float = 1e-6, float_rtol: float = 1e-6,
                                      float_atol: float = 1e-6, half_rtol: float = 1e-3,
                                      half_atol: float = 1e-3, bfloat16_rtol: float = 1e-2,
                                      bfloat16_atol: float = 1e-2, msg: Optional[str] = None) -> None:
        """``assertAllClose`` with the tolerances looser for float32 and float16 values."""
        dtypes = (_array(a).dtype, _array(b).dtype)
        if np.dtype(np.float16) in dtypes:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        elif np.dtype(np.float32) in dtypes:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        self.assertAllClose(a, b, rtol, atol, msg)

    def assertNotAllClose(self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6,  # noqa: N802
                          msg: Optional[str] = None) -> None:
        """Fail if ``assertAllClose(a, b)`` would pass."""
        try:
            self.assertAllClose(a, b, rtol, atol)
        except AssertionError:
            return
        raise AssertionError(msg or "The two values are close at all elements")

    def assertAllEqual(self, a: Any, b: Any, msg: Optional[str] = None) -> None:  # noqa: N802
        """``a`` and ``b`` have equal shapes and equal values."""
        x, y = _array(a), _array(b)
        self.assertEqual(x.shape, y.shape, f"shapes differ: {x.shape} vs {y.shape}. {msg or ''}")
        np.testing.assert_array_equal(x, y, err_msg=msg or "")

    def assertNotAllEqual(self, a: Any, b: Any, msg: Optional[str] = None) -> None:  # noqa: N802
        """Fail if ``a`` and ``b`` are equal at every element."""
        x, y = _array(a), _array(b)
        if x.shape == y.shape and bool(np.all(x == y)):
            raise AssertionError(msg or "The two values are equal at all elements")

    def assertAllGreater(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        """Every element of ``a`` is greater than ``comparison_target``."""
        self.assertTrue(bool(np.all(_array(a) > _array(comparison_target))), "not all greater")

    def assertAllGreaterEqual(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        """Every element of ``a`` is at least ``comparison_target``."""
        self.assertTrue(bool(np.all(_array(a) >= _array(comparison_target))),
                        "not all greater or equal")

    def assertAllLess(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        """Every element of ``a`` is less than ``comparison_target``."""
        self.assertTrue(bool(np.all(_array(a) < _array(comparison_target))), "not all less")

    def assertAllLessEqual(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        """Every element of ``a`` is at most ``comparison_target``."""
        self.assertTrue(bool(np.all(_array(a) <= _array(comparison_target))),
                        "not all less or equal")

    def assertAllInRange(self, target: Any, lower_bound: Any, upper_bound: Any,  # noqa: N802
                         open_lower_bound: bool = False, open_upper_bound: bool = False) -> None:
        """Every element of ``target`` lies between the bounds (closed unless told)."""
        x = _array(target)
        low = x > lower_bound if open_lower_bound else x >= lower_bound
        high = x < upper_bound if open_upper_bound else x <= upper_bound
        self.assertTrue(bool(np.all(low & high)),
                        f"values outside [{lower_bound}, {upper_bound}]: {x[~(low & high)]}")

    def assertAllInSet(self, target: Any, expected_set: Any) -> None:  # noqa: N802
        """Every element of ``target`` is one of ``expected_set``."""
        extra = set(np.unique(_array(target)).tolist()) - set(expected_set)
        self.assertFalse(extra, f"elements {sorted(extra)} are not in {expected_set}")

    def assertNear(self, f1: float, f2: float, err: float, msg: Optional[str] = None) -> None:  # noqa: N802
        """``|f1 - f2| <= err``."""
        self.assertTrue(abs(f1 - f2) <= err, f"{f1} != {f2} +/- {err}{' ' + msg if msg else ''}")

    def assertArrayNear(self, farray1: Any, farray2: Any, err: float,  # noqa: N802
                        msg: Optional[str] = None) -> None:
        """Two lists of numbers of one length, each pair within ``err``."""
        self.assertEqual(len(farray1), len(farray2), msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg)

    def assertShapeEqual(self, input_a: Any, input_b: Any, msg: Optional[str] = None) -> None:  # noqa: N802
        """An array and a tensor of one shape."""
        self.assertEqual(tuple(np.shape(input_a)), tuple(input_b.shape), msg)

    def assertDTypeEqual(self, target: Any, expected_dtype: Any) -> None:  # noqa: N802
        """Every array in ``target`` (nested) has ``expected_dtype``."""
        want = np.dtype(as_dtype(expected_dtype).as_numpy_dtype)
        for x in nest.flatten(target):
            self.assertEqual(_array(x).dtype, want)

    def assertRaisesOpError(self, expected_err_re_or_predicate: Any) -> Any:  # noqa: N802
        """A context manager expecting an op error whose message matches."""
        return self.assertRaisesRegex(OpError, expected_err_re_or_predicate)


class _Session:
    """What ``TestCase.session()`` yields: ``run`` evaluates tensors."""

    def __init__(self, evaluate):
        self.run = evaluate


def _value(x):
    return x.numpy() if isinstance(x, TensorLike) else x


def _array(x):
    """``x`` (a tensor, an array, a number or a nested list) as an ndarray."""
    if isinstance(x, TensorLike):
        return np.asarray(x.numpy())
    if isinstance(x, (list, tuple)):
        return np.asarray([_array(v) for v in x])
    return np.asarray(x)


def _is_sequence_of_structures(x):
    """A list or tuple holding dicts, lists or tuples (compared item by item)."""
    return isinstance(x, (list, tuple)) and any(isinstance(v, (dict, list, tuple)) for v in x)


def main(argv: Any = None) -> None:
    """Run the tests of ``__main__`` (``unittest.main``), as ``tf.test.main``.

    >>> import gradtape as tf
    >>> callable(tf.test.main)   # a test file ends: if __name__ == "__main__": tf.test.main()
    True
    """
    unittest.main(argv=argv)


__getattr__ = _missing_names("gradtape.test", "tf.test")
