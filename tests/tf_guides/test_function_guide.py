"""The tf.function guide (site/en/guide/function.ipynb), its code adapted:
tracing, retracing, concrete functions, side effects and Variables inside a
function.  Expected values and printouts are TensorFlow 2.21's."""
import numpy as np
import pytest

import gradtape as tf


def test_a_tensor_array_accumulates_an_rnn_unrolled_over_tf_range():
    # "Accumulating values in a loop": the TensorArray is written at the loop's
    # tensor index; TensorFlow 2.21 printed these sums.
    def rnn_step(inp, state):
        return inp + state

    @tf.function
    def dynamic_rnn(rnn_step, input_data, initial_state):
        input_data = tf.transpose(input_data, [1, 0, 2])
        max_seq_len = input_data.shape[0]
        states = tf.TensorArray(tf.float32, size=max_seq_len)
        state = initial_state
        for i in tf.range(max_seq_len):
            state = rnn_step(input_data[i], state)
            states = states.write(i, state)
        return tf.transpose(states.stack(), [1, 0, 2])

    data = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10)
    for _ in range(2):  # traced, then replayed
        out = dynamic_rnn(rnn_step, data, tf.zeros([2, 4]))
        np.testing.assert_allclose(out.numpy(), [
            [[0., .1, .2, .3], [.4, .6, .8, 1.], [1.2, 1.5, 1.8, 2.1]],
            [[1.2, 1.3, 1.4, 1.5], [2.8000002, 3., 3.1999998, 3.4],
             [4.8, 5.1, 5.3999996, 5.7]]], rtol=1e-6)
    out = dynamic_rnn(rnn_step, data * 2.0, tf.ones([2, 4]))
    np.testing.assert_allclose(out.numpy()[1, 2], [10.6, 11.2, 11.8, 12.4], rtol=1e-6)


def test_a_concrete_function_keeps_the_python_values_it_was_traced_with():
    # "Obtaining concrete functions": TensorFlow 2.21 printed this signature,
    # returned 100.0 and raised TypeError for b=3
    @tf.function
    def pow(a, b):
        return a ** b

    square = pow.get_concrete_function(a=tf.TensorSpec(None, tf.float32), b=2)
    assert str(square) == """ConcreteFunction Input Parameters:
  a (POSITIONAL_OR_KEYWORD): TensorSpec(shape=<unknown>, dtype=tf.float32, name=None)
  b (POSITIONAL_OR_KEYWORD): Literal[2]
Output Type:
  TensorSpec(shape=<unknown>, dtype=tf.float32, name=None)
Captures:
  None"""
    assert square(tf.constant(10.0)) == 100
    assert float(square(tf.constant(10.0), b=2)) == 100.0
    assert float(square(a=tf.constant(3.0))) == 9.0
    with pytest.raises(TypeError, match="Can not cast 3 to Literal"):
        square(tf.constant(10.0), b=3)
    assert square.structured_input_signature == (
        (tf.TensorSpec(None, tf.float32, name="a"), 2), {})
    # a narrower signature gets the same concrete function: any shape fits it
    same = pow.get_concrete_function(tf.TensorSpec([2], tf.float32), 2)
    assert same(tf.constant([1.0, 2.0, 3.0])).numpy().tolist() == [1.0, 4.0, 9.0]
    with pytest.raises(TypeError, match="Can not cast"):
        same(tf.constant([1, 2]), 2)
    assert pow.experimental_get_tracing_count() == 1


def test_printed_signatures_keep_none_sizes_and_name_their_parameters():
    # TensorFlow 2.21's printout for a nested result and a keyword-only default
    @tf.function
    def multi(x, y=3, *, z=None):
        return {"s": x * y, "t": (x, x)}

    concrete = multi.get_concrete_function(
        tf.TensorSpec([None, 2], tf.float64, name="xx"), 4)
    spec = "TensorSpec(shape=(None, 2), dtype=tf.float64, name=None)"
    assert str(concrete) == f"""ConcreteFunction Input Parameters:
  x (POSITIONAL_OR_KEYWORD): TensorSpec(shape=(None, 2), dtype=tf.float64, name='xx')
  y (POSITIONAL_OR_KEYWORD): Literal[4]
  z (KEYWORD_ONLY): Literal[None]
Output Type:
  Dict[['s', {spec}], ['t', Tuple[{spec}, {spec}]]]
Captures:
  None"""
    assert concrete.structured_input_signature == (
        (tf.TensorSpec([None, 2], tf.float64, name="xx"), 4), {"z": None})
    assert concrete(tf.ones([3, 2], tf.float64))["s"].numpy().tolist() == [[4.0, 4.0]] * 3
    with pytest.raises(AttributeError, match="no tf.Graph"):
        concrete.graph


