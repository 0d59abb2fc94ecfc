"""Fit a straight line with a GradientTape loop, as in TensorFlow's custom-training guide.

Run it with ``python examples/linear_regression.py [--steps N] [--seed S]``:
it fits ``y = w x + b`` to noisy samples of ``y = 3 x + 2`` and prints the fit.
"""
import argparse

import numpy as np

import gradtape as tf


class Line(tf.Module):
    """``y = w x + b`` with two trainable scalars."""

    def __init__(self):
        super().__init__()
        self.w = tf.Variable(5.0, name="w")
        self.b = tf.Variable(0.0, name="b")

    def __call__(self, x):
        return self.w * x + self.b


def fit(steps=100, seed=0, learning_rate=0.1, samples=1000):
    """Train a Line on ``samples`` noisy points; returns ``(model, losses)``."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(samples).astype(np.float32)
    y = (3.0 * x + 2.0 + rng.standard_normal(samples)).astype(np.float32)
    model = Line()
    loss_fn = tf.losses.MeanSquaredError()
    optimizer = tf.optimizers.SGD(learning_rate)
    history = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = loss_fn(y[:, None], model(x)[:, None])
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        history.append(float(loss))
    return model, history


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    model, history = fit(args.steps, args.seed)
    print(f"loss {history[0]:.3f} -> {history[-1]:.3f}")
    print(f"fitted y = {float(model.w.numpy()):.3f} x + {float(model.b.numpy()):.3f} "
          "(true: y = 3 x + 2)")
    return model


if __name__ == "__main__":
    main()
