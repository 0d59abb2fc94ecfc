"""Helpers shared by the hardening tests: profile, error checks, a small MLP."""
import os
import re

import numpy as np

import gradtape as tf
from gradtape.errors import InvalidArgumentError, NotFoundError

LONG = os.environ.get("HYPOTHESIS_PROFILE", "ci") == "long"


def assert_clean_error(exc, names):
    """``exc`` is a gradtape-style error (TypeError / ValueError /
    InvalidArgumentError, or NotFoundError for a dtype TensorFlow has no kernel
    for; not a NumPy exception class) whose message names one of ``names`` (the
    op or its TensorFlow kernel name)."""
    assert isinstance(exc, (TypeError, ValueError, InvalidArgumentError, NotFoundError)), repr(exc)
    assert not type(exc).__module__.startswith("numpy"), f"raw NumPy exception: {exc!r}"
    pattern = r"\b(" + "|".join(re.escape(n) for n in names) + r")\b"
    assert re.search(pattern, str(exc), re.IGNORECASE), (
        f"the message does not name the op ({', '.join(names)}): {exc}")


class MLP:
    """A two-layer perceptron with its own Variables, seeded."""

    def __init__(self, seed, n_in=4, n_hidden=8, dtype=np.float32):
        rng = np.random.default_rng(seed)
        self.w1 = tf.Variable(rng.standard_normal((n_in, n_hidden)).astype(dtype) * 0.5)
        self.b1 = tf.Variable(np.zeros(n_hidden, dtype))
        self.w2 = tf.Variable(rng.standard_normal((n_hidden, 1)).astype(dtype) * 0.5)
        self.b2 = tf.Variable(np.zeros(1, dtype))
        self.variables = [self.w1, self.b1, self.w2, self.b2]

    def loss(self, x, y):
        h = tf.tanh(x @ self.w1 + self.b1)
        return tf.reduce_mean((h @ self.w2 + self.b2 - y) ** 2)

    def step(self, x, y, lr=0.05):
        """One SGD step; returns the gradients."""
        with tf.GradientTape() as tape:
            loss = self.loss(x, y)
        grads = tape.gradient(loss, self.variables)
        for v, g in zip(self.variables, grads):
            v.assign_sub(lr * g)
        return grads


def batch(seed, n=16, n_in=4, dtype=np.float32):
    """A regression batch: inputs and targets."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, n_in)).astype(dtype)
    return tf.constant(x), tf.constant(np.sin(x.sum(axis=1, keepdims=True)))
