"""tf.nest: flatten, pack_sequence_as, map_structure, assert_same_structure,
is_nested, with TensorFlow 2.21's orders, results and errors."""
import collections

import numpy as np
import pytest

import gradtape as tf


def test_flatten():
    assert tf.nest.flatten({"b": [1, 2], "a": (3, None)}) == [3, None, 1, 2]
    assert tf.nest.flatten(3) == [3] and tf.nest.flatten(None) == [None]
    P = collections.namedtuple("P", "b a")
    assert tf.nest.flatten(P(1, 2)) == [1, 2]
    assert tf.nest.flatten(collections.OrderedDict([("b", 1), ("a", 2)])) == [2, 1]
    t = tf.constant([1.0, 2.0])
    assert tf.nest.flatten(t)[0] is t
    assert tf.nest.flatten({1, 2}) == [{1, 2}]


def test_pack_sequence_as():
    assert tf.nest.pack_sequence_as({"b": [0, 0], "a": (0,)}, [3, 1, 2]) == \
        {"b": [1, 2], "a": (3,)}
    assert tf.nest.pack_sequence_as(5, [1]) == 1
    od = tf.nest.pack_sequence_as(collections.OrderedDict([("b", 1), ("a", 2)]), [5, 6])
    assert od == collections.OrderedDict([("b", 6), ("a", 5)]) and list(od) == ["b", "a"]
    with pytest.raises(ValueError, match="Structure had 2 atoms, but flat_sequence had 3 items"):
        tf.nest.pack_sequence_as([0, 0], [1, 2, 3])
    with pytest.raises(ValueError, match="Structure had 2 atoms, but flat_sequence had 1 items"):
        tf.nest.pack_sequence_as([0, 0], [1])
    with pytest.raises(ValueError, match="The target structure is of type `<class 'int'>`"):
        tf.nest.pack_sequence_as(5, [1, 2])
    with pytest.raises(TypeError, match="into a structure, but found incompatible type"):
        tf.nest.pack_sequence_as([0], 1)


def test_map_structure():
    assert tf.nest.map_structure(lambda a, b: a + b, [1, (2,)], [10, (20,)]) == [11, (22,)]
    assert tf.nest.map_structure(lambda a: a, [None, 1]) == [None, 1]
    assert tf.nest.map_structure(lambda a, b: a + b, [1, 2], (10, 20), check_types=False) == \
        [11, 22]
    with pytest.raises(TypeError, match="don't have the same sequence type"):
        tf.nest.map_structure(lambda a, b: a + b, [1, 2], (10, 20))
    with pytest.raises(ValueError, match="don't have the same number of elements"):
        tf.nest.map_structure(lambda a, b: a + b, [1, 2], [10])
    with pytest.raises(ValueError, match="don't have the same set of keys"):
        tf.nest.map_structure(lambda a, b: a, {"a": 1}, {"b": 1})
    with pytest.raises(ValueError, match="Only valid keyword arguments are `check_types` and "
                                         "`expand_composites`, not: `foo`"):
        tf.nest.map_structure(lambda a: a, [1], foo=1)
    with pytest.raises(ValueError, match="Must provide at least one structure"):
        tf.nest.map_structure(lambda a: a)


def test_map_structure_over_tensors_is_differentiable():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        out = tf.nest.map_structure(lambda t: t * t, {"a": x, "b": [x * 2.0]})
        y = tf.add_n(tf.nest.flatten(out))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [10.0, 20.0])


def test_is_nested_and_assert_same_structure():
    assert tf.nest.is_nested([1]) and tf.nest.is_nested({}) and tf.nest.is_nested(())
    assert not tf.nest.is_nested(1) and not tf.nest.is_nested(np.ones(2))
    tf.nest.assert_same_structure([1, (2, 3)], ["a", ("b", "c")])
    with pytest.raises(ValueError, match="is a sequence, while substructure"):
        tf.nest.assert_same_structure([1, [2]], [1, 2])
    with pytest.raises(TypeError, match="The two structures don't have the same nested"):
        tf.nest.assert_same_structure([1, 2], (1, 2))
    tf.nest.assert_same_structure([1, 2], (1, 2), check_types=False)
