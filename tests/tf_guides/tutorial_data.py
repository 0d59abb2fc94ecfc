"""Seeded stand-ins for MNIST, Fashion-MNIST and CIFAR-10 used by the tutorial tests,
and weights drawn from NumPy so TensorFlow's run and gradtape's start alike."""
import numpy as np


def image_dataset(n_train, n_test, shape, seed):
    """``(x_train, y_train), (x_test, y_test)``: uint8 pixels in [0, 256) and labels 0..9,
    as ``tf.keras.datasets.mnist.load_data()`` returns them."""
    rng = np.random.RandomState(seed)
    x_train = rng.randint(0, 256, size=(n_train,) + shape).astype(np.uint8)
    y_train = rng.randint(0, 10, size=(n_train,)).astype(np.uint8)
    x_test = rng.randint(0, 256, size=(n_test,) + shape).astype(np.uint8)
    y_test = rng.randint(0, 10, size=(n_test,)).astype(np.uint8)
    return (x_train, y_train), (x_test, y_test)


def set_seeded_weights(model, seed):
    """Replace every weight of a built model by uniform draws scaled by its fan-in."""
    rng = np.random.RandomState(seed)
    model.set_weights([
        (rng.uniform(-1, 1, size=w.shape) * (0.5 / np.sqrt(max(1, np.prod(w.shape[:-1])))))
        .astype(np.float32) for w in model.get_weights()])
