"""``tf.debugging`` assertions, ``tf.ensure_shape`` and the eager-only names, with
TensorFlow 2.21's outcomes (what raises, with which type, and what is returned)."""
import numpy as np
import pytest

import gradtape as tf

IAE = tf.errors.InvalidArgumentError


def test_comparisons_pass_silently_and_fail_with_tensorflows_message():
    assert tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1, 2])) is None
    assert tf.debugging.assert_less(tf.constant([1, 2]), 3) is None
    # TF: "boom\nCondition x == y did not hold.\n..." (InvalidArgumentError)
    with pytest.raises(IAE, match=r"(?s)boom.*Condition x == y did not hold.*\[1 2\]"):
        tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1, 3]), message="boom")
    with pytest.raises(IAE, match="Condition x < y did not hold"):  # TF: x=[1 2], y=2
        tf.debugging.assert_less(tf.constant([1, 2]), 2)
    with pytest.raises(IAE, match="Condition x != y did not hold"):
        tf.debugging.assert_none_equal(tf.constant([1, 2]), tf.constant([2, 2]))
    with pytest.raises(IAE):  # TF: int32 against float32 is an error of the Equal op
        tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1.0, 2.0]))
    with pytest.raises(IAE):  # TF: Incompatible shapes: [2] vs. [3]
        tf.debugging.assert_equal(tf.constant([1, 2]), [1, 2, 3])
    # the top-level TF 2 names are the same functions
    with pytest.raises(IAE):
        tf.assert_equal(tf.constant([1, 2]), tf.constant([1, 3]))
    tf.assert_greater(tf.constant([2.0]), 1.0)


def test_signs_near_and_finite():
    with pytest.raises(IAE, match="Condition x > 0 did not hold element-wise"):
        tf.debugging.assert_positive(tf.constant([1.0, -1.0]))
    tf.debugging.assert_non_negative(tf.constant([0, 1]))
    tf.debugging.assert_negative(tf.constant([], tf.float32))
    # TF: float32 tolerances are 10 eps: 2.0001 is not near 2.0
    with pytest.raises(IAE):
        tf.debugging.assert_near(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0001]))
    tf.debugging.assert_near(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0001]), atol=1e-3)
    with pytest.raises(IAE, match="bad : Tensor had NaN values"):
        tf.debugging.assert_all_finite(tf.constant([1.0, np.nan]), "bad")
    x = tf.constant([1.0, 2.0])
    assert tf.debugging.assert_all_finite(x, "bad") is x


def test_static_assertions_raise_value_and_type_errors():
    # TF: ValueError "Tensor  must have rank 2.  Received rank 1, shape (2,)"
    with pytest.raises(ValueError, match=r"must have rank 2\.  Received rank 1, shape \(2,\)"):
        tf.debugging.assert_rank(tf.constant([1.0, 2.0]), 2)
    tf.assert_rank(tf.constant([1.0, 2.0]), 1)
    with pytest.raises(ValueError, match="rank at least 2"):
        tf.debugging.assert_rank_at_least(tf.constant([1.0, 2.0]), 2)
    with pytest.raises(ValueError, match=r"rank in \(0, 2\)"):
        tf.debugging.assert_rank_in(tf.constant([1.0, 2.0]), [0, 2])
    with pytest.raises(ValueError, match=r"Expected scalar shape, saw shape: \(2,\)"):
        tf.debugging.assert_scalar(tf.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match="tensor must be of type tf.int32; got tf.float32"):
        tf.debugging.assert_type(tf.constant([1.0, 2.0]), tf.int32)
    with pytest.raises(TypeError, match="to be integer type"):
        tf.debugging.assert_integer(tf.constant([1.0, 2.0]))
    assert tf.debugging.assert_same_float_dtype([tf.constant(1.0), tf.constant(2.0)]) == tf.float32
    with pytest.raises(ValueError, match="must be of the same type"):
        tf.debugging.assert_same_float_dtype([tf.constant(1.0), tf.constant(2.0, tf.float64)])
    assert tf.debugging.is_numeric_tensor(tf.constant(1.0)) is True