def test_a_variable_argument_prints_as_a_variable_spec():
    # TensorFlow 2.21: VariableSpec(shape=(), dtype=tf.float32, trainable=True, alias_id=0)
    @tf.function
    def var_out(v):
        return v.assign_add(1.0)

    v = tf.Variable(1.0)
    concrete = var_out.get_concrete_function(v)
    assert "v (POSITIONAL_OR_KEYWORD): VariableSpec(shape=(), dtype=tf.float32, " \
        "trainable=True, alias_id=0)" in str(concrete)
    assert v.numpy() == 1.0  # tracing ran no call
    assert concrete(v).numpy() == 2.0


def test_get_concrete_function_may_create_the_variables_of_a_new_function():
    # "Using with multiple Keras optimizers", one Function per optimizer, steps
    # alternating; TensorFlow 2.21 ended at w = 1.978001 with 2 steps each
    opt1 = tf.keras.optimizers.Adam(learning_rate=1e-2)
    opt2 = tf.keras.optimizers.Adam(learning_rate=1e-3)

    def train_step(w, x, y, optimizer):
        with tf.GradientTape() as tape:
            L = tf.reduce_sum(tf.square(w * x - y))
        gradients = tape.gradient(L, [w])
        optimizer.apply_gradients(zip(gradients, [w]))

    w = tf.Variable(2.)
    x = tf.constant([-1.])
    y = tf.constant([2.])
    f1 = tf.function(train_step)
    train_step_1 = f1.get_concrete_function(w, x, y, opt1)
    train_step_2 = tf.function(train_step).get_concrete_function(w, x, y, opt2)
    assert w.numpy() == 2.0 and opt1.iterations.numpy() == 0
    assert f1.experimental_get_tracing_count() == 2  # created Variables: traced twice
    for i in range(4):
        if i % 2 == 0:
            train_step_1(w, x, y, opt1)
        else:
            train_step_2(w, x, y, opt2)
    np.testing.assert_allclose(w.numpy(), 1.978001, rtol=1e-6)
    assert opt1.iterations.numpy() == opt2.iterations.numpy() == 2
    with pytest.raises(TypeError, match="missing a required argument: 'optimizer'"):
        train_step_1(w, x, y)  # as the guide's cell does: TensorFlow 2.21 raises


class _Count(tf.Module):
    # the guide's Count: creates its Variable on the first call
    def __init__(self):
        self.count = None

    @tf.function
    def __call__(self):
        if self.count is None:
            self.count = tf.Variable(0)
        return self.count.assign_add(1)


def test_a_concrete_function_of_a_method_creating_its_variable():
    # the guide's Count, concrete function first: TensorFlow 2.21 printed 0, then 1 2 3
    c = _Count()
    concrete = c.__call__.get_concrete_function()
    assert c.count.numpy() == 0
    assert [c().numpy(), c().numpy(), concrete().numpy()] == [1, 2, 3]
    assert c.__call__.experimental_get_tracing_count() == 2


def test_a_concrete_function_takes_its_tensors_alone():
    # "Depending on Python objects": the model is not passed again; TensorFlow
    # 2.21 printed 20.0, then 25.0 for a new Function after the bias changed
    class SimpleModel(tf.Module):
        def __init__(self):  # Module.__init__ not called, as in the guide
            self.bias = 0.
            self.weight = 2.

    def evaluate(model, x):
        return model.weight * x + model.bias

    x = tf.constant(10.)
    new_model = SimpleModel()
    evaluate_no_bias = tf.function(evaluate).get_concrete_function(new_model, x)
    assert evaluate_no_bias(x).numpy() == 20.0
    new_model.bias += 5.0
    evaluate_with_bias = tf.function(evaluate).get_concrete_function(new_model, x)
    assert evaluate_with_bias(x).numpy() == 25.0
    assert evaluate_no_bias(x).numpy() == 20.0  # its trace keeps the old bias
    assert repr(new_model).startswith("<")
    # TensorFlow 2.21 runs its graph on another shape, with the bias of the trace:
    # [2.0, 4.0]; a new trace would read the new bias, so gradtape raises
    with pytest.raises(TypeError, match="Can not cast"):
        evaluate_no_bias(tf.constant([1.0, 2.0]))


