"""tf.complex, tf.math.real, imag, conj, angle: values, dtypes, errors and
gradients as TensorFlow 2.21 gives them (numbers recorded from TensorFlow).

TensorFlow's convention: the gradient of a real loss with respect to
z = x + iy is dL/dx + i dL/dy, and a holomorphic op's VJP is ct * conj(f'(z)).
"""
import math

import numpy as np
import pytest

import gradtape as tf
from gradtape.extend import apply, defop
from gradtape.testing import check_gradients

Z = [1 + 2j, -3 + 0.5j]


def _z():
    return tf.constant(Z, dtype=tf.complex64)


def _grad(fn, source, **kwargs):
    with tf.GradientTape() as tape:
        tape.watch(source)
        out = fn(source)
    return tape.gradient(out, source, **kwargs)


def test_forward_values_and_dtypes():
    z = _z()
    assert tf.math.real(z).dtype == tf.float32
    np.testing.assert_array_equal(tf.math.real(z).numpy(), [1.0, -3.0])
    np.testing.assert_array_equal(tf.math.imag(z).numpy(), [2.0, 0.5])
    assert tf.math.conj(z).dtype == tf.complex64
    np.testing.assert_array_equal(tf.math.conj(z).numpy(), [1 - 2j, -3 - 0.5j])
    assert tf.math.angle(z).dtype == tf.float32
    np.testing.assert_allclose(tf.math.angle(z).numpy(), [1.1071488, 2.976444], rtol=1e-6)
    z128 = tf.constant([1 + 2j], tf.complex128)
    assert tf.math.real(z128).dtype == tf.float64
    assert tf.math.angle(z128).dtype == tf.float64


def test_complex_builds_complex64_and_complex128_with_broadcasting():
    w = tf.complex(tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0]))
    assert w.dtype == tf.complex64
    np.testing.assert_array_equal(w.numpy(), [1 + 3j, 2 + 4j])
    w64 = tf.complex(tf.constant([1.0], tf.float64), tf.constant([3.0], tf.float64))
    assert w64.dtype == tf.complex128
    np.testing.assert_array_equal(tf.complex([1.0, 2.0], 3.0).numpy(), [1 + 3j, 2 + 3j])
    assert tf.complex(1.0, 2.0).numpy() == 1 + 2j
    inf = tf.complex(tf.constant([1.0]), tf.constant([np.inf])).numpy()
    assert inf[0].real == 1.0 and inf[0].imag == np.inf   # TF: [1.+infj], no nan


@pytest.mark.parametrize("re, im, names", [
    (tf.constant(1.0), tf.constant(2.0, tf.float64), "float32 float64"),
    (tf.constant(1), tf.constant(2), "int32 int32"),
    (tf.constant(1.0, tf.float16), tf.constant(2.0, tf.float16), "float16 float16"),
])
def test_complex_refuses_mixed_or_non_float32_64_inputs(re, im, names):
    with pytest.raises(TypeError, match=f"The `real` and `imag` components have incorrect "
                                        f"types: {names}. They must be consistent, and one "
                                        r"of \[tf.float32, tf.float64\]"):
        tf.complex(re, im)


def test_real_inputs_as_tensorflow_treats_them():
    x = tf.constant([1.5, -2.0])
    assert tf.math.real(x) is x
    assert tf.math.conj(x) is x
    np.testing.assert_array_equal(tf.math.imag(x).numpy(), [0.0, 0.0])
    assert tf.math.imag(x).dtype == tf.float32
    np.testing.assert_allclose(tf.math.angle(x).numpy(), [0.0, 3.1415927])
    np.testing.assert_array_equal(tf.math.angle(tf.constant([0.0, -0.0, -1.0])).numpy(),
                                  np.float32([0.0, 0.0, math.pi]))
    ints = tf.constant([1, 2])
    assert tf.math.real(ints) is ints and tf.math.conj(ints) is ints
    assert tf.math.imag(ints).dtype == tf.int32
    with pytest.raises(TypeError, match="Cannot convert 3.14159"):
        tf.math.angle(ints)
    with pytest.raises(TypeError, match="Expected numeric or variant tensor, got dtype tf.bool"):
        tf.math.conj(tf.constant([True]))


