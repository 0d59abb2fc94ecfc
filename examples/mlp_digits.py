"""Train a multilayer perceptron on the bundled handwritten digits, then checkpoint it.

Run it with ``python examples/mlp_digits.py [--epochs N] [--hidden H] [--checkpoint PATH]``.
This is the demo's loop written out in full, the way TensorFlow users write it.
"""
import argparse

import numpy as np

import gradtape as tf
from gradtape.data import load_digits


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint", default=None, help="save model and optimizer here (.npz)")
    args = parser.parse_args(argv)

    (x_train, y_train), (x_test, y_test) = load_digits()
    x_train = x_train.reshape(len(x_train), 64).astype(np.float32) / 16.0
    x_test = x_test.reshape(len(x_test), 64).astype(np.float32) / 16.0

    tf.random.set_seed(args.seed)
    model = tf.layers.Sequential([
        tf.layers.Dense(args.hidden, activation="relu"),
        tf.layers.Dense(10),
    ])
    loss_fn = tf.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.optimizers.Adam(learning_rate=5e-3)
    rng = np.random.default_rng(args.seed)

    for epoch in range(args.epochs):
        order = rng.permutation(len(x_train))
        for start in range(0, len(order), args.batch_size):
            batch = order[start:start + args.batch_size]
            with tf.GradientTape() as tape:
                loss = loss_fn(y_train[batch], model(x_train[batch], training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
        predictions = np.argmax(model(x_test).numpy(), axis=-1)
        accuracy = float(np.mean(predictions == y_test))
        print(f"epoch {epoch + 1}: last batch loss {float(loss):.4f}, test accuracy {accuracy:.4f}")

    if args.checkpoint:
        tf.Checkpoint(model=model, optimizer=optimizer).write(args.checkpoint)
        print(f"saved {args.checkpoint}")
    return accuracy


if __name__ == "__main__":
    main()