def test_assert_and_ensure_shape():
    tf.debugging.Assert(tf.constant(True), ["x is"])
    with pytest.raises(IAE, match=r"(?s)Summarized data: x is.*1, 2"):
        tf.debugging.Assert(tf.constant(False), ["x is", tf.constant([1, 2])])
    x = tf.constant([1.0, 2.0])
    assert tf.ensure_shape(x, [2]) is x and tf.ensure_shape(x, [None]) is x
    # TF: "Shape of tensor input [2] is not compatible with expected shape [3]."
    with pytest.raises(IAE, match=r"input \[2\] is not compatible with expected shape \[3\]\."):
        tf.ensure_shape(x, [3])
    with pytest.raises(IAE, match=r"expected shape \[\?,4\]"):
        tf.ensure_shape(tf.ones((2, 3)), [None, 4])


def test_assertions_inside_a_compiled_function_are_checked_on_every_call():
    @tf.function
    def f(a):
        tf.debugging.assert_positive(a)
        return tf.debugging.check_numerics(a, "bad") * 2

    assert f(tf.constant([1.0])).numpy() == 2.0
    with pytest.raises(IAE, match="x > 0"):
        f(tf.constant([-1.0]))
    assert f(tf.constant([3.0])).numpy() == 6.0

    g = tf.function(lambda a: tf.debugging.check_numerics(a, "bad") * 2)
    assert g(tf.constant([1.0])).numpy() == 2.0
    with pytest.raises(IAE, match="bad : Tensor had Inf values"):  # TF raises here too
        g(tf.constant([np.inf]))


def test_eager_only_names():
    with pytest.raises(RuntimeError, match="Use tf.GradientTape instead"):
        tf.gradients(tf.constant(1.0), tf.constant(2.0))
    assert tf.inside_function() is False
    assert tf.function(lambda: tf.constant(tf.inside_function()))().numpy()
    assert tf.get_logger().name == "tensorflow"
    with tf.control_dependencies([tf.constant(1.0)]):
        pass
    # TF: numpy_function gives [2., 4.]; no gradient through the NumPy code, so the
    # gradient of sum(y * x) is y
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.numpy_function(lambda a: a * 2, [x], tf.float32)
        z = tf.reduce_sum(y * x)
    np.testing.assert_array_equal(y.numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(tape.gradient(z, x).numpy(), [2.0, 4.0])
    seen = []  # TF: the function gets ndarrays, a 0-d one for a scalar
    tf.numpy_function(lambda a: seen.append(a) or a, [tf.constant(1.0)], tf.float32)
    assert type(seen[0]) is np.ndarray and seen[0].shape == ()
    assert (tf.test.is_gpu_available(), tf.test.gpu_device_name(),
            tf.test.is_built_with_cuda()) == (False, "", False)


def test_set_shape_checks_an_eager_tensors_shape():
    # TF: None for fitting shapes; ValueError "Tensor's shape (1, 3) is not compatible
    # with supplied shape (1, 5)."
    t = tf.constant([[1.0, 2.0, 3.0]])
    assert t.set_shape([1, 3]) is None and t.set_shape([None, 3]) is None
    t.set_shape(None)
    with pytest.raises(ValueError, match=r"shape \(1, 3\) is not compatible with supplied "
                                         r"shape \(1, 5\)"):
        t.set_shape([1, 5])
    with pytest.raises(ValueError):
        t.set_shape([3])


def test_numpy_function_as_a_decorator():
    # TF's docstring: @tf.numpy_function(Tout=tf.float32) on a function of ndarrays
    @tf.numpy_function(Tout=tf.float32)
    def my_numpy_func(x):
        return np.sinh(x)

    np.testing.assert_allclose(my_numpy_func(tf.constant(1.0)).numpy(), 1.1752012)