def test_angle_branch_cut_values():
    # TF: [0, pi, pi, -pi] for 0, -1+0j, -1-0j (complex(-1, -0) only has a negative zero)
    z = tf.constant([0j, -1 + 0j, complex(-1, -0.0)], tf.complex64)
    np.testing.assert_array_equal(tf.math.angle(z).numpy(),
                                  np.float32([0.0, math.pi, -math.pi]))


def test_gradients_with_respect_to_complex_sources():
    z = _z()
    np.testing.assert_array_equal(_grad(tf.math.real, z).numpy(), [1, 1])
    np.testing.assert_array_equal(_grad(tf.math.imag, z).numpy(), [1j, 1j])
    np.testing.assert_array_equal(_grad(tf.math.conj, z).numpy(), [1, 1])
    g = _grad(tf.math.angle, z)
    assert g.dtype == tf.complex64
    np.testing.assert_allclose(g.numpy(), [-0.4 + 0.2j, -0.05405406 - 0.32432434j], rtol=1e-6)
    g = _grad(lambda z: tf.math.real(z * tf.math.conj(z)), z)        # d |z|^2 = 2z
    np.testing.assert_allclose(g.numpy(), [2 + 4j, -6 + 1j])
    ct = tf.constant([1 + 1j, 2 - 3j], tf.complex64)
    np.testing.assert_allclose(_grad(tf.math.conj, z, output_gradients=ct).numpy(),
                               [1 - 1j, 2 + 3j])


def test_gradients_of_complex_with_respect_to_its_parts():
    x, y = tf.constant([1.0, -3.0]), tf.constant([2.0, 0.5])
    ct = tf.constant([1 + 1j, 2 - 3j], tf.complex64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, y])
        w = tf.complex(x, y)
        square = tf.math.real(w * w)
        arg = tf.math.angle(w)
    assert [g.numpy().tolist() for g in tape.gradient(w, [x, y])] == [[1, 1], [0, 0]]
    assert [g.numpy().tolist() for g in tape.gradient(w, [x, y], output_gradients=ct)] \
        == [[1, 2], [1, -3]]
    assert [g.numpy().tolist() for g in tape.gradient(square, [x, y])] == [[2, -6], [-4, -1]]
    gx, gy = tape.gradient(arg, [x, y])
    np.testing.assert_allclose(gx.numpy(), [-0.4, -0.05405406], rtol=1e-6)
    np.testing.assert_allclose(gy.numpy(), [0.2, -0.32432434], rtol=1e-6)
    xs, ys = tf.constant([1.0, 2.0, 3.0]), tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([xs, ys])
        w = tf.complex(xs, ys)
    gx, gy = tape.gradient(w, [xs, ys], output_gradients=tf.constant([1 + 1j, 2 - 3j, 1j],
                                                                    tf.complex64))
    assert gx.numpy().tolist() == [1, 2, 0] and gy.numpy() == -1.0


def test_real_sources_have_no_gradient_through_angle_and_imag():
    x = tf.constant([1.0, -3.0])
    assert _grad(tf.math.angle, x) is None
    assert _grad(tf.math.imag, x) is None
    assert _grad(tf.math.real, x).numpy().tolist() == [1, 1]


def test_holomorphic_ops_conjugate_their_derivative_as_tensorflow():
    z = _z()
    cases = [(lambda z: z * z, [2 - 4j, -6 - 1j]),
             (tf.exp, [-1.1312044 - 2.4717267j, 0.04369226 - 0.02386919j]),
             (tf.sin, [2.032723 + 3.0518978j, -1.1163412 - 0.07353697j]),
             (lambda z: z / (z + 1), [0.125j, 0.20761243 - 0.11072663j]),
             (lambda z: z ** 3, [-9 - 12j, 26.25 + 9j]),
             (tf.math.reciprocal, [0.12 - 0.16j, -0.1023 + 0.0351j])]
    for fn, want in cases:
        np.testing.assert_allclose(_grad(fn, z).numpy(), want, rtol=1e-3, atol=1e-4)


