"""Module: which Variables it finds, in which order, once each."""
import collections

import pytest

import gradtape as tf


class Block(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(1.0, name="w")
        self.b = tf.Variable(0.0, name="b", trainable=False)


def names(variables):
    return [v.name for v in variables]


def test_finds_variables_in_attributes_lists_tuples_dicts_and_submodules():
    m = tf.Module(name="root")
    m.direct = tf.Variable(1.0, name="direct")
    m.in_list = [tf.Variable(2.0, name="l0"), [tf.Variable(3.0, name="l1")]]
    m.in_tuple = (tf.Variable(4.0, name="t0"),)
    m.in_dict = {"z": tf.Variable(5.0, name="dz"), "a": tf.Variable(6.0, name="da")}
    m.child = Block()
    m.not_a_variable = tf.constant(7.0)
    # own attributes sorted by name (dict items by key), then sub-modules
    assert names(m.variables) == ["direct:0", "da:0", "dz:0", "l0:0", "l1:0", "t0:0",
                                  "b:0", "w:0"]
    assert names(m.trainable_variables) == ["direct:0", "da:0", "dz:0", "l0:0", "l1:0",
                                            "t0:0", "w:0"]
    assert names(m.non_trainable_variables) == ["b:0"]


def test_namedtuples_are_traversed():
    Pair = collections.namedtuple("Pair", "second first")
    m = tf.Module()
    m.pair = Pair(tf.Variable(1.0, name="s"), tf.Variable(2.0, name="f"))
    assert names(m.variables) == ["s:0", "f:0"]


def test_shared_variables_and_modules_are_listed_once():
    shared = tf.Variable(1.0, name="shared")
    m = tf.Module()
    m.a = shared
    m.b = [shared, shared]
    block = Block()
    m.first, m.second = block, block
    assert names(m.variables) == ["shared:0", "b:0", "w:0"]
    assert m.submodules == (block,)


def test_cycles_terminate():
    parent, child = tf.Module(name="parent"), tf.Module(name="child")
    parent.child, child.parent = child, parent
    child.v = tf.Variable(1.0, name="v")
    assert names(parent.variables) == ["v:0"]
    assert names(child.variables) == ["v:0"]


def test_submodules_are_found_depth_after_breadth():
    root = tf.Module(name="root")
    root.a = Block(name="a")
    root.a.inner = Block(name="a_inner")
    root.b = [Block(name="b")]
    assert [m.name for m in root.submodules] == ["a", "b", "a_inner"]


def test_order_is_stable_and_independent_of_assignment_order():
    def make(order):
        m = tf.Module()
        for key in order:
            setattr(m, key, tf.Variable(0.0, name=key))
        return names(m.variables)
    assert make("xya") == make("ayx") == ["a:0", "x:0", "y:0"]


def test_default_and_invalid_names():
    assert Block().name == "block"
    assert tf.Module().name == "module"
    with pytest.raises(ValueError, match="valid module name"):
        tf.Module(name="not valid")


def test_named_variables_paths():
    root = tf.Module()
    root.blocks = [Block(), Block()]
    assert [p for p, _ in root.named_variables()] == [
        "blocks/0/b", "blocks/0/w", "blocks/1/b", "blocks/1/w"]


def test_gradients_with_respect_to_trainable_variables():
    m = Block()
    with tf.GradientTape() as tape:
        y = m.w * 3.0 + m.b
    (g,) = tape.gradient(y, m.trainable_variables)
    assert float(g) == 3.0
