"""NumPy's floating-point RuntimeWarnings point at the user's line, whatever
path the op's NumPy code ran from, and with the user's own filters in force.

Each case sets ``simplefilter("default")`` (a user's filter comes before
gradtape's own), and checks the warning's file is this test file, its line the
one that called gradtape, and its message names the op.
"""
import inspect
import warnings

import numpy as np
import pytest

import gradtape as tf


def _here():
    """The line of the caller."""
    return inspect.currentframe().f_back.f_lineno


def _recorded(fn, action="default"):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter(action)
        line = fn()
    runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    return runtime, line


def _assert_at(runtime, line, *words):
    assert runtime, "no RuntimeWarning"
    for w in runtime:
        assert (w.filename, w.lineno) == (__file__, line), (w.filename, w.lineno, str(w.message))
    text = " ".join(str(w.message) for w in runtime)
    for word in words:
        assert word in text, text


def test_forward_op():
    def run():
        tf.math.log(tf.constant([0.0, 1.0])); return _here()  # noqa: E702
    runtime, line = _recorded(run)
    _assert_at(runtime, line, "log: divide by zero encountered in log")


@pytest.mark.parametrize("fn,words", [
    (lambda x: tf.math.log(x), ("divide by zero", "in the derivative of log")),
    (lambda x: tf.sqrt(x), ("divide by zero", "in the derivative of sqrt")),
    (lambda x: tf.math.rsqrt(x + 1.0) / x, ("divide",)),
])
def test_vjp_during_gradient_points_at_the_gradient_call(fn, words):
    x = tf.constant([0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the forward pass's own warnings
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)

    def run():
        tape.gradient(y, x); return _here()  # noqa: E702
    runtime, line = _recorded(run)
    _assert_at(runtime, line, *words)


def test_gradient_of_a_variable_and_jacobian():
    v = tf.Variable([0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with tf.GradientTape(persistent=True) as tape:
            y = tf.sqrt(v)

    def run():
        tape.gradient(y, v); return _here()  # noqa: E702
    _assert_at(*_recorded(run), "divide", "sqrt")

    def run_jacobian():
        tape.jacobian(y, v); return _here()  # noqa: E702
    _assert_at(*_recorded(run_jacobian), "divide", "sqrt")


def test_second_order():
    x = tf.constant([0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.sqrt(x)
            g = inner.gradient(y, x)

    def run():
        outer.gradient(g, x); return _here()  # noqa: E702
    _assert_at(*_recorded(run), "divide")


def test_forward_accumulator_jvp_points_at_the_op():
    x = tf.constant([0.0, 1.0])

    def run():
        with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 1.0])):
            tf.sqrt(x); return _here()  # noqa: E702
    _assert_at(*_recorded(run), "divide by zero", "in the derivative of sqrt")


def test_functional_grad():
    def run():
        tf.grad(lambda x: tf.reduce_sum(tf.sqrt(x)))(tf.constant([0.0])); return _here()  # noqa: E702
    _assert_at(*_recorded(run), "in the derivative of sqrt")


def test_variable_operators_and_assign():
    v = tf.Variable([0.0, 1.0])

    def run():
        1.0 / v; return _here()  # noqa: E702
    _assert_at(*_recorded(run), "divide: divide by zero")

    def run_assign():
        v.assign(tf.math.log(v)); return _here()  # noqa: E702
    _assert_at(*_recorded(run_assign), "log: divide by zero")


def test_numpy_called_by_a_rule():
    # reduce_prod and matmul compute with NumPy functions, not from the dispatcher
    def run():
        tf.reduce_prod(tf.constant([1e30, 1e30])); return _here()  # noqa: E702
    _assert_at(*_recorded(run), "reduce_prod: overflow")

    def run_matmul():
        tf.constant([[1e30]]) @ tf.constant([[1e30]]); return _here()  # noqa: E702
    _assert_at(*_recorded(run_matmul), "matmul: overflow")


def test_compiled_replay():
    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.math.log(x)
        return y, tape.gradient(y, x)

    f(tf.constant([1.0, 2.0]))   # traced: no warning

    def run():
        f(tf.constant([0.0, 2.0])); return _here()  # noqa: E702
    _assert_at(*_recorded(run), "gradtape.function f", "divide by zero encountered in log")


@pytest.mark.other_namespace
def test_another_array_namespace():
    xp = pytest.importorskip("array_api_strict")
    x = tf.constant(xp.asarray([0.0, 1.0]))

    def run():
        tf.math.log(x); return _here()  # noqa: E702
    _assert_at(*_recorded(run), "log: divide by zero")


def test_default_shows_each_line_once_as_numpy_does():
    z = tf.constant([0.0])

    def run():
        first = _here() + 1
        tf.math.log(z)
        tf.math.log(z)
        for _ in range(3):
            tf.math.log(z)
        return first
    runtime, first = _recorded(run)
    assert [w.lineno for w in runtime] == [first, first + 1, first + 3]


def test_always_shows_every_time():
    z = tf.constant([0.0])

    def run():
        for _ in range(3):
            tf.math.log(z)
        return _here() - 1
    runtime, line = _recorded(run, "always")
    assert [w.lineno for w in runtime] == [line] * 3


def test_ignore_is_respected():
    runtime, _ = _recorded(lambda: tf.math.log(tf.constant([0.0])), "ignore")
    assert runtime == []


@pytest.mark.parametrize("case", ["forward", "gradient", "variable", "replay"])
def test_error_raises_as_numpy_does(case):
    x = tf.constant([0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.sqrt(x)
        f = tf.function(lambda t: tf.math.log(t))
        f(tf.constant([1.0, 1.0]))
    run = {"forward": lambda: tf.math.log(x), "gradient": lambda: tape.gradient(y, x),
           "variable": lambda: 1.0 / tf.Variable([0.0]), "replay": lambda: f(x)}[case]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning, match="divide by zero"):
            run()
    # numpy under the same filter raises the same class
    with warnings.catch_warnings(), pytest.raises(RuntimeWarning):
        warnings.simplefilter("error")
        np.log(np.zeros(1))


def test_a_users_own_numpy_warning_is_left_alone():
    # a NumPy call of the user's, inside custom_gradient's function, warns at the user's line
    @tf.custom_gradient
    def f(x):
        def grad(dy):
            np.log(np.zeros(1)); return dy  # noqa: E702
        return tf.identity(x), grad

    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    runtime, _ = _recorded(lambda: tape.gradient(y, x))
    assert [(w.filename, str(w.message)) for w in runtime] == [(__file__, "divide by zero encountered in log")]


def test_code_run_by_exec_without_a_module_name():
    # a notebook cell or a documentation block: its globals have no __name__
    source = "import gradtape as tf\ntf.math.log(tf.constant([0.0]))\n"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(compile(source, "cell.md", "exec"), {})  # noqa: S102
    assert [(w.filename, w.lineno, str(w.message)) for w in caught] == [
        ("cell.md", 2, "log: divide by zero encountered in log")]
