"""TensorShape with unknown dimensions, Variable(shape=...), name scopes,
Module.name_scope/with_name_scope and Tensor.__format__, as TensorFlow 2.21."""
import numpy as np
import pytest

import gradtape as tf


def test_tensor_shape_unknowns():
    unknown = tf.TensorShape(None)
    assert repr(unknown) == "TensorShape(None)" and str(unknown) == "<unknown>"
    assert unknown.rank is None and unknown.ndims is None
    with pytest.raises(ValueError, match="as_list\\(\\) is not defined on an unknown TensorShape."):
        unknown.as_list()
    partial = tf.TensorShape([None, 2])
    assert repr(partial) == "TensorShape([None, 2])" and str(partial) == "(None, 2)"
    assert partial.as_list() == [None, 2] and partial.num_elements() is None
    assert unknown.is_compatible_with([1]) and partial.is_compatible_with([5, 2])
    assert not partial.is_compatible_with([5, 3]) and not partial.is_compatible_with([2])
    assert unknown == tf.TensorShape(None) and unknown != tf.TensorShape([])
    assert tf.TensorShape([]) != unknown


def test_assert_is_compatible_with():
    tf.TensorShape([1, 2]).assert_is_compatible_with([1, 2])
    tf.TensorShape([1, None]).assert_is_compatible_with([1, 3])
    tf.TensorShape(None).assert_is_compatible_with([1, 2, 3])
    with pytest.raises(ValueError, match=r"Shapes \(1, 2\) and \[1, 3\] are incompatible"):
        tf.TensorShape([1, 2]).assert_is_compatible_with([1, 3])
    with pytest.raises(ValueError, match=r"Shapes \(1, 2\) and \[1, 2, 3\] are incompatible"):
        tf.TensorShape([1, 2]).assert_is_compatible_with([1, 2, 3])


def test_variable_with_a_declared_shape():
    v = tf.Variable([1.0, 2.0], shape=tf.TensorShape(None))
    assert v.shape == tf.TensorShape(None) and "shape=<unknown>" in repr(v)
    v.assign([1.0, 2.0, 3.0])
    assert v.shape == tf.TensorShape(None)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v * v)
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [2.0, 4.0, 6.0])
    v2 = tf.Variable([[1.0, 2.0]], shape=[None, 2])
    assert v2.shape.as_list() == [None, 2]
    assert v2.assign([[1.0, 2.0], [3.0, 4.0]]).numpy().shape == (2, 2)
    with pytest.raises(ValueError, match="declared with shape"):
        v2.assign([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="is not compatible with the explicitly supplied "
                                         "`shape` argument"):
        tf.Variable([1.0, 2.0], shape=[3])
    assert tf.Variable([1.0, 2.0], shape=[2]).shape == (2,)
    fixed = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match="shapes must match"):
        fixed.assign([1.0, 2.0, 3.0])


def test_name_scopes_prefix_variable_names():
    with tf.name_scope("foo") as scope:
        v = tf.Variable(1.0, name="v")
        with tf.name_scope("bar"):
            w = tf.Variable(1.0, name="w")
    assert (scope, v.name, w.name) == ("foo/", "foo/v:0", "foo/bar/w:0")
    assert tf.Variable(1.0, name="u").name == "u:0"


def test_module_name_scope_and_with_name_scope():
    class M(tf.Module):
        def __init__(self):
            super().__init__(name="mm")
            with self.name_scope:
                self.w = tf.Variable(1.0, name="w")

        @tf.Module.with_name_scope
        def __call__(self, x):
            self.k = tf.Variable(2.0, name="k")
            return x * self.w

    m = M()
    assert m.w.name == "mm/w:0" and m.name_scope.name == "mm/"
    assert m(tf.constant(2.0)).numpy() == 2.0 and m.k.name == "mm/k:0"
    assert M.__call__.__name__ == "__call__"
    with m.name_scope as entered:
        assert entered == "mm/"
    # TensorFlow: a module built inside another's scope keeps the outer prefix
    with m.name_scope:
        inner = tf.Module(name="n")
    assert inner.name_scope.name == "mm/n/"


def test_tensor_format():
    s = tf.constant(1.23456789)
    assert f"{s:2.5f}" == "1.23457"
    assert f"{s}" == "1.2345678806304932"
    assert f"{tf.constant(3):d}" == "3"
    assert f"{tf.constant([1.0, 2.0])}" == "[1. 2.]"
    with pytest.raises(TypeError, match="unsupported format string passed to numpy.ndarray"):
        f"{tf.constant([1.0, 2.0]):.2f}"


def test_declared_shapes_survive_copies():
    import copy
    import pickle
    assert pickle.loads(pickle.dumps(tf.TensorShape(None))) == tf.TensorShape(None)
    v = pickle.loads(pickle.dumps(tf.Variable([1.0, 2.0], shape=[None], name="a")))
    assert v.shape.as_list() == [None] and v.name == "a:0"
    with tf.name_scope("outer"):
        original = tf.Variable(1.0, name="b")
        copied = copy.deepcopy(original)
    assert copied.name == original.name == "outer/b:0"
