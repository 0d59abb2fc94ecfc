"""What TensorFlow refuses in a tf.function, gradtape.function refuses too:
tensors leaked out of a trace, Variables created on every call, recursion on
tensors (messages and exception classes as TensorFlow 2.21's)."""
import pytest

import gradtape as tf


def _leaky():
    leaked = []

    @tf.function
    def f(x):
        y = x * 2.0
        leaked.append(y)
        leaked.append(x)
        return y
    return f, leaked


@pytest.mark.parametrize("use,error", [
    (lambda t: t.numpy(), AttributeError),  # TensorFlow 2.21: AttributeError, no numpy
    (lambda t: t + 1.0, TypeError),
    (lambda t: float(t), TypeError),
    (lambda t: tf.function(lambda z: z * 3.0)(t), TypeError),
    (lambda t: tf.reduce_sum(t), TypeError),
])
def test_a_tensor_leaked_out_of_a_trace_is_out_of_scope(use, error):
    f, leaked = _leaky()
    assert float(f(tf.constant(1.0))) == 2.0  # the returned value is fine
    for t in leaked:
        with pytest.raises(error, match="out of scope"):
            use(t)


def test_the_result_of_a_trace_stays_usable():
    f, _ = _leaky()
    y = f(tf.constant(2.0))
    assert float(y + 1.0) == 5.0 and y.shape == ()


def test_a_variable_created_on_every_call_is_refused_at_once():
    @tf.function
    def f(x):
        v = tf.Variable(1.0)
        return x * v
    with pytest.raises(ValueError, match="only supports singleton tf.Variables created on "
                                         "the first call"):
        f(tf.constant(1.0))


def test_variables_created_on_the_first_call_only_are_fine():
    class Dense(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = None

        @tf.function
        def __call__(self, x):
            if self.w is None:
                self.w = tf.Variable(tf.ones((x.shape[-1], 2)))
            return x @ self.w
    a, b = Dense(), Dense()  # each instance has its own first call
    assert a(tf.ones((1, 3))).numpy().tolist() == [[3.0, 3.0]]
    assert b(tf.ones((1, 4))).numpy().tolist() == [[4.0, 4.0]]
    assert a(tf.ones((2, 3))).numpy().tolist() == [[3.0, 3.0]] * 2  # a new shape: no new Variable
    assert a.__call__.experimental_get_tracing_count() == 3  # TensorFlow: 2 on the first call, 1 more


def test_a_variable_created_on_a_later_trace_is_refused():
    made = []

    @tf.function
    def f(x):
        if x.shape[0] == 2:
            made.append(tf.Variable(1.0))
        return x * 2.0
    f(tf.ones(1))
    with pytest.raises(ValueError, match="singleton"):
        f(tf.ones(2))


def test_recursion_on_tensors_raises():
    @tf.function
    def fact(n):
        if n <= 1:
            return tf.constant(1)
        return n * fact(n - 1)
    with pytest.raises(RecursionError, match="calls itself on tensors"):
        fact(tf.constant(3))


def test_recursion_on_python_values_compiles():
    @tf.function
    def fact(n):
        if n <= 1:
            return 1
        return n * fact(n - 1)
    assert int(fact(4)) == 24  # TensorFlow: 24, a Tensor


def test_get_concrete_function_keeps_a_variable_argument_a_variable():
    # TensorFlow 2.21: tracing assigns nothing; then each call adds 1 (2.0, then 3.0)
    v = tf.Variable(1.0)

    @tf.function
    def bump(w):
        w.assign_add(1.0)
        return w * 1.0
    concrete = bump.get_concrete_function(v)
    assert v.numpy() == 1.0
    assert concrete(v).numpy() == 2.0 and v.numpy() == 2.0
    assert bump(v).numpy() == 3.0 and v.numpy() == 3.0