def test_forward_mode_matches_tensorflow():
    z = _z()
    with tf.autodiff.ForwardAccumulator(z, tf.constant([0.5 + 1j, -1 + 2j], tf.complex64)) as acc:
        outs = [tf.math.real(z), tf.math.imag(z), tf.math.conj(z), tf.math.angle(z)]
    real, imag, conj, angle = (acc.jvp(o).numpy() for o in outs)
    assert real.tolist() == [0.5, -1] and imag.tolist() == [1, 2]
    assert conj.tolist() == [0.5 - 1j, -1 - 2j]
    np.testing.assert_allclose(angle, [0.0, -0.5945946], atol=1e-7, rtol=1e-6)
    x, y = tf.constant([1.0, -3.0]), tf.constant([2.0, 0.5])
    with tf.autodiff.ForwardAccumulator([x, y], [tf.constant([0.5, 1.0]),
                                                 tf.constant([-1.0, 2.0])]) as acc:
        w = tf.complex(x, y)
    assert acc.jvp(w).numpy().tolist() == [0.5 - 1j, 1 + 2j]


def test_second_derivative_of_angle_matches_tensorflow():
    z = _z()
    with tf.GradientTape() as outer:
        outer.watch(z)
        g = tf.math.real(_grad(tf.math.angle, z))
    np.testing.assert_allclose(outer.gradient(g, z).numpy(),
                               [0.16 + 0.12j, -0.03506209 - 0.10226443j], rtol=1e-5)


def test_complex_valued_functions_of_real_parameters_pass_gradient_checks():
    def f(x, y):
        w = tf.complex(x, y)
        return tf.math.angle(w) + tf.math.real(tf.math.conj(w) * w * w) \
            - tf.math.imag(tf.exp(w) * tf.math.conj(w))
    check_gradients(f, [np.array([0.7, -1.2, 2.0]), np.array([0.4, 0.9, -0.6])], order=2)


def test_abs_of_complex_is_the_real_modulus_with_tensorflows_gradients():
    # TensorFlow 2.21's values for the same program
    z = tf.constant([1 + 2j, -3 + 0.5j, 0j], tf.complex64)
    with tf.GradientTape() as tape:
        tape.watch(z)
        y = tf.abs(z)
        loss = tf.reduce_sum(y * tf.constant([1.0, 2.0, 3.0]))
    assert y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy(), [2.23607, 3.04138, 0.0], rtol=1e-5)
    np.testing.assert_allclose(tape.gradient(loss, z).numpy(),
                               [0.44721 + 0.89443j, -1.97279 + 0.3288j, 0j], rtol=1e-5)
    t = tf.constant([0.5 + 1j, 1 - 1j, 1 + 1j], tf.complex64)
    with tf.autodiff.ForwardAccumulator(z, t) as acc:
        y = tf.abs(z)
    np.testing.assert_allclose(acc.jvp(y).numpy(), [1.11803, -1.15079, 0.0], rtol=1e-5)


def test_abs_of_complex_second_derivative():
    z = tf.constant([1 + 2j], tf.complex128)
    with tf.GradientTape() as outer:
        outer.watch(z)
        with tf.GradientTape() as inner:
            inner.watch(z)
            y = tf.abs(z)
        r = tf.math.real(inner.gradient(y, z))
    np.testing.assert_allclose(outer.gradient(r, z).numpy(), [0.357771 - 0.178885j], rtol=1e-5)


