"""Complex numbers: ``tf.complex``, ``tf.math.real``, ``imag``, ``conj``, ``angle``.

Gradients follow TensorFlow's convention: the gradient of a real loss ``L``
with respect to ``z = x + iy`` is ``dL/dx + i dL/dy``, so a VJP is the
adjoint of the JVP under the real inner product ``Re(sum(conj(a) * b))``.
The rules are written with these ops and real ones only, so that their
derivatives (any order) keep that convention.
"""
from __future__ import annotations
import math

from .._core.dtypes import float32, float64
from .._core.op import OPS
from .._core.tensor import Tensor
from ._util import NOPARAMS, NP, _zeros_like, apply, defop, public_names, tensor
from typing import Optional, TYPE_CHECKING
from .._core.types import TensorInput


def _complex_impl(xp, x, y):
    dtype = NP.complex64 if x.dtype == NP.float32 else NP.complex128
    if type(x) is NP.ndarray or isinstance(x, NP.generic):
        out = NP.empty(NP.broadcast_shapes(NP.shape(x), NP.shape(y)), dtype)
        out.real = x  # not x + 1j * y, which makes inf * 0 = nan in the real part
        out.imag = y
        return out
    return xp.astype(x, dtype) + xp.astype(y, dtype) * 1j


def _with_zero_imag(ct, ans, z):
    return apply(_COMPLEX, (ct, _zeros_like(ct)), NOPARAMS)


def _with_zero_real(ct, ans, z):
    return apply(_COMPLEX, (_zeros_like(ct), ct), NOPARAMS)


def _conjugated(ct, ans, z):
    return apply(_CONJ, (ct,), NOPARAMS)


def _angle_vjp(ct, ans, z):
    x, y = real(z), imag(z)
    scale = ct / (x * x + y * y)
    return apply(_COMPLEX, (-scale * y, scale * x), NOPARAMS)


def _angle_jvp(ts, ans, z):
    x, y = real(z), imag(z)
    t = ts[0]
    return (x * imag(t) - y * real(t)) / (x * x + y * y)


def _divide_no_nan(x, y):
    # (by its op: elementwise imports this module); x and y of one dtype
    return apply(OPS["divide_no_nan"], (x, y), NOPARAMS)


def _abs_vjp(ct, ans, z):
    # TensorFlow's ComplexAbs gradient: ct * z / |z|, and 0 where z is 0
    scale = _divide_no_nan(ct, ans)
    return apply(_COMPLEX, (scale * real(z), scale * imag(z)), NOPARAMS)


def _abs_jvp(ts, ans, z):
    # d|z| = Re(conj(z) dz) / |z|, and 0 where z is 0
    t = ts[0]
    return _divide_no_nan(real(z) * real(t) + imag(z) * imag(t), ans)


_COMPLEX = defop("complex", _complex_impl,
                 vjp=(lambda ct, ans, x, y: real(ct), lambda ct, ans, x, y: imag(ct)),
                 linear=True, save="none", elementwise=True, broadcasts=True)
_REAL = defop("real", lambda xp, z: xp.real(z), vjp=_with_zero_imag, linear=True,
              save="none", elementwise=True)
_IMAG = defop("imag", lambda xp, z: xp.imag(z), vjp=_with_zero_real, linear=True,
              save="none", elementwise=True)
_CONJ = defop("conj", NP.conjugate, vjp=_conjugated, linear=True, save="none",
              elementwise=True)
_ANGLE = defop("angle", lambda xp, z: xp.atan2(xp.imag(z), xp.real(z)), vjp=_angle_vjp,
               jvp=_angle_jvp, elementwise=True)

# tf.abs of a complex tensor (a real tensor): not holomorphic, so its own rules
COMPLEX_ABS = defop("complex_abs", lambda xp, z: xp.abs(z), vjp=_abs_vjp, jvp=_abs_jvp,
                    save_ans=True, elementwise=True)

