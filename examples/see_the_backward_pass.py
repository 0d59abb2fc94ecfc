"""Print the program a compiled training step runs: the forward pass and the
backward pass as plain NumPy calls, one line per op.

Run it with ``python examples/see_the_backward_pass.py [--steps N]``: it
compiles one SGD step of a small ReLU network with ``gradtape.function``,
prints the generated program (read it bottom-up from the loss to see the chain
rule at work: each VJP is a line), then trains for a few steps.
"""
import argparse

import numpy as np

import gradtape as tf


def make_step(w1, b1, w2, b2, learning_rate=0.1):
    """One SGD step of ``relu(x @ w1 + b1) @ w2 + b2`` on a mean squared error."""
    variables = [w1, b1, w2, b2]

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            hidden = tf.nn.relu(x @ w1 + b1)
            loss = tf.reduce_mean((hidden @ w2 + b2 - y) ** 2)
        for var, grad in zip(variables, tape.gradient(loss, variables)):
            var.assign_sub(learning_rate * grad)
        return loss
    return step


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (64, 2)).astype(np.float32)
    y = np.sin(3 * x[:, :1]) * x[:, 1:]
    w1 = tf.Variable(rng.standard_normal((2, 16)).astype(np.float32))
    b1 = tf.Variable(np.zeros(16, np.float32))
    w2 = tf.Variable(rng.standard_normal((16, 1)).astype(np.float32) * 0.25)
    b2 = tf.Variable(np.zeros(1, np.float32))
    step = make_step(w1, b1, w2, b2)
    losses = [float(step(x, y))]
    print(step.replay_source())
    losses += [float(step(x, y)) for _ in range(args.steps - 1)]
    print(f"\ntraced {step.trace_count} time(s); loss {losses[0]:.4f} -> {losses[-1]:.4f} "
          f"in {args.steps} steps")
    return losses


if __name__ == "__main__":
    main()