# -- the concrete functions guide (site/en/guide/concrete_function.ipynb) ----

def test_a_traced_tensor_formatted_for_a_print_traces_once(capsys):
    # '{a}'.format(a=a) while tracing: TensorFlow 2.21 formats the traced tensor
    # as text and traces once per signature (6, 6.0, then 100 without a trace)
    @tf.function
    def mul(a, b):
        print('Tracing:\n    {a}\n    {b}\n'.format(a=a, b=b))
        return a * b

    assert mul(tf.constant(2), tf.constant(3)).numpy() == 6
    assert mul(tf.constant(2.0), tf.constant(3.0)).numpy() == 6.0
    assert mul(tf.constant(10), tf.constant(10)).numpy() == 100
    assert f"{mul(3.0, tf.constant(3.0)).numpy()}" == "9.0"
    assert mul.experimental_get_tracing_count() == 3
    assert capsys.readouterr().out.count("Tracing:") == 3

    @tf.function
    def formats_a_number(x):
        return tf.constant(float(f"{x:.2f}"))  # a number kept from the trace: refused

    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError):
        formats_a_number(tf.constant(1.0))


def test_python_bool_arguments_pick_the_branch_traced():
    # the guide's Dropout: training=False returns x; TensorFlow 2.21 counts 3 traces
    # (True, False, and one for a bool tensor)
    class Dropout(tf.Module):
        def __init__(self, rate, name=None):
            super().__init__(name)
            self.rate = tf.Variable(rate, dtype=tf.float32, trainable=False)

        @tf.function
        def __call__(self, x, training=True):
            print("training = {}, name = {:s}".format(training, self.name))
            if training:
                mask = tf.random.uniform(x.shape) > self.rate
                return x * tf.cast(mask, tf.float32) / self.rate
            return x

    dropout = Dropout(0.5)
    x = tf.range(10, dtype=tf.float32)
    assert dropout(x, training=True).shape == (10,)
    assert dropout(x, training=False).numpy().tolist() == list(range(10))
    assert dropout(x, training=tf.constant(False)).numpy().tolist() == list(range(10))
    kept = dropout(x, training=tf.constant(True)).numpy()
    assert set(np.round(kept[1:] / np.arange(1, 10), 6)) <= {0.0, 2.0}
    assert dropout(x, training=tf.constant(False)).numpy().tolist() == list(range(10))
    assert dropout.__call__.experimental_get_tracing_count() == 3


def test_a_concrete_function_converts_numbers_and_checks_dtypes():
    # "Using a concrete function": TensorFlow 2.21 gives 8.0 for Python floats
    # (no new trace) and InvalidArgumentError for int32 tensors
    @tf.function
    def power(a, b):
        return a ** b

    float_power = power.get_concrete_function(
        a=tf.TensorSpec(shape=[], dtype=tf.float32),
        b=tf.TensorSpec(shape=[], dtype=tf.float32))
    assert float_power(tf.constant(2.0), tf.constant(3.0)).numpy() == 8.0
    assert float_power(2.0, 3.0).numpy() == 8.0
    assert power.experimental_get_tracing_count() == 1
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a float32 tensor"):
        float_power(tf.constant(1), tf.constant(3))
    # TensorFlow 2.21 runs its graph on a vector ([1, 8, 27, 64, 125]): gradtape
    # refuses other shapes (see test_a_concrete_function_takes_its_tensors_alone)
    with pytest.raises(TypeError, match="Can not cast"):
        float_power(tf.constant([1., 2., 3., 4., 5.]), tf.constant(3.))
    row, col = tf.range(10), tf.constant([[1], [2], [3]])
    concrete_power = power.get_concrete_function(a=row, b=col)
    assert concrete_power(row, col).numpy()[2].tolist() == [0, 1, 8, 27, 64, 125, 216, 343,
                                                            512, 729]


class _FruitTraceType(tf.types.experimental.TraceType):
    # the guide's FruitTraceType, with the placeholder_value TensorFlow 2.21 requires
    def __init__(self, fruit_type):
        self.fruit_type = fruit_type

    def is_subtype_of(self, other):
        return type(other) is _FruitTraceType and self.fruit_type is other.fruit_type

    def most_specific_common_supertype(self, others):
        return self if all(self == other for other in others) else None

    def placeholder_value(self, placeholder_context=None):
        return self.fruit_type()

    def __eq__(self, other):
        return type(other) is _FruitTraceType and self.fruit_type == other.fruit_type

    def __hash__(self):
        return hash(self.fruit_type)


