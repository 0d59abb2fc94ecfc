"""A TensorFlow name gradtape lacks raises an AttributeError that says so, and
hasattr/getattr with a default keep working."""
import pytest

import gradtape as tf
from gradtape._missing import missing_names


@pytest.mark.parametrize("module,prefix", [
    (tf, "tf"), (tf.math, "tf.math"), (tf.nn, "tf.nn"), (tf.linalg, "tf.linalg"),
    (tf.random, "tf.random"), (tf.autodiff, "tf.autodiff"), (tf.test, "tf.test"),
    (tf.train, "tf.train"), (tf.nest, "tf.nest"), (tf.dtypes, "tf.dtypes"),
])
def test_missing_name_says_gradtape_does_not_have_it_yet(module, prefix):
    with pytest.raises(AttributeError) as info:
        module.no_such_name_here
    assert str(info.value) == (
        f"{prefix.replace('tf', 'gradtape', 1)} has no attribute 'no_such_name_here' yet "
        f"(TensorFlow's {prefix}.no_such_name_here is not implemented in gradtape)")
    assert not hasattr(module, "no_such_name_here")
    assert getattr(module, "no_such_name_here", 7) == 7


def test_private_names_and_submodules():
    with pytest.raises(AttributeError, match="module 'gradtape' has no attribute '_nothing'"):
        tf._nothing
    hook = missing_names("json", "tf")   # a package whose submodule was not imported
    with pytest.raises(AttributeError, match="json.tool is a module of its own: "
                                             "`import json.tool` before using it"):
        hook("tool")
    assert hasattr(tf, "nest") and hasattr(tf.math, "scalar_mul")
    assert tf.autodiff.GradientTape is tf.GradientTape
