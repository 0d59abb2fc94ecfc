"""TensorFlow's tf.function contract: signatures, tracing counts, the retracing
warning, the bounded trace cache, results as Tensors (numbers from TF 2.21)."""
import warnings

import numpy as np
import pytest

import gradtape as tf
from gradtape import compiled


def test_a_none_dimension_is_one_signature_for_every_size():
    f = tf.function(lambda x, y: x * y, input_signature=[tf.TensorSpec([None], tf.float32),
                                                          tf.TensorSpec([], tf.float32)])
    assert f(tf.ones(2), 3.0).numpy().tolist() == [3.0, 3.0]  # 3.0 converted to the spec
    assert f(tf.ones(5), tf.constant(2.0)).numpy().tolist() == [2.0] * 5
    assert f(x=tf.ones(1), y=4.0).numpy().tolist() == [4.0]
    assert f.experimental_get_tracing_count() == 1  # TensorFlow: 1


@pytest.mark.parametrize("bad, what", [
    ((tf.ones((2, 4)),), r"TensorSpec\(shape=\(2, 4\), dtype=tf.float32"),
    ((tf.ones((2, 3), tf.float64),), "dtype=tf.float64"),
    ((tf.ones((2, 3)), tf.ones(3)), "too many positional arguments"),
])
def test_arguments_that_do_not_fit_the_signature_are_a_type_error(bad, what):
    f = tf.function(lambda x: x * 2.0, input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    with pytest.raises(TypeError, match=what):
        f(*bad)


def test_a_numpy_argument_takes_the_dtype_of_its_spec():
    f = tf.function(lambda x: x * 2.0, input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    assert f(np.ones((2, 3))).dtype == tf.float32  # float64 NumPy data, as TensorFlow


def test_a_method_with_an_input_signature():
    class Scale(tf.Module):
        def __init__(self):
            super().__init__()
            self.k = tf.Variable(3.0)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def __call__(self, x):
            return x * self.k
    s = Scale()
    assert s(tf.ones(2)).numpy().tolist() == [3.0, 3.0]
    assert s(x=tf.ones(3)).numpy().tolist() == [3.0, 3.0, 3.0]


def test_tracing_counts_as_tensorflow():
    f = tf.function(lambda x, k: x * k)
    for n in range(3):
        f(tf.ones(n + 1), 2.0)
    f(tf.ones(1), 3.0)
    f(tf.ones(1), 3.0)
    assert f.experimental_get_tracing_count() == 4  # TensorFlow: 4


def test_reduce_retracing_relaxes_the_sizes_that_differ():
    f = tf.function(lambda x: x * 2.0, reduce_retracing=True)
    for shape in [(1, 2), (2, 2), (3, 2), (2, 3), (5, 7), (1,)]:
        assert f(tf.ones(shape)).numpy().tolist() == (np.ones(shape) * 2).tolist()
    assert f.experimental_get_tracing_count() == 4  # TensorFlow: 4


def test_get_concrete_function_of_an_input_signature():
    f = tf.function(lambda x: x + 1.0, input_signature=[tf.TensorSpec([None, 2])])
    concrete = f.get_concrete_function()
    # TensorFlow 2.21 names the spec after its parameter
    assert concrete.structured_input_signature == ((tf.TensorSpec([None, 2], name="x"),), {})
    assert concrete(tf.zeros((3, 2))).numpy().tolist() == [[1.0, 1.0]] * 3
    with pytest.raises(TypeError, match="Can not cast"):  # TensorFlow 2.21 runs its graph
        concrete(tf.zeros((3, 3)))
    assert f.experimental_get_tracing_count() == 1


def test_get_concrete_function_needs_arguments_without_a_signature():
    # TensorFlow 2.21: Binding inputs to tf.function failed due to `missing a
    # required argument: 'x'`
    with pytest.raises(TypeError, match="missing a required argument: 'x'"):
        tf.function(lambda x: x).get_concrete_function()


def test_tensor_spec_reads_as_tensorflow():
    spec = tf.TensorSpec([None, 3], "float64", name="x")
    assert repr(spec) == "TensorSpec(shape=(None, 3), dtype=tf.float64, name='x')"
    assert spec.shape.as_list() == [None, 3] and spec.dtype == tf.float64
    assert repr(tf.TensorSpec(None)) == "TensorSpec(shape=<unknown>, dtype=tf.float32, name=None)"
    assert tf.TensorSpec(None).is_compatible_with(tf.zeros((2, 2, 2)))
    assert tf.TensorSpec.from_tensor(tf.zeros((2,), tf.int32)) == tf.TensorSpec([2], tf.int32)


def test_new_shapes_on_every_call_warn_twice_at_most():
    f = tf.function(lambda x: x * 2.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(8):
            f(tf.ones(n + 1))
    messages = [str(w.message) for w in caught]
    assert messages[0].startswith("5 out of the last 5 calls to <lambda> triggered")
    assert messages[1].startswith("5 out of the last 6 calls")
    assert len(messages) == 2  # as TensorFlow


def test_a_few_traces_among_many_calls_do_not_warn():
    f = tf.function(lambda x: x * 2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for n in range(6):
            for _ in range(3):
                f(tf.ones(n + 1))


def test_sizes_of_a_relaxed_signature_do_not_warn():
    f = tf.function(lambda x: x * 2.0, input_signature=[tf.TensorSpec([None])])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for n in range(8):
            f(tf.ones(n + 1))


def test_the_trace_cache_keeps_the_latest_programs_only():
    f = tf.function(lambda x, k: x * k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k in range(2000):
            f(tf.ones(2), float(k))
    assert len(f._programs) == compiled.MAX_PROGRAMS
    assert float(f(tf.ones(()), 3.0)) == 3.0
    before = f.trace_count
    f(tf.ones(2), 1999.0)  # among the latest: still compiled
    assert f.trace_count == before


def test_python_values_come_back_as_tensors():
    got = tf.function(lambda: [1, 2.5, True, np.float64(2.0), None, "tag"])()
    assert [(type(t).__name__, t.dtype.name) for t in got[:4]] == [
        ("Tensor", "int32"), ("Tensor", "float32"), ("Tensor", "bool"), ("Tensor", "float64")]
    assert got[4] is None and got[5] == "tag"  # gradtape has no string tensors
    one = tf.function(lambda: 1.0)
    for _ in range(2):  # traced, then replayed
        assert repr(one()) == "<tf.Tensor: shape=(), dtype=float32, numpy=1.0>"


def test_executing_eagerly_helper_is_false_while_tracing():
    seen = []
    f = tf.function(lambda x: seen.append(compiled.tracing()) or x * 1.0)
    f(tf.constant(1.0))
    assert seen == [True] and not compiled.tracing()


def test_an_indexed_slices_returned_by_the_tracing_call_is_usable():
    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.gather(x, [0, 0, 1]))
        return tape.gradient(y, x)

    for _ in range(2):  # traced, then replayed
        dense = tf.convert_to_tensor(f(tf.ones([4, 3])))
        np.testing.assert_array_equal(dense.numpy(), [[2.0] * 3, [1.0] * 3, [0.0] * 3, [0.0] * 3])