# TensorFlow's angle of a real tensor, where(x < 0, pi, 0), has no gradient
_ANGLE_OF_REAL = defop("angle_of_real",
                       lambda xp, x: xp.where(x < 0, xp.asarray(math.pi, dtype=x.dtype),
                                              xp.asarray(0, dtype=x.dtype)), nondiff=True)

_COMPLEX_PARTS = frozenset([float32, float64])  # the dtypes tf.complex takes


def complex(real: TensorInput, imag: TensorInput, name: Optional[str] = None) -> Tensor:  # noqa: A001
    """The complex tensor ``real + i * imag`` from two float32 (complex64) or two
    float64 (complex128) tensors, broadcast against each other.

    >>> import gradtape as tf
    >>> tf.complex(tf.constant([1.0, 2.0]), tf.constant([3.0, -4.0])).numpy()
    array([1.+3.j, 2.-4.j], dtype=complex64)
    """
    re, im = tensor(real), tensor(imag)
    if re.dtype is not im.dtype or re.dtype not in _COMPLEX_PARTS:
        raise TypeError(f"The `real` and `imag` components have incorrect types: "
                        f"{re.dtype.name} {im.dtype.name}. They must be consistent, and one "
                        "of [tf.float32, tf.float64]; cast them with gradtape.cast")
    return apply(_COMPLEX, (re, im), NOPARAMS)


def real(input: TensorInput, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """The real part of a complex tensor (float32 for complex64, float64 for
    complex128); any other tensor is returned as it is.

    >>> import gradtape as tf
    >>> tf.math.real(tf.constant([1 + 2j, -3 + 0.5j])).numpy()
    array([ 1., -3.])
    """
    x = tensor(input)
    if not x.dtype.is_complex:
        return x
    return apply(_REAL, (x,), NOPARAMS)


def imag(input: TensorInput, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """The imaginary part of a complex tensor (float32 for complex64, float64
    for complex128); zeros of the input's dtype for any other tensor.

    >>> import gradtape as tf
    >>> tf.math.imag(tf.constant([1 + 2j, -3 + 0.5j])).numpy()
    array([2. , 0.5])
    """
    x = tensor(input)
    if not x.dtype.is_complex:
        return apply(OPS["zeros_like"], (x,), {"dtype": x._value.dtype})
    return apply(_IMAG, (x,), NOPARAMS)


def conj(x: TensorInput, name: Optional[str] = None) -> Tensor:
    """The complex conjugate, elementwise; a real or integer tensor is returned
    as it is.

    >>> import gradtape as tf
    >>> tf.math.conj(tf.constant([1 + 2j, -3 - 0.5j])).numpy()
    array([ 1.-2.j , -3.+0.5j])
    """
    t = tensor(x)
    if t.dtype.is_complex:
        return apply(_CONJ, (t,), NOPARAMS)
    if t.dtype.is_floating or t.dtype.is_integer:
        return t
    raise TypeError(f"Expected numeric or variant tensor, got dtype tf.{t.dtype.name}.")


def angle(input: TensorInput, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """The argument of each complex number, ``atan2(imag, real)`` in ``[-pi, pi]``
    (float32 for complex64); for a real tensor, pi where it is negative and 0
    elsewhere.

    >>> import gradtape as tf
    >>> tf.math.angle(tf.constant([1j, -1 + 0j])).numpy()
    array([1.57079633, 3.14159265])
    """
    x = tensor(input)
    if x.dtype.is_complex:
        return apply(_ANGLE, (x,), NOPARAMS)
    if not x.dtype.is_floating:
        raise TypeError(f"Cannot convert {math.pi!r} to EagerTensor of dtype "
                        f"{x.dtype.name}: angle of a real tensor needs a floating dtype")
    return apply(_ANGLE_OF_REAL, (x,), NOPARAMS)


if not TYPE_CHECKING:  # a type checker reads the module's own public names
    __all__ = public_names(globals())
