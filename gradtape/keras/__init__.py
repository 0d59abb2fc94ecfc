"""``tf.keras``, the training toolkit: layers, models, losses, metrics, optimizers.

The subset custom training loops use: ``layers`` (``Dense``, ``Flatten``,
``Dropout``, ``Conv2D``, ``MaxPooling2D``, ``Embedding``), ``Sequential``,
``Model`` subclassing, ``optimizers``, ``losses``, ``metrics``,
``initializers`` and ``activations``, the functional API, and Keras'
``compile``/``fit``/``evaluate``/``predict``. ``gradtape.optimizers``, ``gradtape.losses``,
``gradtape.layers``, ... are the same modules (TensorFlow's ``tf.optimizers``
is likewise ``tf.keras.optimizers``).

>>> import gradtape as tf
>>> tf.keras.optimizers is tf.optimizers
True
>>> model = tf.keras.Sequential([tf.keras.layers.Dense(3)])
>>> model(tf.ones((2, 4))).shape
TensorShape([2, 3])
"""
from .module import Module
from . import activations, initializers, layers, losses, metrics  # noqa: F401
from . import optimizers, regularizers, schedules  # noqa: F401
from . import backend, random  # noqa: F401
from . import callbacks, models, train, utils  # noqa: F401
from . import data, demo, distribute  # noqa: F401
from .layers import Input, Model, Sequential  # noqa: F401
from .functional import KerasTensor  # noqa: F401
from . import attention, recurrent  # noqa: F401
from .._missing import missing_names as _missing_names

for _name in recurrent.__all__:   # the recurrent and attention layers are tf.keras.layers' too
    setattr(layers, _name, getattr(recurrent, _name))
for _name in attention.__all__:
    setattr(layers, _name, getattr(attention, _name))
del _name


__getattr__ = _missing_names("gradtape.keras", "tf.keras")