def test_the_tracing_protocol_shares_a_trace_between_equal_trace_types():
    # "Use the tracing protocol": TensorFlow 2.21 prints [4 6] twice, [6 8], and
    # counts 2 traces; the guide's class without placeholder_value cannot be made
    class FruitWithTraceType:
        def __tf_tracing_type__(self, context):
            return _FruitTraceType(type(self))

    class AppleWithTraceType(FruitWithTraceType):
        flavor = tf.constant([1, 2])

    class MangoWithTraceType(FruitWithTraceType):
        flavor = tf.constant([3, 4])

    @tf.function
    def get_mixed_flavor(fruit_a, fruit_b):
        return fruit_a.flavor + fruit_b.flavor

    assert get_mixed_flavor(AppleWithTraceType(), MangoWithTraceType()).numpy().tolist() == [4, 6]
    assert get_mixed_flavor(AppleWithTraceType(), MangoWithTraceType()).numpy().tolist() == [4, 6]
    assert get_mixed_flavor(MangoWithTraceType(), MangoWithTraceType()).numpy().tolist() == [6, 8]
    assert get_mixed_flavor.experimental_get_tracing_count() == 2

    class NoPlaceholder(tf.types.experimental.TraceType):
        def is_subtype_of(self, other):
            return self == other

        def most_specific_common_supertype(self, others):
            return None

        def __eq__(self, other):
            return self is other

        def __hash__(self):
            return 0

    with pytest.raises(TypeError, match="placeholder_value"):
        NoPlaceholder()


def test_a_leaked_tensor_has_no_numpy_and_cannot_be_used():
    # "All outputs of a tf.function must be return values": TensorFlow 2.21 prints
    # 3, raises AttributeError for x.numpy() and TypeError when x is used
    leaked = []

    @tf.function
    def leaky_function(a):
        leaked.append(a + 1)
        return a + 2

    assert leaky_function(tf.constant(1)).numpy() == 3
    x = leaked[0]
    with pytest.raises(AttributeError, match="no attribute 'numpy'"):
        x.numpy()

    @tf.function
    def captures_leaked_tensor(b):
        b += x
        return b

    with pytest.raises(TypeError, match="out of scope"):
        captures_leaked_tensor(tf.constant(2))


def test_a_method_concrete_function_for_any_sizes():
    # "the self is automatically bound": TensorFlow 2.21 prints [[5 5 5] [10 10 10]]
    # and ((TensorSpec(shape=(None, None), dtype=tf.float32, name='x'),), {})
    class MyModel(tf.Module):
        def __init__(self, ins, outs):
            self.W = tf.Variable(tf.ones([ins, outs]))
            self.B = tf.Variable(tf.zeros([outs], dtype=tf.float32))

        @tf.function
        def run(self, x):
            return tf.matmul(x, self.W) + self.B

    mod = MyModel(ins=5, outs=3)
    assert mod.run([[1.0, 1.0, 1.0, 1.0, 1.0]]).numpy().tolist() == [[5.0, 5.0, 5.0]]
    concrete_run = mod.run.get_concrete_function(x=tf.TensorSpec([None, None]))
    out = concrete_run(tf.constant([[1.0, 1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0]]))
    assert out.numpy().tolist() == [[5.0, 5.0, 5.0], [10.0, 10.0, 10.0]]
    assert concrete_run.structured_input_signature == (
        (tf.TensorSpec([None, None], tf.float32, name="x"),), {})
    # zeros of size 2 do not fit the matmul: the output is known at the first call
    assert "Output Type:\n  <unknown until the first call>" in str(concrete_run)
    with pytest.raises(tf.errors.InvalidArgumentError):
        concrete_run(tf.ones([2, 4]))


