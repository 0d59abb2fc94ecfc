"""Bug: a non-integer ``axis`` crashed inside the axis normalizer with Python's
own message ("'float' object is not iterable", "invalid literal for int()").
It is now a TypeError naming the op and the axis; NumPy arrays and tensors of
ints still work."""
import numpy as np
import pytest

import gradtape as tf


@pytest.mark.parametrize("axis", [1.5, "a", [0.5], [0, None]])
@pytest.mark.parametrize("fn", [tf.reduce_sum, tf.reduce_mean], ids=lambda f: f.__name__)
def test_bad_axis_types_are_named(fn, axis):
    with pytest.raises(TypeError, match=rf"{fn.__name__}: axis must be None, an int or a list of ints"):
        fn(tf.ones((2, 3)), axis=axis)


@pytest.mark.parametrize("axis,want", [
    (np.array([0, 1]), 6.0), (tf.constant(1), [3.0, 3.0]), (np.int64(0), [2.0, 2.0, 2.0]),
    (range(2), 6.0), ((0,), [2.0, 2.0, 2.0]),
])
def test_integer_axes_of_every_kind_still_work(axis, want):
    np.testing.assert_array_equal(tf.reduce_sum(tf.ones((2, 3)), axis=axis).numpy(), want)
