"""Linear algebra: matmul (2-D and batched), and the ``gradtape.linalg`` ops.

Matrix rules act on the last two axes, so leading (batch) axes of a
cotangent broadcast through them.
"""
from ..errors import InvalidArgumentError
from ._util import apply, defop, pair, xp
from . import shape as sh


def _mT(x):
    return sh.matrix_transpose(x)


def _matmul_vjp_a(ct, ans, a, b, transpose_a, transpose_b):
    if transpose_a:
        return matmul(b, ct, transpose_a=transpose_b, transpose_b=True)
    return matmul(ct, b, transpose_b=not transpose_b)


def _matmul_vjp_b(ct, ans, a, b, transpose_a, transpose_b):
    if transpose_b:
        return matmul(ct, a, transpose_a=True, transpose_b=transpose_a)
    return matmul(a, ct, transpose_a=not transpose_a)


def _matmul_jvp(ts, ans, a, b, transpose_a, transpose_b):
    ta, tb = ts
    out = None
    if ta is not None:
        out = matmul(ta, b, transpose_a=transpose_a, transpose_b=transpose_b)
    if tb is not None:
        part = matmul(a, tb, transpose_a=transpose_a, transpose_b=transpose_b)
        out = part if out is None else out + part
    return out


def _matmul_impl(a, b, transpose_a, transpose_b):
    if transpose_a:
        a = xp.swapaxes(a, -1, -2)
    if transpose_b:
        b = xp.swapaxes(b, -1, -2)
    if a.ndim == 2 and b.ndim > 2:
        return _matrix_times_stack(a, b)
    return xp.matmul(a, b)


def _matrix_times_stack(a, b):
    """``a @ b`` for a matrix ``a`` and a stack ``b`` as ONE matrix product
    (NumPy would do one product per matrix of the stack, reading ``a`` each
    time; vectorized Jacobians stack their cotangents this way)."""
    k, m = b.shape[-2], b.shape[-1]
    rows = xp.swapaxes(b, -1, -2).reshape(-1, k)  # (stack * m, k): a view when m == 1
    out = (rows @ a.T).reshape(b.shape[:-2] + (m, a.shape[0]))
    return xp.swapaxes(out, -1, -2)


_MATMUL = defop("matmul", _matmul_impl, vjp=(_matmul_vjp_a, _matmul_vjp_b), jvp=_matmul_jvp)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           name=None):
    """Matrix product of the last two axes of ``a`` and ``b`` (batch axes broadcast).

    >>> import gradtape as tf
    >>> tf.matmul(tf.ones((2, 3)), tf.ones((3, 4))).shape
    TensorShape([2, 4])
    """
    a, b = pair(a, b, "MatMul")
    ta, tb = bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)
    sa, sb = a._value.shape, b._value.shape
    if len(sa) < 2 or len(sb) < 2:
        raise InvalidArgumentError(
            f"matmul: both inputs must have rank >= 2, got shapes {tuple(sa)} and {tuple(sb)}; "
            "use tf.expand_dims or tf.tensordot for vectors")
    k_a = sa[-2] if ta else sa[-1]
    k_b = sb[-1] if tb else sb[-2]
    if k_a != k_b:
        raise InvalidArgumentError(
            f"Matrix size-incompatible: In[0]: {list(sa)}, In[1]: {list(sb)} "
            f"(transpose_a={ta}, transpose_b={tb}): inner dimensions {k_a} and {k_b} differ")
    return apply(_MATMUL, (a, b), {"transpose_a": ta, "transpose_b": tb})