def test_an_input_signature_refuses_another_rank_in_tensorflows_words():
    # "Pass a fixed input_signature": TensorFlow 2.21 prints [4 1] and raises
    # TypeError "Binding inputs to tf.function failed due to `Can not cast
    # TensorSpec(shape=(2, 2), ...) to TensorSpec(shape=(None,), ...)`"
    @tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
    def next_collatz(x):
        return tf.where(x % 2 == 0, x // 2, 3 * x + 1)

    assert next_collatz(tf.constant([1, 2])).numpy().tolist() == [4, 1]
    with pytest.raises(TypeError, match=r"Binding inputs to tf.function failed due to `Can not "
                                        r"cast TensorSpec\(shape=\(2, 2\), dtype=tf.int32"):
        next_collatz(tf.constant([[1, 2], [3, 4]]))
    with pytest.raises(TypeError, match="Can not cast"):
        next_collatz(tf.constant([1.0, 2.0]))


# -- the guide's cells that already ran as TensorFlow's: kept so they stay so --

def test_functions_compose_and_pass_gradients():
    # TensorFlow 2.21: [[2, 2], [2, 2]], a gradient of 1.0, [[3, 3]] * 3
    @tf.function
    def add(a, b):
        return a + b

    @tf.function
    def dense_layer(x, w, b):
        return add(tf.matmul(x, w), b)

    assert add(tf.ones([2, 2]), tf.ones([2, 2])).numpy().tolist() == [[2.0, 2.0]] * 2
    v = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        result = add(v, 1.0)
    assert tape.gradient(result, v).numpy() == 1.0
    assert dense_layer(tf.ones([3, 2]), tf.ones([2, 2]), tf.ones([2])).numpy().tolist() == \
        [[3.0, 3.0]] * 3


def test_python_side_effects_happen_while_tracing(capsys):
    # TensorFlow 2.21 printed "Traced with 1" once for f(1), f(1), and once for f(2);
    # the list append happened once; the counter model printed 1, 2, 3 and with
    # init_scope 1, 1, 1; the iterator gave 1 three times
    @tf.function
    def f(x):
        print("Traced with", x)
        tf.print("Executed with", x)

    f(1)
    f(1)
    f(2)
    assert capsys.readouterr().out.count("Traced with") == 2
    external_list = []

    @tf.function
    def side_effect(x):
        external_list.append(x)

    for _ in range(3):
        side_effect(1)
    assert len(external_list) == 1

    class Model(tf.Module):
        def __init__(self, lift):
            self.v = tf.Variable(0)
            self.counter = 0
            self.lift = lift

        @tf.function
        def __call__(self):
            if self.counter == 0:
                if self.lift:
                    with tf.init_scope():
                        self.counter += 1
                        self.v.assign_add(1)
                else:
                    self.counter += 1
                    self.v.assign_add(1)
            return self.v

    m = Model(lift=False)
    assert [m().numpy() for _ in range(3)] == [1, 2, 3]
    m = Model(lift=True)
    assert [m().numpy() for _ in range(3)] == [1, 1, 1]

    @tf.function
    def buggy_consume_next(iterator):
        return tf.constant(next(iterator))

    iterator = iter([1, 2, 3])
    assert [int(buggy_consume_next(iterator)) for _ in range(3)] == [1, 1, 1]


def test_globals_are_fixed_at_tracing_and_variables_are_read():
    # TensorFlow 2.21: Buggy 2, Correct 2, then Buggy 2, Correct 101; Variable 2 then 101
    foo = [1]

    @tf.function
    def buggy_add():
        return 1 + foo[0]

    @tf.function
    def recommended_add(foo):
        return 1 + foo

    assert int(buggy_add()) == 2 and int(recommended_add(foo[0])) == 2
    foo[0] = 100
    assert int(buggy_add()) == 2 and int(recommended_add(foo[0])) == 101
    var = tf.Variable(1)

    @tf.function
    def variable_add():
        return 1 + var

    assert int(variable_add()) == 2
    var.assign(100)
    assert int(variable_add()) == 101


def test_a_variable_created_on_every_call_is_refused():
    # "Creating tf.Variables": TensorFlow 2.21 raises ValueError; Count prints 1, 2
    @tf.function
    def f(x):
        v = tf.Variable(1.0)
        return v

    with pytest.raises(ValueError, match="singleton tf.Variables"):
        f(1.0)

    c = _Count()
    assert [int(c()), int(c())] == [1, 2]


def test_a_tensor_array_gathers_at_tensor_indices_inside_a_function():
    # TensorFlow 2.21: [3. 1.] then [2. 2.] (the indices are read on every call)
    @tf.function
    def f(x, idx):
        ta = tf.TensorArray(tf.float32, size=3).unstack(x)
        return ta.gather(idx)

    x = tf.constant([1., 2., 3.])
    assert f(x, tf.constant([2, 0])).numpy().tolist() == [3.0, 1.0]
    assert f(x, tf.constant([1, 1])).numpy().tolist() == [2.0, 2.0]
