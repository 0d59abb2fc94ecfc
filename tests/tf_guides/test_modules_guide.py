"""The "Introduction to modules, layers, and models" guide
(site/en/guide/intro_to_modules.ipynb), its code cells adapted: the random
initial weights are NumPy's with a fixed seed.  Expected values are
TensorFlow 2.21's (with Keras 3), typed from its output.  SavedModel,
tf.summary and the Keras functional API are out of scope and raise."""
import numpy as np
import pytest

import gradtape as tf

_RNG = np.random.default_rng(5)


def _normal(shape):
    return tf.constant(_RNG.normal(size=shape).astype(np.float32))


class SimpleModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.a_variable = tf.Variable(5.0, name="train_me")
        self.non_trainable_variable = tf.Variable(5.0, trainable=False, name="do_not_train_me")

    def __call__(self, x):
        return self.a_variable * x + self.non_trainable_variable


class Dense(tf.Module):
    def __init__(self, in_features, out_features, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(_normal([in_features, out_features]), name='w')
        self.b = tf.Variable(tf.zeros([out_features]), name='b')

    def __call__(self, x):
        return tf.nn.relu(tf.matmul(x, self.w) + self.b)


class SequentialModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.dense_1 = Dense(in_features=3, out_features=3)
        self.dense_2 = Dense(in_features=3, out_features=2)

    def __call__(self, x):
        return self.dense_2(self.dense_1(x))


class MyDense(tf.keras.layers.Layer):
    """The guide's first Keras layer: plain tf.Variables, which Keras 3 does not collect."""
    def __init__(self, in_features, out_features, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(tf.ones([in_features, out_features]), name='w')
        self.b = tf.Variable(tf.zeros([out_features]), name='b')

    def call(self, x):
        return tf.nn.relu(tf.matmul(x, self.w) + self.b)


class FlexibleDense(tf.keras.layers.Layer):
    def __init__(self, out_features, **kwargs):
        super().__init__(**kwargs)
        self.out_features = out_features

    def build(self, input_shape):
        self.w = tf.Variable(tf.ones([input_shape[-1], self.out_features]), name='w')
        self.b = tf.Variable(tf.zeros([self.out_features]), name='b')

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


class MySequentialModel(tf.keras.Model):
    def __init__(self, name=None, **kwargs):
        super().__init__(**kwargs)
        self.dense_1 = FlexibleDense(out_features=3)
        self.dense_2 = FlexibleDense(out_features=2)

    def call(self, x):
        return self.dense_2(self.dense_1(x))


def test_a_module_collects_its_variables():
    simple_module = SimpleModule(name="simple")
    # TensorFlow 2.21's values and names
    assert simple_module(tf.constant(5.0)).numpy() == 30.0
    assert [v.name for v in simple_module.trainable_variables] == ["train_me:0"]
    assert [v.name for v in simple_module.variables] == ["train_me:0", "do_not_train_me:0"]
    model = SequentialModule(name="the_model")
    assert [v.name for v in model.variables] == ["b:0", "w:0", "b:0", "w:0"]
    assert [type(m).__name__ for m in model.submodules] == ["Dense", "Dense"]
    assert model(tf.constant([[2.0, 2.0, 2.0]])).shape == (1, 2)


def test_a_checkpoint_restores_a_module(tmp_path):
    model = SequentialModule(name="the_model")
    x = tf.constant([[2.0, 2.0, 2.0]])
    path = tf.train.Checkpoint(model=model).write(str(tmp_path / "my_checkpoint"))
    assert [(name, shape) for name, shape in tf.train.list_variables(path)] == [
        ("model/dense_1/b", [3]), ("model/dense_1/w", [3, 3]),
        ("model/dense_2/b", [2]), ("model/dense_2/w", [3, 2])]
    new_model = SequentialModule()
    tf.train.Checkpoint(model=new_model).restore(path)
    np.testing.assert_array_equal(new_model(x).numpy(), model(x).numpy())


def test_functions_summaries_and_saved_models():
    class TracedModule(SequentialModule):
        @tf.function
        def __call__(self, x):
            return self.dense_2(self.dense_1(x))
    model = TracedModule(name="the_model")
    assert model([[2.0, 2.0, 2.0]]).shape == (1, 2)  # TensorFlow 2.21: (1, 2) and (1, 2, 2)
    assert model([[[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]]).shape == (1, 2, 2)
    for name in ("summary", "profiler", "saved_model"):
        with pytest.raises(AttributeError, match="not implemented in gradtape"):
            getattr(tf, name)


def test_a_keras_layer_takes_only_tensors_positionally():
    simple_layer = MyDense(name="simple", in_features=3, out_features=3)
    # TensorFlow 2.21 (Keras 3): a nested Python list is refused
    with pytest.raises(ValueError, match="Only input tensors may be passed as positional "
                                         "arguments.*2.0 \\(of type <class 'float'>\\)"):
        simple_layer([[2.0, 2.0, 2.0]])
    np.testing.assert_array_equal(simple_layer(tf.constant([[2.0, 2.0, 2.0]])).numpy(),
                                  [[6.0, 6.0, 6.0]])
    np.testing.assert_array_equal(simple_layer(np.full((1, 3), 2.0)).numpy(), [[6.0, 6.0, 6.0]])


def test_keras_structures_pass_through_and_none_is_no_flag():
    class Two(tf.keras.layers.Layer):
        def call(self, a, training=None):
            return a
    two = Two()
    # TensorFlow 2.21 (Keras 3): a list of arrays stays a list of float32 tensors
    out = two([np.ones(2), np.ones(3)])
    assert type(out) is list and [o.dtype for o in out] == [tf.float32, tf.float32]
    assert two((tf.ones(2), None))[1] is None
    for bad in ((tf.ones((1, 3)), True), ({"a": tf.ones(2), "b": 1},)):
        with pytest.raises(ValueError, match="Only input tensors"):
            two(*bad)

    class Double(tf.keras.Model):
        def call(self, x):
            return x * 2
    with pytest.raises(ValueError, match="Only input tensors"):
        Double()([[1.0, 2.0]])  # gradtape returned the Python list repeated


def test_keras_does_not_collect_plain_variables():
    # TensorFlow 2.21 (Keras 3): tf.Variable attributes of a layer are not its weights
    simple_layer = MyDense(name="simple", in_features=3, out_features=3)
    assert simple_layer.variables == [] and simple_layer.trainable_weights == []
    flexible_dense = FlexibleDense(out_features=3)
    out = flexible_dense(tf.constant([[2.0, 2.0, 2.0], [3.0, 3.0, 3.0]]))
    np.testing.assert_array_equal(out.numpy(), [[6.0] * 3, [9.0] * 3])
    assert flexible_dense.variables == []
    with pytest.raises(tf.errors.InvalidArgumentError):
        flexible_dense(tf.constant([[2.0, 2.0, 2.0, 2.0]]))
    model = MySequentialModel(name="the_model")
    np.testing.assert_array_equal(model(tf.constant([[2.0, 2.0, 2.0]])).numpy(), [[18.0, 18.0]])
    assert model.variables == [] and model.trainable_variables == []


def test_only_add_weight_makes_keras_weights():
    class Mixed(tf.keras.layers.Layer):
        def build(self, input_shape):
            self.raw = tf.Variable(1.0)
            self.k = self.add_weight(shape=(input_shape[-1], 2), initializer="ones", name="k")
            self.mod = tf.Module()
            self.mod.v = tf.Variable(3.0)

        def call(self, x):
            return x @ self.k * self.raw
    layer = Mixed(name="mixed")
    layer(tf.ones((1, 3)))
    # TensorFlow 2.21 (Keras 3): ['k']; neither the tf.Variable nor the tf.Module's
    assert [v.name for v in layer.variables] == ["mixed/k:0"]
    layer.trainable = False
    assert layer.raw.trainable and not layer.k.trainable


def test_a_module_does_not_collect_a_keras_layer():
    class Mod(tf.Module):
        def __init__(self):
            super().__init__()
            self.layer = tf.keras.layers.Dense(2)
            self.v = tf.Variable(1.0)
    mm = Mod()
    mm.layer(tf.ones((1, 3)))
    # TensorFlow 2.21 (Keras 3): 1 variable, no submodules
    assert len(mm.variables) == 1 and len(mm.trainable_variables) == 1
    assert mm.submodules == ()


def test_a_checkpoint_saves_everything_a_layer_holds(tmp_path):
    class Holder(tf.keras.layers.Layer):
        def build(self, input_shape):
            self.w = tf.Variable(tf.ones([input_shape[-1], 2]), name='w')
            self.k = self.add_weight(shape=(2,), initializer="ones", name="k")

        def call(self, x):
            return x @ self.w + self.k

    class Outer(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.d = Holder()
            self.raw = tf.Variable(2.0)

        def call(self, x):
            return self.d(x) * self.raw
    model = Outer()
    x = tf.constant([[1.0, 2.0, 3.0]])
    before = model(x).numpy()
    path = tf.train.Checkpoint(model=model).write(str(tmp_path / "c"))
    # TensorFlow 2.21 saves d/k, d/w and raw (under its own key format)
    assert [name for name, _ in tf.train.list_variables(path)] == \
        ["model/d/k", "model/d/w", "model/raw"]
    for v in (model.d.w, model.d.k, model.raw):
        v.assign(tf.zeros_like(v))
    tf.train.Checkpoint(model=model).restore(path)
    np.testing.assert_array_equal(model(x).numpy(), before)


def test_keras_saving_is_out_of_scope():
    model = MySequentialModel()
    model(tf.ones((1, 3)))
    with pytest.raises(NotImplementedError, match="Checkpoint"):
        model.save("exname_of_file.keras")


def test_the_guides_functional_model():
    inputs = tf.keras.Input(shape=[3, ])
    x = FlexibleDense(3)(inputs)
    x = FlexibleDense(2)(x)
    my_functional_model = tf.keras.Model(inputs=inputs, outputs=x)
    # TensorFlow 2.21: [[18. 18.]]; 3 layers (with the InputLayer); plain Variables not listed
    np.testing.assert_array_equal(my_functional_model(tf.constant([[2.0, 2.0, 2.0]])).numpy(),
                                  [[18.0, 18.0]])
    assert (len(my_functional_model.layers), len(my_functional_model.variables)) == (3, 0)


def test_modules_and_layers_print_as_tensorflow_prints_them():
    # TensorFlow 2.21: tf.Module keeps object's repr; Keras 3 shows the name and built flag
    model = SequentialModule(name="the_model")
    assert [repr(m).startswith("<test_modules_guide.Dense object at 0x")
            or repr(m).startswith("<tests.tf_guides.test_modules_guide.Dense object at 0x")
            for m in model.submodules] == [True, True]
    dense = tf.keras.layers.Dense(2, name="dense_probe")
    assert repr(dense) == "<Dense name=dense_probe, built=False>"
    dense(tf.ones((1, 2)))
    assert repr(dense) == "<Dense name=dense_probe, built=True>"
