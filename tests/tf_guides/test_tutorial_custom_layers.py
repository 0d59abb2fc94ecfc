"""TensorFlow's tutorial "Custom layers" (customization/custom_layers), run with
``import gradtape as tf``. Expected values are TensorFlow 2.21's (Keras 3),
typed from its output."""
import pytest

import gradtape as tf


class MyDenseLayer(tf.keras.layers.Layer):
    def __init__(self, num_outputs):
        super().__init__()
        self.num_outputs = num_outputs

    def build(self, input_shape):
        # the tutorial's positional name: Keras 3 refuses it
        self.kernel = self.add_weight("kernel", shape=[int(input_shape[-1]), self.num_outputs])

    def call(self, input):
        return tf.matmul(input, self.kernel)


class KeywordDense(MyDenseLayer):
    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=[int(input_shape[-1]), self.num_outputs])


class ResnetIdentityBlock(tf.keras.Model):
    def __init__(self, kernel_size, filters):
        super().__init__(name='')
        filters1, filters2, filters3 = filters
        self.conv2a = tf.keras.layers.Conv2D(filters1, (1, 1))
        self.bn2a = tf.keras.layers.BatchNormalization()
        self.conv2b = tf.keras.layers.Conv2D(filters2, kernel_size, padding='same')
        self.bn2b = tf.keras.layers.BatchNormalization()
        self.conv2c = tf.keras.layers.Conv2D(filters3, (1, 1))
        self.bn2c = tf.keras.layers.BatchNormalization()

    def call(self, input_tensor, training=False):
        x = tf.nn.relu(self.bn2a(self.conv2a(input_tensor), training=training))
        x = tf.nn.relu(self.bn2b(self.conv2b(x), training=training))
        x = self.bn2c(self.conv2c(x), training=training)
        x += input_tensor
        return tf.nn.relu(x)


def test_dense_layer_and_its_variables():
    layer = tf.keras.layers.Dense(10, input_shape=(None, 5))
    assert layer(tf.zeros([10, 5])).shape == (10, 10)
    # TensorFlow 2.21: shapes [5, 10] and [10]; the bias starts at zeros
    assert [tuple(v.shape) for v in layer.variables] == [(5, 10), (10,)]
    assert layer.bias.numpy().tolist() == [0.0] * 10


def test_add_weight_name_by_position_is_refused():
    # TensorFlow 2.21 (Keras 3) raises this ValueError
    with pytest.raises(ValueError, match=r"`name` must be passed as a keyword argument. "
                       r"Received: add_weight\('kernel', ...\). "
                       r"Use: add_weight\(shape=..., name='kernel'\)."):
        MyDenseLayer(10)(tf.zeros([10, 5]))
    layer = KeywordDense(10)
    assert layer(tf.zeros([10, 5])).shape == (10, 10)
    assert [tuple(v.shape) for v in layer.trainable_variables] == [(5, 10)]


def test_add_weight_positional_arguments_are_shape_initializer_dtype():
    layer = tf.keras.layers.Layer()
    # TensorFlow 2.21: float64 [1. 1.]; an int32 weight defaults to zeros
    v = layer.add_weight((2,), "ones", "float64")
    assert v.dtype == tf.float64 and v.numpy().tolist() == [1.0, 1.0]
    v = layer.add_weight((2,), dtype="int32")
    assert v.dtype == tf.int32 and v.numpy().tolist() == [0, 0]
    # TensorFlow 2.21's errors
    with pytest.raises(TypeError, match="at most 3 positional arguments but 4 were given"):
        layer.add_weight((2,), "ones", "float32", "x")
    with pytest.raises(ValueError, match="`shape` was passed both positionally and as a keyword"):
        layer.add_weight((2,), shape=(3,))
    with pytest.raises(ValueError, match="`initializer` was passed both positionally"):
        layer.add_weight((2,), "ones", initializer="zeros")


def test_resnet_block_layers_and_variables():
    block = ResnetIdentityBlock(1, [1, 2, 3])
    out = block(tf.zeros([1, 2, 3, 3]))
    # TensorFlow 2.21: shape (1, 2, 3, 3), all zeros
    assert out.shape == (1, 2, 3, 3) and float(tf.reduce_sum(out)) == 0.0
    # TensorFlow 2.21: block.layers lists the six sub-layers as assigned
    assert [type(layer).__name__ for layer in block.layers] == [
        'Conv2D', 'BatchNormalization', 'Conv2D', 'BatchNormalization', 'Conv2D',
        'BatchNormalization']
    assert block.layers[0] is block.conv2a
    # TensorFlow 2.21: 18 variables, 12 trainable
    assert (len(block.variables), len(block.trainable_variables)) == (18, 12)


def test_model_layers_is_reserved():
    class Listed(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.layers = [tf.keras.layers.Dense(1)]

    # TensorFlow 2.21 (Keras 3) raises this AttributeError
    with pytest.raises(AttributeError, match="`Model.layers` attribute is reserved"):
        Listed()


def test_sequential_summary_with_unknown_sizes(capsys):
    my_seq = tf.keras.Sequential([
        tf.keras.layers.Conv2D(1, (1, 1), input_shape=(None, None, 3), name="c1"),
        tf.keras.layers.BatchNormalization(name="b1"),
        tf.keras.layers.Conv2D(2, 1, padding='same', name="c2"),
        tf.keras.layers.BatchNormalization(name="b2"),
        tf.keras.layers.Conv2D(3, (1, 1), name="c3"),
        tf.keras.layers.BatchNormalization(name="b3")])
    out = my_seq(tf.zeros([1, 2, 3, 3]))
    assert out.shape == (1, 2, 3, 3) and out.dtype == tf.float32
    my_seq.summary()
    lines = capsys.readouterr().out.splitlines()
    # TensorFlow 2.21's table (layer names given here; Keras numbers them)
    assert [line[35:57].strip() for line in lines if line.startswith("│ ") and "(" in line[35:57]] \
        == ["(None, None, None, 1)"] * 2 + ["(None, None, None, 2)"] * 2 \
        + ["(None, None, None, 3)"] * 2
    assert lines[-3:] == [" Total params: 41 (164.00 B)", " Trainable params: 29 (116.00 B)",
                          " Non-trainable params: 12 (48.00 B)"]
    assert (len(my_seq.variables), len(my_seq.trainable_variables)) == (18, 12)


def test_sequential_summary_with_strided_unknown_sizes(capsys):
    # a stride-2 convolution keeps an unknown size unknown: TensorFlow 2.21 prints
    # (None, None, None, 4), then (None, 4) after global pooling
    model = tf.keras.Sequential([tf.keras.Input(shape=(None, None, 3)),
                                 tf.keras.layers.Conv2D(4, 3, strides=2, name="c"),
                                 tf.keras.layers.GlobalAveragePooling2D(name="g")])
    model.summary()
    text = capsys.readouterr().out
    assert "│ (None, None, None, 4)  │" in text and "│ (None, 4)              │" in text