def test_abs_of_real_tensors_is_unchanged():
    x = tf.constant([-0.5, 0.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = abs(x)
    np.testing.assert_array_equal(y.numpy(), [0.5, 0.0, 2.0])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [-1.0, 0.0, 1.0])
    assert tf.abs(tf.constant([-3], tf.int32)).numpy().tolist() == [3]


_A = np.array([[2 + 1j, 0.5 - 1j], [1j, 1.5 + 0.5j]], np.complex128)


def _grad_of_sum(f, value):
    z = tf.constant(value)
    with tf.GradientTape() as tape:
        tape.watch(z)
        y = f(z)
    return y, tape.gradient(y, z)


def test_sigmoid_of_complex_is_the_complex_logistic_function():
    # TensorFlow 2.21's values: 1 / (1 + exp(-z)), not a formula for real numbers
    y, _ = _grad_of_sum(tf.sigmoid, np.array([0.3 + 0.4j, -0.5 + 0.2j]))
    np.testing.assert_allclose(y.numpy(), [0.5774 + 0.099j, 0.3764 + 0.0471j], atol=1e-4)
    _, g = _grad_of_sum(tf.sigmoid, _A)
    np.testing.assert_allclose(g.numpy().ravel(), [0.0819 + 0.0824j, 0.2892 - 0.0788j,
                                                   0.3246 + 0j, 0.1469 + 0.0489j], atol=1e-4)


def test_reduce_prod_gradient_of_complex_follows_tensorflow():
    _, g = _grad_of_sum(lambda z: tf.reduce_prod(z, axis=0), _A)
    np.testing.assert_allclose(g.numpy().ravel(), [-1j, 1.5 - 0.5j, 2 - 1j, 0.5 + 1j], atol=1e-12)


@pytest.mark.parametrize("f", [tf.math.softplus, tf.math.log_sigmoid, tf.math.erf, tf.math.erfc,
                               tf.nn.relu, lambda z: tf.math.squared_difference(z, z * 2.0)],
                         ids=["softplus", "log_sigmoid", "erf", "erfc", "relu",
                              "squared_difference"])
def test_ops_without_a_complex_kernel_refuse_complex_inputs(f):
    # TensorFlow raises InvalidArgumentError; their real formulas gave wrong numbers
    with pytest.raises(tf.errors.InvalidArgumentError, match="complex128"):
        f(tf.constant([0.3 + 0.4j, -0.5 + 0.2j]))


# -- check_gradients on complex inputs --------------------------------------------

C = [np.array([0.3 + 1j, -1.2 - 0.4j])]


@pytest.mark.parametrize("f", [
    tf.exp, tf.sin, tf.math.conj, tf.math.real, tf.math.angle, tf.abs,
    lambda z: z * tf.math.conj(z) * z,
    lambda z: tf.math.real(z) * tf.math.imag(z),
], ids=["exp", "sin", "conj", "real", "angle", "abs", "z_conj_z_z", "real_times_imag"])
def test_check_gradients_checks_complex_inputs(f):
    check_gradients(f, C, order=2)


def test_check_gradients_checks_several_complex_and_real_inputs():
    check_gradients(lambda z, w, x: tf.reduce_sum(z * w) * tf.cast(x, tf.complex128),
                    C + [np.array([2.0 - 1j, 0.5j]), np.array(1.5)], order=2)
    check_gradients(lambda x, y: tf.complex(x, y) ** 2, [np.array([0.3, 1.0]), np.array([0.5, 2.0])])


def _exp_op(name, vjp, jvp):
    return defop(name, lambda xp, z: xp.exp(z), vjp=vjp, jvp=jvp, save_ans=True,
                 elementwise=True, register_as=False)


def _conjugate_vjp(ct, ans, z):
    return ct * tf.math.conj(ans)          # TensorFlow's convention: ct * conj(f'(z))


def _plain_jvp(tangents, ans, z):
    return tangents[0] * ans


def test_check_gradients_accepts_tensorflows_complex_convention():
    op = _exp_op("test_complex_exp", _conjugate_vjp, _plain_jvp)
    check_gradients(lambda z: apply(op, (z,), {}), C, order=1)


def test_check_gradients_finds_a_complex_vjp_without_its_conjugate():
    op = _exp_op("test_complex_exp_no_conj", lambda ct, ans, z: ct * ans, _plain_jvp)
    with pytest.raises(AssertionError, match=r"VJP <J\^T v, u> vs numerical"):
        check_gradients(lambda z: apply(op, (z,), {}), C, order=1, modes=("rev",))


def test_check_gradients_finds_a_complex_jvp_conjugated():
    op = _exp_op("test_complex_exp_conj_jvp", _conjugate_vjp,
                 lambda tangents, ans, z: tf.math.conj(tangents[0]) * ans)
    with pytest.raises(AssertionError, match="JVP of output 0 vs numerical"):
        check_gradients(lambda z: apply(op, (z,), {}), C, order=1, modes=("fwd",))


def test_check_gradients_finds_a_gradient_missing_its_imaginary_part():
    # a real loss of z whose gradient keeps only d/dx: real directions would miss it
    op = defop("test_complex_real_only_grad", lambda xp, z: xp.real(z) + xp.imag(z),
               vjp=lambda ct, ans, z: tf.cast(ct, tf.complex128), register_as=False)
    with pytest.raises(AssertionError, match=r"VJP <J\^T v, u> vs numerical"):
        check_gradients(lambda z: apply(op, (z,), {}), C, order=1, modes=("rev",))
