"""Linear algebra: matmul, einsum and tensordot, and the ``gradtape.linalg`` ops.

Matrix rules act on the last two axes, so leading (batch) axes of a
cotangent broadcast through them.  Rules are written with gradtape's own ops
(matmul, solve, triangular_solve, inv, einsum), so nested tapes give higher
derivatives.
"""
from __future__ import annotations
import functools
import math
import numbers
import string
from collections import namedtuple

from .._core.dtypes import as_dtype, kind
from .._core.tensor import TensorLike, wrap
from ..errors import InvalidArgumentError, NotFoundError, UnimplementedError
from . import complex_ops as co
from . import elementwise as ew
from . import reductions as red
from . import shape as sh
from .._core.backend import DOT_REPORTS_OVERFLOW
from .._core.reverse import know_matmul
from ._util import (NOPARAMS, _zeros_like, accepted_dtypes, apply, defop, fast_public, namespace,
                    norm_axes, pair, public_names, tensor, NP)
from typing import Any, Optional, TYPE_CHECKING
from .._core.types import Axis, DTypeLike, Tensor, TensorInput



def _mT(x):
    return sh.matrix_transpose(x)


def _adj(x):
    """The conjugate transpose of the last two axes (the transpose when real)."""
    x = sh.matrix_transpose(x)
    return co.conj(x) if x.dtype.is_complex else x


def _swap_impl(xp, x, adjoint):
    """The forward ops' ``adjoint`` on arrays: the conjugate transpose."""
    if not adjoint:
        return x
    x = xp.swapaxes(x, -1, -2)
    return xp.conj(x) if kind(x.dtype) == "c" else x


def _const(array, like):
    """A NumPy array as a constant tensor of ``like``'s dtype."""
    ns = namespace(like._value)
    return wrap(ns.astype(ns.asarray(array), like._value.dtype))


def _inexact(x, opname, argname="input", half=True):
    """``x`` as a tensor, refused as TensorFlow does unless floating or complex
    (and, with ``half=False``, float16: TensorFlow has no CPU kernel for it)."""
    x = tensor(x)
    if kind(x._value.dtype) not in "fc":
        raise InvalidArgumentError(f"{opname}: {argname} must be a floating-point or complex "
                                   f"tensor, got {x.dtype.name}")
    if not half and x.dtype.name in ("float16", "bfloat16"):  # (TensorFlow: NotFoundError)
        raise TypeError(f"{opname}: no kernel for {x.dtype.name} inputs; cast them to "
                        "float32 or float64 first")
    return x


def _square(x, opname, argname="input", half=False):
    x = _inexact(x, opname, argname, half)
    s = x._value.shape
    if len(s) < 2 or s[-1] != s[-2]:
        raise InvalidArgumentError(f"{opname}: {argname} must be a (batch of) square "
                                   f"matrices [..., M, M], got shape {tuple(s)}")
    return x


def _refuse_nan(xp, x):
    """Refuse a matrix with a NaN, as TensorFlow's LU kernels (a NaN pivot) and
    eigensolvers do."""
    if bool(xp.any(xp.isnan(x))):
        raise NP.linalg.LinAlgError


def _linalg_error(opname, message):
    def wrapper(fn):
        @functools.wraps(fn)
        def impl(*args, **params):
            try:
                return fn(*args, **params)
            except NP.linalg.LinAlgError:
                raise InvalidArgumentError(f"{opname}: {message}") from None
        return impl
    return wrapper


# ---------------------------------------------------------------------------
# matmul, matvec
# ---------------------------------------------------------------------------

def _matmul_vjp_a(ct, ans, a, b, transpose_a, transpose_b):
    if transpose_a:
        return _matmul(b, ct, transpose_b, True)
    return _matmul(ct, b, False, not transpose_b)


def _matmul_vjp_b(ct, ans, a, b, transpose_a, transpose_b):
    if transpose_b:
        return _matmul(ct, a, True, transpose_a)
    return _matmul(a, ct, not transpose_a, False)


def _matmul(a, b, transpose_a, transpose_b):
    # operands already checked by the forward matmul
    return apply(_MATMUL, (a, b), {"transpose_a": transpose_a, "transpose_b": transpose_b})


def _matmul_jvp(ts, ans, a, b, transpose_a, transpose_b):
    ta, tb = ts
    out = None
    if ta is not None:
        out = matmul(ta, b, transpose_a=transpose_a, transpose_b=transpose_b)
    if tb is not None:
        part = matmul(a, tb, transpose_a=transpose_a, transpose_b=transpose_b)
        out = part if out is None else out + part
    return out


def _matmul_impl(xp, a, b, transpose_a, transpose_b):
    if transpose_a:
        a = a.swapaxes(-1, -2)
    if transpose_b:
        b = b.swapaxes(-1, -2)
    if a.ndim == 2 and b.ndim > 2:
        return _matrix_times_stack(xp, a, b)
    return xp.matmul(a, b)


def _matmul_standard(xp, a, b, transpose_a, transpose_b):
    if transpose_a:
        a = xp.matrix_transpose(a)
    if transpose_b:
        b = xp.matrix_transpose(b)
    if a.ndim == 2 and b.ndim > 2:
        return _matrix_times_stack(xp, a, b)
    return xp.matmul(a, b)


def _matrix_times_stack(xp, a, b):
    """``a @ b`` for a matrix ``a`` and a stack ``b`` as ONE matrix product
    (NumPy would do one product per matrix of the stack, reading ``a`` each
    time; vectorized Jacobians stack their cotangents this way)."""
    k, m = b.shape[-2], b.shape[-1]
    if xp is not NP:  # the standard's functions instead of NumPy's methods
        rows = xp.reshape(xp.swapaxes(b, -1, -2), (-1, k))
        out = xp.reshape(rows @ xp.swapaxes(a, -1, -2), tuple(b.shape[:-2]) + (m, a.shape[0]))
        return xp.swapaxes(out, -1, -2)
    rows = xp.swapaxes(b, -1, -2).reshape(-1, k)  # (stack * m, k): a view when m == 1
    out = (rows @ a.T).reshape(b.shape[:-2] + (m, a.shape[0]))
    return xp.swapaxes(out, -1, -2)


def _complex(x):
    return kind(getattr(x, "_value", x).dtype) == "c"


def _onehot_vjp_a(rows, ans, a, b, transpose_a, transpose_b):
    """d(a) from one-hot output rows (``_core/onehot.py``): the row for output
    position (i, j) is ``d_p * op(b)[:, j]`` in row i of ``op(a)``, gathered
    rather than multiplied out (matrices only; a stack densifies)."""
    if a.ndim != 2 or b.ndim != 2 or _complex(b):  # (a complex b: the dense rule conjugates)
        return None
    i, j = rows.coordinates()
    along_b = rows.take(b, j, axis=0 if transpose_b else 1)
    return rows.placed(along_b, i, axis=1 if transpose_a else 0, shape=a.shape)


def _onehot_vjp_b(rows, ans, a, b, transpose_a, transpose_b):
    """d(b) from one-hot output rows: ``d_p * op(a)[i, :]`` in column j of ``op(b)``."""
    if a.ndim != 2 or b.ndim != 2 or _complex(a):
        return None
    i, j = rows.coordinates()
    along_a = rows.take(a, i, axis=1 if transpose_a else 0)
    return rows.placed(along_a, j, axis=0 if transpose_b else 1, shape=b.shape)


def _matmul_numpy_vjp_a(ct, ans, a, b, transpose_a, transpose_b):
    if not (transpose_a or transpose_b) and ct.ndim == 2 and b.ndim == 2:
        # (the usual case, without _matmul_impl's dispatch)
        return ct.dot(b.T) if DOT_REPORTS_OVERFLOW else ct @ b.T
    if transpose_a:  # the products _matmul_vjp_a takes, on arrays
        return _matmul_impl(NP, b, ct, transpose_b, True)
    return _matmul_impl(NP, ct, b, False, not transpose_b)


def _matmul_numpy_vjp_b(ct, ans, a, b, transpose_a, transpose_b):
    if not (transpose_a or transpose_b) and ct.ndim == 2 and a.ndim == 2:
        return a.T.dot(ct) if DOT_REPORTS_OVERFLOW else a.T @ ct
    if transpose_b:
        return _matmul_impl(NP, ct, a, True, transpose_a)
    return _matmul_impl(NP, a, ct, not transpose_a, False)


# TensorFlow's convention for complex cotangents (see elementwise._adjoint): the
# rules below are the transposes; the ops conjugate around them for complex values
_MATMUL = defop("matmul", _matmul_impl, portable=_matmul_standard,
                vjp=ew._adjoint((_matmul_vjp_a, _matmul_vjp_b)), jvp=_matmul_jvp,
                numpy_vjps=ew._numpy_adjoint((_matmul_numpy_vjp_a, _matmul_numpy_vjp_b)),
                real_numpy_vjps=(_matmul_numpy_vjp_a, _matmul_numpy_vjp_b),
                onehot_vjps=(_onehot_vjp_a, _onehot_vjp_b), broadcasts=True)


def _matmul_numpy(a, b, transpose_a, transpose_b):
    """``_matmul_impl`` with NumPy, called directly: two matrices need
    neither its transposes nor its stack test.

    Two matrices go through ``ndarray.dot``: the same BLAS product as ``@``
    without the generalized ufunc's dispatch, which costs more than the
    product itself on small matrices (0.3 against 0.9 µs for 8x16 by 16x16)."""
    if transpose_a or transpose_b or (a.ndim == 2 and b.ndim > 2):
        return _matmul_impl(NP, a, b, transpose_a, transpose_b)
    if a.ndim == 2 and b.ndim == 2 and DOT_REPORTS_OVERFLOW:
        return a.dot(b)
    return a @ b


_MATMUL.numpy_impl = _matmul_numpy  # what the NumPy path calls (the impl, unbound)


def matmul(a: TensorInput, b: TensorInput, transpose_a: bool = False, transpose_b: bool = False,
           adjoint_a: bool = False, adjoint_b: bool = False, a_is_sparse: bool = False,
           b_is_sparse: bool = False, output_type: Optional[DTypeLike] = None,
           name: Optional[str] = None) -> Tensor:
    """Matrix product of the last two axes of ``a`` and ``b`` (batch axes broadcast).

    >>> import gradtape as tf
    >>> tf.matmul(tf.ones((2, 3)), tf.ones((3, 4))).shape
    TensorShape([2, 4])
    """
    plain = not (transpose_a or transpose_b or adjoint_a or adjoint_b)
    if not plain and ((transpose_a and adjoint_a) or (transpose_b and adjoint_b)):
        raise ValueError("matmul: only one of transpose_a and adjoint_a (transpose_b and "
                         "adjoint_b) can be True")
    a, b = pair(a, b, "MatMul")
    if output_type is not None:
        a, b = _inputs_for_output_type(a, b, output_type)
    elif a._value.dtype not in _MATMUL_NUMPY_DTYPES:
        _check_matmul_dtype(a.dtype)
    sa, sb = a._value.shape, b._value.shape
    if plain and len(sa) == 2 and len(sb) == 2 and sa[1] == sb[0]:
        return apply(_MATMUL, (a, b), _PLAIN_MATMUL)  # two matrices: nothing else to check
    if (adjoint_a or adjoint_b) and kind(a._value.dtype) == "c":  # conj, then transpose
        a = co.conj(a) if adjoint_a else a
        b = co.conj(b) if adjoint_b else b
    ta = True if transpose_a or adjoint_a else False
    tb = True if transpose_b or adjoint_b else False
    if len(sa) < 2 or len(sb) < 2:
        raise InvalidArgumentError(
            f"matmul: both inputs must have rank >= 2, got shapes {tuple(sa)} and {tuple(sb)}; "
            "use tf.linalg.matvec or tf.tensordot for vectors")
    k_a = sa[-2] if ta else sa[-1]
    k_b = sb[-1] if tb else sb[-2]
    if k_a != k_b:
        raise InvalidArgumentError(
            f"Matrix size-incompatible: In[0]: {list(sa)}, In[1]: {list(sb)} "
            f"(transpose_a={ta}, transpose_b={tb}): inner dimensions {k_a} and {k_b} differ")
    try:
        if len(sa) > 2 or len(sb) > 2:  # (NumPy's check costs microseconds)
            NP.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        raise InvalidArgumentError(
            f"matmul: batch dimensions of shapes {tuple(sa)} and {tuple(sb)} do not "
            "broadcast") from None
    if ta or tb:
        return apply(_MATMUL, (a, b), {"transpose_a": ta, "transpose_b": tb})
    return apply(_MATMUL, (a, b), _PLAIN_MATMUL)


_PLAIN_MATMUL = {"transpose_a": False, "transpose_b": False}  # shared: params are never changed

# the dtypes TensorFlow's CPU matmul kernels take (their names, and as NumPy dtypes
# for the quick test); (u)int8 inputs need output_type=int32
_MATMUL_DTYPE_NAMES = frozenset(["bfloat16", "float16", "float32", "float64", "int32", "int64",
                                 "complex64", "complex128"])
_MATMUL_NUMPY_DTYPES = frozenset(NP.dtype(n) for n in _MATMUL_DTYPE_NAMES if n != "bfloat16")


matmul = fast_public(matmul, _MATMUL, dict.fromkeys(_MATMUL_NUMPY_DTYPES, True), 2,
                     params=_PLAIN_MATMUL, matmul=True)
if DOT_REPORTS_OVERFLOW:  # (the C sweep's products are ndarray.dot's)
    know_matmul(_matmul_numpy_vjp_a, _matmul_numpy_vjp_b, _PLAIN_MATMUL)


def _check_matmul_dtype(dtype):
    """Refuse, as TensorFlow does, a matmul of a dtype it has no kernel for
    (NumPy would compute bool or small-integer products that wrap around)."""
    if dtype.name in _MATMUL_DTYPE_NAMES:
        return
    hint = (" (for int8 or uint8 inputs pass output_type=tf.int32)"
            if dtype.name in ("int8", "uint8") else "")
    error = NotFoundError if dtype.name.startswith("uint") else InvalidArgumentError
    raise error(f"matmul: no kernel for {dtype.name} inputs; cast them to one of "
                f"{', '.join(sorted(_MATMUL_DTYPE_NAMES))} first{hint}")


def _inputs_for_output_type(a, b, output_type):
    """``a`` and ``b`` cast so their product has ``output_type``: TensorFlow's
    kernels give int32 for (u)int8 inputs and otherwise only the inputs' own dtype."""
    want, have = as_dtype(output_type), a.dtype
    if want == have:
        _check_matmul_dtype(have)
        return a, b
    if want.name == "int32" and have.name in ("int8", "uint8"):
        return ew.cast(a, want), ew.cast(b, want)
    raise NotFoundError(f"matmul: no kernel gives output_type={want.name} for {have.name} "
                        "inputs; output_type can only be the inputs' dtype, or int32 for int8 "
                        "or uint8 inputs")


# ---------------------------------------------------------------------------
# dense: x @ w + b as one op (layers.Dense)
# ---------------------------------------------------------------------------

def _dense_impl(xp, x, w, b):
    out = xp.matmul(x, w)
    out += b  # the product is a new array
    return out


def _dense_jvp(ts, ans, x, w, b):
    tx, tw, tb = ts
    parts = [part for part in (None if tx is None else _matmul(tx, w, False, False),
                               None if tw is None else _matmul(x, tw, False, False), tb)
             if part is not None]
    out = parts[0]
    for part in parts[1:]:
        out = out + part
    return out


_DENSE_NUMPY_VJPS = (lambda ct, ans, x, w, b: ct @ w.T,
                     lambda ct, ans, x, w, b: x.T @ ct,
                     lambda ct, ans, x, w, b: NP.add.reduce(ct, axis=0))
_DENSE = defop(
    "dense", _dense_impl, portable=lambda xp, x, w, b: xp.matmul(x, w) + b,
    vjp=ew._adjoint((lambda ct, ans, x, w, b: _matmul(ct, w, False, True),
                     lambda ct, ans, x, w, b: _matmul(x, ct, True, False),
                     # the rows of the output are axis -2 (cotangents may carry leading
                     # batch axes)
                     lambda ct, ans, x, w, b: red.reduce_sum(ct, axis=-2))),
    numpy_vjps=ew._numpy_adjoint(_DENSE_NUMPY_VJPS), real_numpy_vjps=_DENSE_NUMPY_VJPS,
    jvp=_dense_jvp, save=(0, 1), broadcasts=True)


def _dense(x: TensorInput, w: TensorInput, b: TensorInput) -> Tensor:
    """``x @ w + b`` for ``x [batch, in]``, ``w [in, out]``, ``b [out]`` as one op:
    one dispatch and one tape entry where ``matmul`` and ``add`` take two.

    >>> import gradtape as tf
    >>> from gradtape.rules.linalg import _dense
    >>> _dense(tf.ones((2, 3)), tf.ones((3, 1)), tf.constant([0.5])).numpy()
    array([[3.5],
           [3.5]], dtype=float32)
    """
    x, w = pair(x, w, "MatMul")
    x, b = pair(x, b, "BiasAdd")
    sx, sw, sb = x._value.shape, w._value.shape, b._value.shape
    if len(sx) != 2 or len(sw) != 2 or sb != sw[1:] or sx[1] != sw[0]:
        raise InvalidArgumentError(
            f"dense: expected x [batch, n], w [n, m] and b [m], got shapes {tuple(sx)}, "
            f"{tuple(sw)} and {tuple(sb)}")
    return apply(_DENSE, (x, w, b), NOPARAMS)


def matvec(a: TensorInput, b: TensorInput, transpose_a: bool = False, adjoint_a: bool = False,
           a_is_sparse: bool = False, b_is_sparse: bool = False, name: Optional[str] = None) -> Tensor:
    """Matrix-vector product over the last axes: ``a [..., M, N]`` times ``b [..., N]``.

    >>> import gradtape as tf
    >>> tf.linalg.matvec(tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([1.0, 1.0])).numpy()
    array([3., 7.], dtype=float32)
    """
    a, b = pair(a, b, "MatVec")
    if b._value.ndim < 1:
        raise InvalidArgumentError("matvec: b must have rank >= 1, got a scalar")
    out = matmul(a, sh.expand_dims(b, -1), transpose_a=transpose_a, adjoint_a=adjoint_a)
    return sh.squeeze(out, -1)


# ---------------------------------------------------------------------------
# einsum, tensordot
# ---------------------------------------------------------------------------

_LETTERS = frozenset(string.ascii_letters)


def _tokens(subs):
    """Subscripts as a tuple of one-letter labels, with ``...`` as one token."""
    out = []
    i = 0
    while i < len(subs):
        if subs.startswith("...", i):
            out.append("...")
            i += 3
        else:
            out.append(subs[i])
            i += 1
    return tuple(out)


@functools.lru_cache(maxsize=256)
def _parse_einsum(equation, shapes):
    """The explicit equation (input and output tokens) for operands of ``shapes``."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    ins = [_tokens(s) for s in lhs.split(",")]
    if len(ins) != len(shapes):
        raise ValueError(f"einsum: equation {equation!r} names {len(ins)} operands, "
                         f"got {len(shapes)}")
    for toks in ins + ([_tokens(rhs)] if arrow else []):
        bad = [t for t in toks if t != "..." and t not in _LETTERS]
        if bad or toks.count("...") > 1:
            raise ValueError(f"einsum: invalid subscripts in {equation!r}: use letters a-z, "
                             "A-Z and at most one '...' per operand")
    sizes = {}
    ell_ranks = []
    for k, (toks, shape) in enumerate(zip(ins, shapes)):
        named = len(toks) - ("..." in toks)
        if ("..." in toks and len(shape) < named) or ("..." not in toks and len(shape) != named):
            raise ValueError(f"einsum: operand {k} has shape {tuple(shape)}, which does not "
                             f"match its subscripts {''.join(toks)!r}")
        ell = len(shape) - named
        ell_ranks.append(ell)
        dims = _label_dims(toks, shape)
        for t, d in dims:
            if sizes.setdefault(t, d) != d:
                raise InvalidArgumentError(
                    f"einsum: label {t!r} has size {sizes[t]} in one operand and {d} in "
                    f"another (equation {equation!r})")
    if arrow:
        out = _tokens(rhs)
        for t in out:
            if t != "..." and t not in sizes:
                raise ValueError(f"einsum: output label {t!r} of {equation!r} is in no input")
        if len(set(out)) != len(out):
            raise ValueError(f"einsum: output subscripts of {equation!r} repeat a label")
    else:
        counts = {}
        for toks in ins:
            for t in toks:
                counts[t] = counts.get(t, 0) + 1
        # the labels (TensorFlow counts '...' as one, sorted first) found in one place only
        out = (("...",) if counts.get("...") == 1 else ()) + tuple(
            sorted(t for t, c in counts.items() if c == 1 and t != "..."))
    if "..." not in out:
        if any(ell_ranks):
            raise InvalidArgumentError(
                f"einsum: the output of {equation!r} must contain '...' as the inputs' "
                "'...' covers axes (write the output subscripts with '...' after '->')")
        ins = [tuple(t for t in toks if t != "...") for toks in ins]
    return tuple(ins), out


def _label_dims(toks, shape):
    """``(label, size)`` for each named axis of an operand."""
    out = []
    if "..." in toks:
        k = toks.index("...")
        tail = len(toks) - k - 1
        out += list(zip(toks[:k], shape[:k]))
        out += list(zip(toks[k + 1:], shape[len(shape) - tail:]))
    else:
        out += list(zip(toks, shape))
    return out


def _join(ins, out):
    return ",".join("".join(t) for t in ins) + "->" + "".join(out)


@functools.lru_cache(maxsize=256)
def _split(eq):
    lhs, _, rhs = eq.partition("->")
    return tuple(_tokens(s) for s in lhs.split(",")), _tokens(rhs)


def _einsum_impl(xp, *xs, eq):
    # path optimization (BLAS contractions) pays off for large or many operands only
    big = len(xs) > 2 or max(x.size for x in xs) > 1024
    return xp.einsum(eq, *xs, optimize=big)


def _fresh(eq, n):
    free = [c for c in string.ascii_letters if c not in eq]
    if len(free) < n:
        raise ValueError(f"einsum: too many axes in {eq!r} to differentiate it")
    return free[:n]


def _einsum_vjp(i):
    """The VJP for operand ``i``: an einsum of the cotangent with the other
    operands.  A label repeated in operand ``i`` (a diagonal) is renamed and
    tied back by an identity matrix; a label only operand ``i`` has (summed
    out) is broadcast back by a ones operand."""
    def vjp(ct, ans, *xs, eq):
        ins, out = _split(eq)
        nb = ct.ndim - _out_rank(ins, out, xs)
        target = list(ins[i])
        fresh = _fresh(eq, nb + len(target) - len(set(target)))
        batch, spare = tuple(fresh[:nb]), fresh[nb:]
        ops = [ct] + [x for j, x in enumerate(xs) if j != i]
        subs = [batch + out] + [s for j, s in enumerate(ins) if j != i]
        sizes = dict(_label_dims(ins[i], xs[i].shape))
        seen = set()
        for k, t in enumerate(target):
            if t in seen:
                target[k] = spare.pop()
                ops.append(_const(NP.eye(sizes[t]), ct))
                subs.append((t, target[k]))
            seen.add(t)
        present = {t for s in subs for t in s}
        missing = tuple(t for t in target if t not in present)
        if missing:
            ops.append(_const(NP.ones([sizes[t] for t in missing]), ct))
            subs.append(missing)
        if "..." not in target and "..." in present:
            target.insert(0, "...")  # broadcast axes operand i lacks: the engine sums them
        return _apply_einsum(_join(subs, batch + tuple(target)), ops)
    return vjp


def _out_rank(ins, out, xs):
    ell = max((x.ndim - (len(t) - 1) for t, x in zip(ins, xs) if "..." in t), default=0)
    return len(out) - ("..." in out) + (ell if "..." in out else 0)


def _einsum_jvp(ts, ans, *xs, eq):
    ins, out = _split(eq)
    total = None
    for i, t in enumerate(ts):
        if t is None:
            continue
        batch = tuple(_fresh(eq, t.ndim - xs[i].ndim))
        subs = [batch + s if j == i else s for j, s in enumerate(ins)]
        ops = [t if j == i else x for j, x in enumerate(xs)]
        part = _apply_einsum(_join(subs, batch + out), ops)
        total = part if total is None else total + part
    return total


_EINSUM_OPS = {}


def _einsum_op(n):
    """The einsum Op for ``n`` operands, made once per ``n``."""
    op = _EINSUM_OPS.get(n)
    if op is None:
        op = defop("einsum", _einsum_impl,
                   vjp=ew._adjoint(tuple(_einsum_vjp(i) for i in range(n))),
                   jvp=_einsum_jvp, save_ans=False, register_as=not _EINSUM_OPS)
        _EINSUM_OPS[n] = op
    return op


def _apply_einsum(eq, operands):
    return apply(_einsum_op(len(operands)), tuple(operands), {"eq": eq})


_einsum_op(1).per_arity = _einsum_op  # the first arity holds the name in the registry


def einsum(equation: str, *inputs: TensorInput, **kwargs: Any) -> Tensor:
    """Tensor contraction over subscripts in Einstein notation (with ``...``
    for broadcast axes; without ``->`` the output takes the labels that appear
    once, in alphabetical order).

    >>> import gradtape as tf
    >>> tf.einsum("ij,jk->ik", tf.ones((2, 3)), tf.ones((3, 4))).shape
    TensorShape([2, 4])
    >>> tf.einsum("ii", tf.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
    5.0
    """
    if not isinstance(equation, str):
        raise TypeError(f"einsum: equation must be a string, got {type(equation).__name__}")
    unknown = set(kwargs) - {"name", "optimize"}
    if unknown:
        raise TypeError(f"einsum: unexpected keyword arguments {sorted(unknown)}")
    if len(inputs) == 1 and isinstance(inputs[0], (list, tuple)):
        inputs = tuple(inputs[0])
    if not inputs:
        raise ValueError("einsum: give at least one operand")
    xs = [tensor(x) for x in inputs]
    first = xs[0]
    xs = [first] + [pair(first, x, "Einsum")[1] for x in xs[1:]]
    ins, out = _parse_einsum(equation, tuple(x._value.shape for x in xs))
    return _apply_einsum(_join(ins, out), xs)


def _tensordot_axes(axes, ra, rb):
    if isinstance(axes, TensorLike):
        axes = axes.numpy().tolist()
    if isinstance(axes, numbers.Integral):
        n = int(axes)
        if not 0 <= n <= min(ra, rb):
            raise ValueError(f"tensordot: axes={n} must be between 0 and the smaller rank "
                             f"({min(ra, rb)})")
        return list(range(ra - n, ra)), list(range(n))
    try:
        a_axes, b_axes = axes
    except (TypeError, ValueError):
        raise ValueError("tensordot: axes must be an int or a pair of axis lists, got "
                         f"{axes!r}") from None
    a_axes = [a_axes] if isinstance(a_axes, numbers.Integral) else list(a_axes)
    b_axes = [b_axes] if isinstance(b_axes, numbers.Integral) else list(b_axes)
    if len(a_axes) != len(b_axes):
        raise ValueError(f"tensordot: axes lists {a_axes} and {b_axes} differ in length")
    a_axes = [norm_axes(int(k), ra, "tensordot")[0] + ra for k in a_axes]
    b_axes = [norm_axes(int(k), rb, "tensordot")[0] + rb for k in b_axes]
    if len(set(a_axes)) != len(a_axes) or len(set(b_axes)) != len(b_axes):
        raise ValueError(f"tensordot: axes {axes!r} name an axis twice")
    return a_axes, b_axes


def tensordot(a: TensorInput, b: TensorInput, axes: Axis, name: Optional[str] = None) -> Tensor:
    """Sum of products over ``axes``: an int N contracts the last N axes of
    ``a`` with the first N of ``b``; a pair of lists names the axes of each.

    >>> import gradtape as tf
    >>> tf.tensordot(tf.ones((2, 3)), tf.ones((3, 4)), axes=1).shape
    TensorShape([2, 4])
    >>> tf.tensordot(tf.ones((2, 3)), tf.ones((3, 2)), axes=[[0, 1], [1, 0]]).numpy()
    6.0
    """
    a, b = pair(a, b, "Tensordot")
    sa, sb = a._value.shape, b._value.shape
    a_axes, b_axes = _tensordot_axes(axes, len(sa), len(sb))
    letters = string.ascii_letters
    if len(sa) + len(sb) > len(letters):
        raise ValueError("tensordot: the inputs have too many axes")
    la = list(letters[:len(sa)])
    lb = list(letters[len(sa):len(sa) + len(sb)])
    for i, j in zip(a_axes, b_axes):
        if sa[i] != sb[j]:
            raise InvalidArgumentError(
                f"tensordot: axis {i} of a (size {sa[i]}) and axis {j} of b (size {sb[j]}) "
                "must have the same size")
        lb[j] = la[i]
    out = [la[i] for i in range(len(sa)) if i not in a_axes] + \
          [lb[j] for j in range(len(sb)) if j not in b_axes]
    return _apply_einsum(f"{''.join(la)},{''.join(lb)}->{''.join(out)}", (a, b))


# ---------------------------------------------------------------------------
# Diagonals, trace, band_part
# ---------------------------------------------------------------------------

def _diag_index(xp, m, n, k):
    length = max(0, min(m + min(k, 0), n - max(k, 0)))
    rows = xp.arange(length) + max(-k, 0)
    return rows, rows + k


def _diag_part_impl(xp, x, k):
    d = xp.diagonal(x, offset=k, axis1=-2, axis2=-1)
    return xp.astype(d, d.dtype, copy=True)


def _diag_embed_impl(xp, v, k, m, n):
    if xp is not NP:  # no scatter into index arrays in the standard: a product instead
        rows, cols = _diag_index(xp, m, n, k)
        hit = ((xp.arange(m)[None, :, None] == rows[:, None, None])
               & (xp.arange(n)[None, None, :] == cols[:, None, None]))
        return xp.tensordot(v, xp.astype(hit, v.dtype), axes=1)
    out = xp.zeros(v.shape[:-1] + (m, n), v.dtype)
    rows, cols = _diag_index(xp, m, n, k)
    out[..., rows, cols] = v
    return out


_DIAG_PART = defop("diag_part", _diag_part_impl, linear=True, save="none")
_DIAG_EMBED = defop("diag", _diag_embed_impl, linear=True, save="none")
_DIAG_PART.vjps = (lambda ct, ans, x, k: apply(
    _DIAG_EMBED, (ct,), {"k": k, "m": x.shape[-2], "n": x.shape[-1]}),)
_DIAG_EMBED.vjps = (lambda ct, ans, v, k, m, n: apply(_DIAG_PART, (ct,), {"k": k}),)


def diag_part(input: TensorInput, name: Optional[str] = "diag_part", k: int = 0, padding_value: Any = 0,
              align: str = "RIGHT_LEFT") -> Tensor:
    """The ``k``-th diagonal of each matrix in the last two axes.

    >>> import gradtape as tf
    >>> tf.linalg.diag_part(tf.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
    array([1., 4.], dtype=float32)
    """
    x = tensor(input)
    _, _, k = _matrices_and_diagonal(x, k, "diag_part")
    return apply(_DIAG_PART, (x,), {"k": k})


def _matrices_and_diagonal(x, k, opname):
    """``(m, n, k)`` for a stack ``x`` of m x n matrices and diagonal ``k``, checked."""
    if x._value.ndim < 2:
        raise InvalidArgumentError(f"{opname}: input must have rank >= 2, got shape "
                                   f"{tuple(x.shape)}")
    if not isinstance(k, numbers.Integral):
        raise UnimplementedError(f"{opname}: only a single diagonal (an int k) is supported")
    m, n = x._value.shape[-2:]
    if not -m <= k <= n:
        raise InvalidArgumentError(f"{opname}: k={k} is out of bound: it must be between "
                                   f"{-m} and {n} for {m}x{n} matrices")
    return m, n, int(k)


def diag(diagonal: TensorInput, name: Optional[str] = "diag", k: int = 0, num_rows: int = -1,
         num_cols: int = -1, padding_value: Any = 0, align: str = "RIGHT_LEFT") -> Tensor:
    """Matrices with ``diagonal`` (last axis) on their ``k``-th diagonal, zeros elsewhere.

    >>> import gradtape as tf
    >>> tf.linalg.diag(tf.constant([1.0, 2.0])).numpy()
    array([[1., 0.],
           [0., 2.]], dtype=float32)
    """
    v = tensor(diagonal)
    if v._value.ndim < 1:
        raise InvalidArgumentError("diag: diagonal must have rank >= 1, got a scalar")
    if not isinstance(k, numbers.Integral):
        raise UnimplementedError("diag: only a single diagonal (an int k) is supported")
    if padding_value != 0:
        raise UnimplementedError("diag: only padding_value=0 is supported")
    k = int(k)
    length = v._value.shape[-1]
    m = -1 if num_rows is None else int(num_rows)
    n = -1 if num_cols is None else int(num_cols)
    if m < 0 and n < 0:
        m = n = length + abs(k)
    elif m < 0:
        m = length + max(-k, 0)
    elif n < 0:
        n = length + max(k, 0)
    rows, _ = _diag_index(NP, m, n, k)
    if len(rows) != length:
        raise InvalidArgumentError(
            f"diag: a diagonal of length {length} does not fit diagonal {k} of a "
            f"{m}x{n} matrix")
    return apply(_DIAG_EMBED, (v,), {"k": k, "m": m, "n": n})


def _shape_list(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def tensor_diag(diagonal: TensorInput, name: Optional[str] = None) -> Tensor:
    """The tensor of shape ``s + s`` (``s`` is ``diagonal``'s shape) holding
    ``diagonal`` where its two halves of indices agree, zeros elsewhere.

    >>> import gradtape as tf
    >>> tf.linalg.tensor_diag([1, 2]).numpy()
    array([[1, 0],
           [0, 2]], dtype=int32)
    """
    v = tensor(diagonal)
    if not v.shape:
        raise InvalidArgumentError("Input must be at least rank 1, got 0 [Op:Diag]")
    return sh.reshape(diag(sh.reshape(v, [-1])), list(v.shape) * 2)


def tensor_diag_part(input: TensorInput, name: Optional[str] = None) -> Tensor:
    """The diagonal of a tensor of shape ``s + s``, of shape ``s``: ``tensor_diag``'s
    inverse.

    >>> import gradtape as tf
    >>> tf.linalg.tensor_diag_part([[1, 2], [3, 4]]).numpy()
    array([1, 4], dtype=int32)
    """
    x = tensor(input)
    shape = list(x.shape)
    half = len(shape) // 2
    if len(shape) % 2:
        raise InvalidArgumentError("The rank of the tensor should be even and positive, got "
                                   f"shape {_shape_list(shape)} [Op:DiagPart]")
    for i in range(half):
        if shape[i] != shape[i + half]:
            raise InvalidArgumentError(f"Invalid shape {_shape_list(shape)}: dimensions {i} and "
                                       f"{i + half} do not match. [Op:DiagPart]")
    if not shape:
        return x
    n = math.prod(shape[:half])
    return sh.reshape(diag_part(sh.reshape(x, [n, n])), shape[:half])


def trace(x: TensorInput, name: Optional[str] = None) -> Tensor:
    """Sum of the main diagonal of each matrix in the last two axes.

    >>> import gradtape as tf
    >>> tf.linalg.trace(tf.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
    5.0
    """
    return red.reduce_sum(diag_part(x), axis=-1)


def band_part(input: TensorInput, num_lower: int, num_upper: int, name: Optional[str] = None) -> Tensor:
    """Keep ``num_lower`` subdiagonals and ``num_upper`` superdiagonals (-1: all)
    of each matrix, zeroing the rest.

    >>> import gradtape as tf
    >>> tf.linalg.band_part(tf.ones((3, 3)), -1, 0).numpy()
    array([[1., 0., 0.],
           [1., 1., 0.],
           [1., 1., 1.]], dtype=float32)
    """
    x = tensor(input)
    if x._value.ndim < 2:
        raise InvalidArgumentError(f"band_part: input must have rank >= 2, got shape "
                                   f"{tuple(x.shape)}")
    m, n = x._value.shape[-2:]
    lo, hi = int(num_lower), int(num_upper)
    if lo > m:
        raise InvalidArgumentError(f"num_lower must be negative or less or equal to number "
                                   f"of rows ({m}) got: {lo}")
    if hi > n:
        raise InvalidArgumentError(f"num_upper must be negative or less or equal to number "
                                   f"of columns ({n}) got: {hi}")
    offset = NP.arange(n)[None, :] - NP.arange(m)[:, None]
    keep = ((lo < 0) | (-offset <= lo)) & ((hi < 0) | (offset <= hi))
    # a selection, not a product with the mask: an inf outside the band gives 0, not NaN
    return ew.where(wrap(namespace(x._value).asarray(keep)), x, _zeros_like(x))


def set_diag(input: TensorInput, diagonal: TensorInput, name: Optional[str] = "set_diag",
             k: Any = 0, align: str = "RIGHT_LEFT") -> Tensor:
    """``input`` with its ``k``-th diagonal (of each matrix in the last two
    axes) replaced by ``diagonal``.  With ``k=(lo, hi)`` the diagonals ``hi``
    down to ``lo`` are replaced by the rows of ``diagonal``; ``align``
    (``"RIGHT_LEFT"``: superdiagonals at the end of their row, subdiagonals at
    its start) places the shorter ones, as TensorFlow's.

    >>> import gradtape as tf
    >>> tf.linalg.set_diag(tf.zeros((2, 2)), tf.constant([1.0, 2.0])).numpy()
    array([[1., 0.],
           [0., 2.]], dtype=float32)
    """
    x, d = pair(input, diagonal, "MatrixSetDiag")
    if isinstance(k, (tuple, list)):
        lo, hi = k
        if lo != hi:
            return _set_band(x, d, int(lo), int(hi), align)
        k = lo
    m, n, k = _matrices_and_diagonal(x, k, "set_diag")
    rows, cols = _diag_index(NP, m, n, k)
    want = tuple(x._value.shape[:-2]) + (len(rows),)
    if tuple(d._value.shape) != want:
        raise InvalidArgumentError(f"set_diag: diagonal must have shape {list(want)} for input "
                                   f"shape {list(x._value.shape)} and k={k}, got "
                                   f"{list(d._value.shape)}")
    on = NP.zeros((m, n), bool)
    on[rows, cols] = True
    placed = apply(_DIAG_EMBED, (d,), {"k": k, "m": m, "n": n})
    return ew.where(wrap(namespace(x._value).asarray(on)), placed, x)


_ALIGNMENTS = ("LEFT_RIGHT", "RIGHT_LEFT", "LEFT_LEFT", "RIGHT_RIGHT")


def _set_band(x, d, lo, hi, align):
    """``set_diag`` of the diagonals ``lo..hi``: one diagonal at a time, each
    cut from its row of ``d`` as ``align`` places it."""
    if align not in _ALIGNMENTS:
        raise InvalidArgumentError(f"Value for attr 'align' of \"{align}\" is not in the list "
                                   "of allowed values: " + ", ".join(f'"{a}"' for a in _ALIGNMENTS)
                                   + " [Op:MatrixSetDiagV3]")
    if lo > hi:
        raise InvalidArgumentError("lower_diag_index must not be larger than upper_diag_index: "
                                   f"{lo} > {hi} [Op:MatrixSetDiagV3]")
    m, n, _ = _matrices_and_diagonal(x, lo, "set_diag")
    _matrices_and_diagonal(x, hi, "set_diag")
    lengths = {k: len(_diag_index(NP, m, n, k)[0]) for k in range(lo, hi + 1)}
    longest = max(lengths.values())
    want = tuple(x.shape[:-2]) + (hi - lo + 1, longest)
    if tuple(d.shape) != want:
        raise InvalidArgumentError(
            "Either first dimensions of diagonal don't match input.shape[:-2], or "
            "diagonal.shape[:-1] is not equal to the longests diagonal in range "
            f"[lower_diag_index:upper_diag_index].\nInput shape: {_shape_list(x.shape)}\n"
            f"Diagonal shape: {_shape_list(d.shape)}\nExpected diagonal shape: "
            f"{_shape_list(want)} [Op:MatrixSetDiagV3]")
    super_align, sub_align = align.split("_")
    for k in range(hi, lo - 1, -1):
        row, size = d[..., hi - k, :], lengths[k]
        right = (super_align if k >= 0 else sub_align) == "RIGHT"
        x = set_diag(x, row[..., longest - size:] if right else row[..., :size], k=k)
    return x


def banded_triangular_solve(bands: TensorInput, rhs: TensorInput, lower: bool = True,
                            adjoint: bool = False, name: Optional[str] = None) -> Tensor:
    """``triangular_solve`` of the triangular matrix whose diagonals are the rows
    of ``bands``: the main diagonal, then the subdiagonals (``lower``), each
    ending at the row's end; or the superdiagonals from the farthest, each
    starting at the row's start, then the main diagonal (``lower=False``).

    >>> import gradtape as tf
    >>> tf.linalg.banded_triangular_solve([[2., 3., 4.], [1., 2., 3.]], tf.ones([3, 1])).numpy()
    array([[0.5 ],
           [0.  ],
           [0.25]], dtype=float32)
    """
    b, r = tensor(bands), tensor(rhs)
    if len(r.shape) < 2:
        raise InvalidArgumentError(f"In[1] ndims must be >= 2: {len(r.shape)} "
                                   "[Op:BandedTriangularSolve]")
    if len(b.shape) < 2:
        raise InvalidArgumentError(f"In[0] ndims must be >= 2: {len(b.shape)} "
                                   "[Op:BandedTriangularSolve]")
    count, size = b.shape[-2:]
    if size != r.shape[-2]:
        raise InvalidArgumentError(f"In[0] mismatch In[1] shape: {size} vs. {r.shape[-2]} "
                                   "[Op:BandedTriangularSolve]")
    count = min(count, size)  # diagonals beyond the matrix are not read
    b = b[..., :count, :] if lower else b[..., b.shape[-2] - count:, :]
    band = (1 - count, 0) if lower else (0, count - 1)
    zeros = wrap(namespace(b._value).zeros(tuple(b.shape[:-2]) + (size, size), b._value.dtype))
    matrix = set_diag(zeros, b if count > 1 else b[..., 0, :], k=band, align="LEFT_RIGHT")
    return triangular_solve(matrix, r, lower=lower, adjoint=adjoint)


def _tril(x):
    """Lower triangle of the last two axes (a constant mask multiply)."""
    n = x.shape[-1]
    return x * _const(NP.tril(NP.ones((n, n))), x)


def _triu(x):
    n = x.shape[-1]
    return x * _const(NP.triu(NP.ones((n, n))), x)


# ---------------------------------------------------------------------------
# inv, det, slogdet, logdet
# ---------------------------------------------------------------------------

@_linalg_error("inv", "Input is not invertible.")
def _inv_impl(xp, x, adjoint):
    _refuse_nan(xp, x)
    if str(x.dtype) == "float16":  # inverted in float32, as TensorFlow's kernel does
        out = xp.astype(xp.linalg.inv(xp.astype(x, xp.float32)), x.dtype)
    else:
        out = xp.linalg.inv(x)
    return _swap_impl(xp, out, adjoint)


def _inv_vjp(ct, ans, x, adjoint):
    """TensorFlow's ``-ans^H ct ans^H`` (``-ans ct^H ans`` for ``adjoint``)."""
    return -matmul(ans, matmul(ct, ans, adjoint_a=adjoint, adjoint_b=not adjoint),
                   adjoint_a=not adjoint)


def _inv_jvp(ts, ans, x, adjoint):
    t = _adj(ts[0]) if adjoint else ts[0]
    return -matmul(matmul(ans, t), ans)


_INV = defop("inv", _inv_impl, vjp=_inv_vjp, jvp=_inv_jvp, save="none", save_ans=True)


def inv(input: TensorInput, adjoint: bool = False, name: Optional[str] = None) -> Tensor:
    """The inverse of each square matrix in the last two axes (of its adjoint
    with ``adjoint=True``).

    >>> import gradtape as tf
    >>> tf.linalg.inv(tf.constant([[2.0, 0.0], [0.0, 4.0]])).numpy()
    array([[0.5 , 0.  ],
           [0.  , 0.25]], dtype=float32)
    """
    x = _square(input, "inv", half=True)
    return apply(_INV, (x,), {"adjoint": bool(adjoint)})


def _conj(t):
    return co.conj(t) if t.dtype.is_complex else t


def _expand2(t):
    return sh.expand_dims(sh.expand_dims(t, -1), -1)


def _trace_prod(a, b):
    """``trace(a @ b)`` over the last two axes (batch axes broadcast)."""
    return red.reduce_sum(_mT(a) * b, axis=[-2, -1])


# (for complex matrices the true derivative ct * conj(det) * inv^H; TensorFlow's
# rule multiplies by det, not its conjugate: docs/tensorflow.md)
_DET = defop("det", lambda xp, x: xp.linalg.det(x),
             vjp=lambda ct, ans, x: _expand2(ct * _conj(ans)) * _adj(inv(x)),
             jvp=lambda ts, ans, x: ans * _trace_prod(inv(x), ts[0]),
             save_ans=True)


def det(input: TensorInput, name: Optional[str] = None) -> Tensor:
    """The determinant of each square matrix in the last two axes.

    >>> import gradtape as tf
    >>> tf.linalg.det(tf.constant([[1.0, 2.0], [3.0, 4.0]])).numpy().round(4)
    -2.0
    """
    return apply(_DET, (_square(input, "det"),), NOPARAMS)


def _slogdet_impl(xp, x):
    sign, logabs = xp.linalg.slogdet(x)
    return xp.astype(sign, x.dtype, copy=False), xp.astype(logabs, x.dtype, copy=False)


def _slogdet_vjp(ct, ans, x):
    """``ct_log * inv(x)^T`` for real ``x`` (the sign is constant).  For complex
    ``x`` the true derivative: the real part of the log's cotangent, and the
    sign's through its phase (TensorFlow uses all of ``ct_log`` and drops the
    sign's: docs/tensorflow.md)."""
    ct_sign, ct_log = ct
    if not x.dtype.is_complex:
        return _expand2(ct_log) * _mT(inv(x))
    sign = ans[0]
    phase = co.imag(_conj(ct_sign) * sign)
    weight = co.complex(co.real(ct_log), -phase)
    return _expand2(weight) * _adj(inv(x))


def _slogdet_jvp(ts, ans, x):
    d = _trace_prod(inv(x), ts[0])  # d log(det)
    if not x.dtype.is_complex:
        return None, d
    zero = ew.zeros_like(co.real(d))
    return ans[0] * co.complex(zero, co.imag(d)), co.complex(co.real(d), zero)


# the result types of TensorFlow's slogdet and qr (fields by name or position)
_LogMatrixDeterminant = namedtuple("LogMatrixDeterminant", "sign log_abs_determinant")
_Qr = namedtuple("Qr", "q r")

_SLOGDET = defop("slogdet", _slogdet_impl, vjp=_slogdet_vjp, jvp=_slogdet_jvp, multi=True,
                 save_ans=True)


def slogdet(input: TensorInput, name: Optional[str] = None) -> Tensor:
    """The sign and the log of the absolute value of each determinant, as a pair.

    >>> import gradtape as tf
    >>> sign, logabsdet = tf.linalg.slogdet(tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    >>> float(sign), round(float(logabsdet), 4)
    (-1.0, 0.6931)
    """
    return _LogMatrixDeterminant(*apply(_SLOGDET, (_square(input, "slogdet"),), NOPARAMS))


def logdet(matrix: TensorInput, name: Optional[str] = None) -> Tensor:
    """The log-determinant of each Hermitian positive definite matrix (via Cholesky).

    >>> import gradtape as tf
    >>> round(float(tf.linalg.logdet(tf.constant([[2.0, 0.0], [0.0, 3.0]]))), 4)
    1.7918
    """
    chol = cholesky(matrix)  # (TensorFlow's: real for a complex matrix)
    return 2.0 * red.reduce_sum(ew.log(co.real(diag_part(chol))), axis=-1)


# ---------------------------------------------------------------------------
# solve, triangular_solve, cholesky
# ---------------------------------------------------------------------------

def _batched_pair(xp, a, b):
    """``a`` and ``b`` with their batch axes broadcast (NumPy's solve needs that)."""
    batch = xp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return (xp.broadcast_to(a, batch + a.shape[-2:]), xp.broadcast_to(b, batch + b.shape[-2:]))


@_linalg_error("solve", "Input matrix is not invertible.")
def _solve_impl(xp, a, b, adjoint):
    _refuse_nan(xp, a)
    return xp.linalg.solve(*_batched_pair(xp, _swap_impl(xp, a, adjoint), b))


def _solve(a, b, adjoint):
    """``solve`` on checked operands; ``b`` may have more leading axes."""
    return apply(_SOLVE, (a, b), {"adjoint": adjoint})


def _solve_vjp_a(ct, ans, a, b, adjoint):
    """TensorFlow's rule: ``-gb ans^H`` (``-ans gb^H`` for ``adjoint``)."""
    gb = _solve(a, ct, not adjoint)
    if adjoint:
        return -matmul(ans, gb, adjoint_b=True)
    return -matmul(gb, ans, adjoint_b=True)


def _solve_jvp(ts, ans, a, b, adjoint):
    ta, tb = ts
    rhs = tb
    if ta is not None:
        part = matmul(ta, ans, adjoint_a=adjoint)
        rhs = -part if rhs is None else rhs - part
    return _solve(a, rhs, adjoint)


_SOLVE = defop("solve", _solve_impl,
               vjp=(_solve_vjp_a, lambda ct, ans, a, b, adjoint: _solve(a, ct, not adjoint)),
               jvp=_solve_jvp, save=(0,), save_ans=True, broadcasts=True)


def _check_rhs(a, b, opname):
    sa, sb = a._value.shape, b._value.shape
    if len(sb) < 2 or sb[-2] != sa[-1]:
        raise InvalidArgumentError(
            f"{opname}: rhs must have shape [..., {sa[-1]}, K] to match matrix shape "
            f"{tuple(sa)}, got {tuple(sb)}")
    try:
        NP.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        raise InvalidArgumentError(f"{opname}: batch dimensions of matrix {tuple(sa)} and "
                                   f"rhs {tuple(sb)} do not broadcast") from None


def solve(matrix: TensorInput, rhs: TensorInput, adjoint: bool = False,
          name: Optional[str] = None) -> Tensor:
    """The solution ``X`` of ``matrix @ X = rhs`` (``adjoint(matrix) @ X = rhs``
    with ``adjoint=True``) for square matrices in the last two axes.

    >>> import gradtape as tf
    >>> tf.linalg.solve(tf.constant([[2.0, 0.0], [0.0, 4.0]]), tf.constant([[2.0], [2.0]])).numpy()
    array([[1. ],
           [0.5]], dtype=float32)
    """
    a, b = pair(_square(matrix, "solve", "matrix"), rhs, "MatrixSolve")
    _check_rhs(a, b, "solve")
    if a._value.shape[:-2] != b._value.shape[:-2]:  # (TensorFlow's MatrixSolve does not broadcast)
        raise InvalidArgumentError(
            f"solve: matrix {tuple(a._value.shape)} and rhs {tuple(b._value.shape)} must have "
            "the same batch dimensions (broadcast them first)")
    return _solve(a, b, bool(adjoint))


@_linalg_error("triangular_solve", "Input matrix is not invertible (a zero on its diagonal).")
def _tri_solve_impl(xp, a, b, lower, adjoint):
    a = _swap_impl(xp, xp.tril(a) if lower else xp.triu(a), adjoint)
    return xp.linalg.solve(*_batched_pair(xp, a, b))


def _tri_mask(x, lower):
    return _tril(x) if lower else _triu(x)


def _tri_solve_vjp_a(ct, ans, a, b, lower, adjoint):
    gb = triangular_solve(a, ct, lower=lower, adjoint=not adjoint)
    ga = matmul(ans, gb, adjoint_b=True) if adjoint else matmul(gb, ans, adjoint_b=True)
    return -_tri_mask(ga, lower)


def _tri_solve_jvp(ts, ans, a, b, lower, adjoint):
    ta, tb = ts
    rhs = tb
    if ta is not None:
        part = matmul(_tri_mask(ta, lower), ans, adjoint_a=adjoint)
        rhs = -part if rhs is None else rhs - part
    return triangular_solve(a, rhs, lower=lower, adjoint=adjoint)


_TRI_SOLVE = defop(
    "triangular_solve", _tri_solve_impl,
    vjp=(_tri_solve_vjp_a, lambda ct, ans, a, b, lower, adjoint:
         triangular_solve(a, ct, lower=lower, adjoint=not adjoint)),
    jvp=_tri_solve_jvp, save=(0,), save_ans=True, broadcasts=True)


def triangular_solve(matrix: TensorInput, rhs: TensorInput, lower: bool = True, adjoint: bool = False,
                     name: Optional[str] = None) -> Tensor:
    """The solution ``X`` of ``matrix @ X = rhs`` for triangular matrices; only
    the lower (``lower=True``) or upper triangle of ``matrix`` is read.

    >>> import gradtape as tf
    >>> a = tf.constant([[2.0, 0.0], [1.0, 1.0]])
    >>> tf.linalg.triangular_solve(a, tf.constant([[2.0], [2.0]])).numpy()
    array([[1.],
           [1.]], dtype=float32)
    """
    a, b = pair(_square(matrix, "triangular_solve", "matrix"), rhs, "MatrixTriangularSolve")
    _check_rhs(a, b, "triangular_solve")
    return apply(_TRI_SOLVE, (a, b), {"lower": bool(lower), "adjoint": bool(adjoint)})


@_linalg_error("cholesky", "Cholesky decomposition was not successful. The input might "
               "not be valid (it must be symmetric positive definite).")
def _cholesky_impl(xp, x):
    return xp.linalg.cholesky(x)


def _phi(x):
    """Lower triangle with the diagonal halved."""
    n = x.shape[-1]
    return x * _const(NP.tril(NP.ones((n, n))) - 0.5 * NP.eye(n), x)


def _cholesky_vjp(ct, ans, x):
    """TensorFlow's rule (Hermitian: the adjoints of complex matrices)."""
    n = ans.shape[-1]
    l_inv = triangular_solve(ans, _const(NP.eye(n), ans))
    middle = _phi(matmul(ans, ct, adjoint_a=True))
    grad = matmul(matmul(l_inv, middle, adjoint_a=True), l_inv)
    return 0.5 * (grad + _adj(grad))


def _cholesky_jvp(ts, ans, x):
    n = ans.shape[-1]
    l_inv = triangular_solve(ans, _const(NP.eye(n), ans))
    t = ts[0]
    sym = 0.5 * (t + _adj(t))
    return matmul(ans, _phi(matmul(matmul(l_inv, sym), l_inv, adjoint_b=True)))


_CHOLESKY = defop("cholesky", _cholesky_impl, vjp=_cholesky_vjp, jvp=_cholesky_jvp,
                  save="none", save_ans=True)


def cholesky(input: TensorInput, name: Optional[str] = None) -> Tensor:
    """The lower-triangular Cholesky factor ``L`` (``L @ L^T = input``) of each
    symmetric positive definite matrix.  Only the lower triangle is read; the
    gradient is the symmetric one, as in TensorFlow.

    >>> import gradtape as tf
    >>> tf.linalg.cholesky(tf.constant([[4.0, 2.0], [2.0, 5.0]])).numpy()
    array([[2., 0.],
           [1., 2.]], dtype=float32)
    """
    return apply(_CHOLESKY, (_square(input, "cholesky"),), NOPARAMS)


def cholesky_solve(chol: TensorInput, rhs: TensorInput, name: Optional[str] = None) -> Tensor:
    """The solution ``X`` of ``A @ X = rhs`` given ``chol``, the Cholesky factor
    of ``A`` (two triangular solves, as in TensorFlow).

    >>> import gradtape as tf
    >>> chol = tf.linalg.cholesky(tf.constant([[4.0, 2.0], [2.0, 5.0]]))
    >>> tf.linalg.cholesky_solve(chol, tf.constant([[6.0], [7.0]])).numpy()
    array([[1.],
           [1.]], dtype=float32)
    """
    y = triangular_solve(chol, rhs, lower=True, adjoint=False)
    return triangular_solve(chol, y, lower=True, adjoint=True)


# ---------------------------------------------------------------------------
# svd
# ---------------------------------------------------------------------------

def _nan_if_unconverged(svd):
    """An svd impl that gives NaN, as TensorFlow does, where LAPACK does not
    converge (a NaN in the input)."""
    @functools.wraps(svd)
    def impl(xp, x, *args, **params):
        try:
            return svd(xp, x, *args, **params)
        except NP.linalg.LinAlgError:
            out = svd(xp, xp.zeros_like(x), *args, **params)
            nan = xp.asarray(NP.nan, dtype=x.dtype)
            return tuple(o * nan for o in out) if isinstance(out, tuple) else out * nan
    return impl


@_nan_if_unconverged
def _svd_impl(xp, x, full_matrices):
    u, s, vh = xp.linalg.svd(x, full_matrices=full_matrices)
    return s, u, xp.swapaxes(vh, -1, -2)


def _thin_only(u, v, full_matrices):
    if full_matrices and u.shape[-1] != v.shape[-1]:
        raise UnimplementedError(
            "svd: the derivative with full_matrices=True is implemented for square "
            "matrices only (the extra singular vectors of a non-square matrix are not "
            "unique); use full_matrices=False")


def _safe_reciprocal(x):
    """TensorFlow's ``x / (x**2 + 1e-20)``: ``1 / x``, but 0 at 0, so repeated or
    zero singular values give finite gradients as in TensorFlow."""
    return x / (x * x + 1e-20)


def _gap_reciprocals(values):
    """``F[i, j] = 1 / (values_j - values_i)`` off the diagonal (0 for equal
    values, as in TensorFlow), 0 on it."""
    off_diagonal = _const(1.0 - NP.eye(values.shape[-1]), values)
    gaps = sh.expand_dims(values, -2) - sh.expand_dims(values, -1)
    return _safe_reciprocal(gaps) * off_diagonal  # (no derivative through the diagonal)


def _svd_f(s):
    """``F[i, j] = 1 / (s_j^2 - s_i^2)`` off the diagonal, 0 on it."""
    return _gap_reciprocals(ew.square(s))


def _diag_of(d, like):
    """The vectors ``d`` as diagonal matrices (leading axes broadcast)."""
    return sh.expand_dims(d, -2) * _const(NP.eye(like.shape[-1]), like)


def _svd_vjp(ct, ans, x, full_matrices):
    ds, du, dv = ct
    s, u, v = ans
    _thin_only(u, v, full_matrices)
    f = _svd_f(s)
    utdu = matmul(u, du, transpose_a=True)
    vtdv = matmul(v, dv, transpose_a=True)
    row, col = sh.expand_dims(s, -2), sh.expand_dims(s, -1)
    inner = (_diag_of(ds, s) + f * (utdu - _mT(utdu)) * row
             + col * (f * (vtdv - _mT(vtdv))))
    inv_s = sh.expand_dims(_safe_reciprocal(s), -2)
    du_perp = (du - matmul(u, utdu)) * inv_s  # (I - u u^T) du S^-1
    dv_perp = (dv - matmul(v, vtdv)) * inv_s
    return (matmul(matmul(u, inner), v, transpose_b=True)
            + matmul(du_perp, v, transpose_b=True) + matmul(u, dv_perp, transpose_b=True))


def _svd_jvp(ts, ans, x, full_matrices):
    s, u, v = ans
    _thin_only(u, v, full_matrices)
    t = ts[0]
    dp = matmul(matmul(u, t, transpose_a=True), v)  # u^T dA v
    eye = _const(NP.eye(s.shape[-1]), s)
    ds = red.reduce_sum(dp * eye, axis=-1)
    f = _svd_f(s)
    row, col = sh.expand_dims(s, -2), sh.expand_dims(s, -1)
    dpt = _mT(dp)
    inv_s = sh.expand_dims(_safe_reciprocal(s), -2)
    av = matmul(t, v)  # dA v
    atu = matmul(t, u, transpose_a=True)  # dA^T u
    du = matmul(u, f * (dp * row + col * dpt)) + (av - matmul(u, dp)) * inv_s
    dv = matmul(v, f * (col * dp + dpt * row)) + (atu - matmul(v, dpt)) * inv_s
    return ds, du, dv


_SVD = defop("svd", _svd_impl, vjp=_svd_vjp, jvp=_svd_jvp, multi=True, save="none",
             save_ans=True)


@_nan_if_unconverged
def _svd_values_impl(xp, x):
    if xp is not NP:
        return xp.linalg.svdvals(x)
    return xp.linalg.svd(x, compute_uv=False)


def _thin_svd(x):
    return apply(_SVD, (x,), {"full_matrices": False})


def _svd_values_vjp(ct, ans, x):
    """TensorFlow's ``u @ diag(ct) @ v^T``: finite for repeated singular values."""
    _, u, v = _thin_svd(x)
    return matmul(u * sh.expand_dims(ct, -2), v, transpose_b=True)


def _svd_values_jvp(ts, ans, x):
    _, u, v = _thin_svd(x)
    return red.reduce_sum(u * matmul(ts[0], v), axis=-2)  # diag(u^T t v)


_SVD_VALUES = defop("svd_values", _svd_values_impl, vjp=_svd_values_vjp,
                    jvp=_svd_values_jvp)


def svd(tensor: TensorInput, full_matrices: bool = False, compute_uv: bool = True,
        name: Optional[str] = None) -> Tensor:
    """Singular value decomposition of each matrix in the last two axes:
    ``(s, u, v)`` with ``tensor = u @ diag(s) @ transpose(v)`` (``v``, not its
    transpose, as in TensorFlow), ``s`` in descending order; only ``s`` with
    ``compute_uv=False``.  The gradients are TensorFlow's: exact where the
    singular values are distinct and nonzero (the singular vectors' signs are
    arbitrary), finite where they are not (``1/0`` taken as 0).

    >>> import gradtape as tf
    >>> s, u, v = tf.linalg.svd(tf.constant([[3.0, 0.0], [0.0, -2.0]]))
    >>> s.numpy()
    array([3., 2.], dtype=float32)
    >>> u.shape, v.shape
    (TensorShape([2, 2]), TensorShape([2, 2]))
    """
    x = _inexact(tensor, "svd", half=False)
    if x.dtype.is_complex:
        raise UnimplementedError(f"svd: {x.dtype.name} matrices are not supported (TensorFlow's "
                                 "complex svd is not implemented in gradtape)")
    if x._value.ndim < 2:
        raise InvalidArgumentError(f"svd: input must have rank >= 2, got shape "
                                   f"{list(x._value.shape)}")
    if not compute_uv:
        return apply(_SVD_VALUES, (x,), NOPARAMS)
    return apply(_SVD, (x,), {"full_matrices": bool(full_matrices)})


def _scalar(value, like):
    """A number (or a tensor) as a tensor of ``like``'s dtype and namespace."""
    return ew.cast(value, like.dtype) if isinstance(value, TensorLike) else _const(value, like)


def pinv(a: TensorInput, rcond: Optional[Any] = None, validate_args: bool = False,
         name: Optional[str] = None) -> Tensor:
    """The Moore-Penrose pseudo-inverse of each matrix in the last two axes,
    from its singular values above ``rcond`` times the largest (default
    ``10 * max(M, N) * eps``), as TensorFlow computes it.

    >>> import gradtape as tf
    >>> tf.linalg.pinv(tf.constant([[2.0, 0.0], [0.0, 0.0]])).numpy()
    array([[0.5, 0. ],
           [0. , 0. ]], dtype=float32)
    """
    x = _inexact(a, "pinv", "a", half=False)
    if x.dtype.is_complex:
        raise UnimplementedError("pinv: complex matrices are not supported")
    if rcond is None:
        rcond = 10.0 * max(x._value.shape[-2:]) * NP.finfo(x.dtype.as_numpy_dtype).eps
    s, u, v = svd(x)
    cutoff = sh.expand_dims(_scalar(rcond, s) * red.reduce_max(s, axis=-1), -1)
    kept = ew.where(s > cutoff, s, _const(NP.inf, s))  # (1 / inf = 0, with no NaN gradient)
    return matmul(v / sh.expand_dims(kept, -2), u, transpose_b=True)


def _regularized_gramian_cholesky(x, l2_regularizer, first_kind):
    """TensorFlow's Cholesky factor of ``x^T x + l2 I`` (``x x^T + l2 I``)."""
    gramian = matmul(x, x, transpose_a=first_kind, transpose_b=not first_kind)
    if isinstance(l2_regularizer, TensorLike) or l2_regularizer != 0:
        n = x.shape[-1] if first_kind else x.shape[-2]
        gramian = gramian + _scalar(l2_regularizer, x) * _const(NP.eye(n), x)
    return cholesky(gramian)


def lstsq(matrix: TensorInput, rhs: TensorInput, l2_regularizer: Any = 0.0, fast: bool = True,
          name: Optional[str] = None) -> Tensor:
    """The least-squares solution ``X`` of ``matrix @ X = rhs`` (with a ridge
    penalty ``l2_regularizer * |X|^2``), from the Cholesky factor of the
    normal equations as TensorFlow's ``fast=True``.

    >>> import gradtape as tf
    >>> a = tf.constant([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> tf.linalg.lstsq(a, tf.constant([[1.0], [1.0], [2.0]])).numpy().round(4)
    array([[1.],
           [1.]], dtype=float32)
    """
    if not fast:
        raise UnimplementedError("lstsq: fast=False (the complete orthogonal decomposition) "
                                 "is not implemented; use fast=True")
    x, b = pair(_inexact(matrix, "lstsq", "matrix", half=False), rhs, "MatrixSolveLs")
    if x.dtype.is_complex:
        raise UnimplementedError("lstsq: complex matrices are not supported")
    m, n = x._value.shape[-2:]
    if m >= n:
        chol = _regularized_gramian_cholesky(x, l2_regularizer, first_kind=True)
        return cholesky_solve(chol, matmul(x, b, transpose_a=True))
    chol = _regularized_gramian_cholesky(x, l2_regularizer, first_kind=False)
    return matmul(x, cholesky_solve(chol, b), transpose_a=True)


# ---------------------------------------------------------------------------
# qr
# ---------------------------------------------------------------------------

def _qr_impl(xp, x, full_matrices):
    q, r = xp.linalg.qr(x, mode="complete" if full_matrices else "reduced")
    return q, r


def _times_inverse(x, r, transposed=False):
    """``x @ inv(r)`` (``x @ inv(r)^T``) for upper-triangular ``r``."""
    return _mT(triangular_solve(r, _mT(x), lower=False, adjoint=not transposed))


def _qr_vjp_tall(q, r, dq, dr):
    """TensorFlow's rule for a matrix with at least as many rows as columns."""
    qdq = matmul(q, dq, transpose_a=True)
    rdr = matmul(r, dr, transpose_b=True)
    lower = _tril(qdq - _mT(qdq) + rdr - _mT(rdr))
    return (matmul(q, dr + _times_inverse(lower, r, transposed=True))
            + _times_inverse(dq - matmul(q, qdq), r, transposed=True))


def _qr_jvp_tall(q, r, t):
    ta_rinv = _times_inverse(t, r)
    x = matmul(q, ta_rinv, transpose_a=True)  # q^T dA r^-1: skew + upper triangular
    below = x * _const(NP.tril(NP.ones(x.shape[-2:]), -1), x)
    upper = x - below + _mT(below)
    return ta_rinv - matmul(q, upper), matmul(upper, r)


def _qr_vjp(ct, ans, x, full_matrices):
    dq, dr = ct
    q, r = ans
    rows, cols = x.shape[-2:]
    _qr_refuse_full(full_matrices, rows, cols)
    if rows >= cols:
        return _qr_vjp_tall(q, r, dq, dr)
    m = rows  # x = [x1, y], r = [u, v]: TensorFlow's reduction to the square x1 = q u
    y = x[..., :, m:]
    dv = dr[..., :, m:]
    dx = _qr_vjp_tall(q, r[..., :, :m], dq + matmul(y, dv, transpose_b=True), dr[..., :, :m])
    return sh.concat([dx, matmul(q, dv)], axis=-1)


def _qr_jvp(ts, ans, x, full_matrices):
    q, r = ans
    t = ts[0]
    rows, cols = x.shape[-2:]
    _qr_refuse_full(full_matrices, rows, cols)
    if rows >= cols:
        return _qr_jvp_tall(q, r, t)
    m = rows
    y = x[..., :, m:]
    dq, du = _qr_jvp_tall(q, r[..., :, :m], t[..., :, :m])
    dv = matmul(dq, y, transpose_a=True) + matmul(q, t[..., :, m:], transpose_a=True)
    return dq, sh.concat([du, dv], axis=-1)


def _qr_refuse_full(full_matrices, rows, cols):
    if full_matrices and rows > cols:
        raise UnimplementedError("qr: the derivative with full_matrices=True of a matrix with "
                                 "more rows than columns is not implemented (as in TensorFlow); "
                                 "use full_matrices=False")


_QR = defop("qr", _qr_impl, vjp=_qr_vjp, jvp=_qr_jvp, multi=True, save_ans=True)


def qr(input: TensorInput, full_matrices: bool = False, name: Optional[str] = None) -> tuple[Tensor, Tensor]:
    """The QR decomposition ``(q, r)`` of each matrix in the last two axes:
    ``q`` with orthonormal columns, ``r`` upper triangular (``[..., K, N]``
    with ``K = min(M, N)``, or ``[..., M, N]`` with ``full_matrices``).  The
    gradients are TensorFlow's.

    >>> import gradtape as tf
    >>> q, r = tf.linalg.qr(tf.constant([[3.0, 1.0], [4.0, 2.0]]))
    >>> abs(r.numpy()).round(4)
    array([[5. , 2.2],
           [0. , 0.4]], dtype=float32)
    """
    x = _inexact(input, "qr", half=False)
    if x.dtype.is_complex:
        raise UnimplementedError("qr: complex matrices are not supported")
    if x._value.ndim < 2:
        raise InvalidArgumentError(f"qr: input must have rank >= 2, got shape "
                                   f"{list(x._value.shape)}")
    return _Qr(*apply(_QR, (x,), {"full_matrices": bool(full_matrices)}))


# ---------------------------------------------------------------------------
# eigh, eigvalsh (self-adjoint matrices; only the lower triangle is read)
# ---------------------------------------------------------------------------

_EIGH_FAILED = ("Self-adjoint eigen decomposition was not successful. The input might not "
                "be valid.")


@_linalg_error("eigh", _EIGH_FAILED)
def _eigh_impl(xp, x):
    _refuse_nan(xp, x)
    e, v = xp.linalg.eigh(x)  # (LAPACK reads the lower triangle, as TensorFlow's kernel)
    return e, v


@_linalg_error("eigvalsh", _EIGH_FAILED)
def _eigvalsh_impl(xp, x):
    _refuse_nan(xp, x)
    return xp.linalg.eigvalsh(x)


def _lower_read(g):
    """The gradient of an op that reads the lower triangle of a symmetric matrix
    from ``g``, its gradient as a symmetric one (TensorFlow's rule)."""
    return _phi(g + _mT(g))


def _symmetric_tangent(t):
    """The tangent of the symmetric matrix an op reads from the lower triangle."""
    lower = _phi(t)
    return lower + _mT(lower)


def _eigh_vjp(ct, ans, x):
    de, dv = ct
    e, v = ans
    inner = _diag_of(de, e) + _gap_reciprocals(e) * matmul(v, dv, transpose_a=True)
    return _lower_read(matmul(v, matmul(inner, v, transpose_b=True)))


def _eigh_jvp(ts, ans, x):
    e, v = ans
    p = matmul(matmul(v, _symmetric_tangent(ts[0]), transpose_a=True), v)  # v^T dS v
    de = red.reduce_sum(p * _const(NP.eye(e.shape[-1]), e), axis=-1)
    return de, matmul(v, _gap_reciprocals(e) * p)


_EIGH = defop("eigh", _eigh_impl, vjp=_eigh_vjp, jvp=_eigh_jvp, multi=True, save="none",
              save_ans=True)


def _eigvalsh_vjp(ct, ans, x):
    """TensorFlow's ``v @ diag(ct) @ v^T`` (finite for repeated eigenvalues)."""
    _, v = apply(_EIGH, (x,), NOPARAMS)
    return _lower_read(matmul(v * sh.expand_dims(ct, -2), v, transpose_b=True))


def _eigvalsh_jvp(ts, ans, x):
    _, v = apply(_EIGH, (x,), NOPARAMS)
    return red.reduce_sum(v * matmul(_symmetric_tangent(ts[0]), v), axis=-2)  # diag(v^T dS v)


_EIGVALSH = defop("eigvalsh", _eigvalsh_impl, vjp=_eigvalsh_vjp,
                  jvp=_eigvalsh_jvp)


def _self_adjoint(x, opname):
    x = _square(x, opname, "tensor")
    if x.dtype.is_complex:
        raise UnimplementedError(f"{opname}: {x.dtype.name} matrices are not supported "
                                 "(TensorFlow's complex eigh is not implemented in gradtape)")
    return x


def eigh(tensor: TensorInput, name: Optional[str] = None) -> tuple[Tensor, Tensor]:
    """Eigenvalues (ascending) and eigenvectors (columns) of each symmetric
    matrix in the last two axes; only the lower triangle is read, and the
    gradient is TensorFlow's (lower-triangular, finite for repeated
    eigenvalues).  Each eigenvector's sign is arbitrary.

    >>> import gradtape as tf
    >>> e, v = tf.linalg.eigh(tf.constant([[2.0, 1.0], [1.0, 2.0]]))
    >>> e.numpy()
    array([1., 3.], dtype=float32)
    >>> v.shape
    TensorShape([2, 2])
    """
    e, v = apply(_EIGH, (_self_adjoint(tensor, "eigh"),), NOPARAMS)
    return e, v


def eigvalsh(tensor: TensorInput, name: Optional[str] = None) -> Tensor:
    """The eigenvalues (ascending) of each symmetric matrix in the last two
    axes; only the lower triangle is read.

    >>> import gradtape as tf
    >>> tf.linalg.eigvalsh(tf.constant([[2.0, 1.0], [1.0, 2.0]])).numpy()
    array([1., 3.], dtype=float32)
    """
    return apply(_EIGVALSH, (_self_adjoint(tensor, "eigvalsh"),), NOPARAMS)


# ---------------------------------------------------------------------------
# norm
# ---------------------------------------------------------------------------

def _euclid_impl(xp, x, axes, keepdims):
    squares = x * xp.conj(x) if kind(x.dtype) == "c" else x * x
    return xp.sqrt(xp.sum(squares, axis=axes, keepdims=keepdims))


def _real_part(t):
    """The real part of a complex ``t`` kept in ``t``'s dtype (``t`` if real)."""
    return ew.cast(co.real(t), t.dtype) if t.dtype.is_complex else t


# the rules of TensorFlow's sqrt(reduce_sum(x * conj(x))) (complex for a complex x): at
# a zero norm the gradient is NaN (inf * 0), and where x * x underflows to 0 it is inf
_EUCLID = defop(
    "euclidean_norm", _euclid_impl,
    vjp=lambda ct, ans, x, axes, keepdims:
        red._unreduce(_real_part(ct / ans), x.shape, axes, keepdims) * x,
    jvp=lambda ts, ans, x, axes, keepdims:
        _real_part(red.reduce_sum(_conj(x) * ts[0], axis=axes, keepdims=keepdims)) / ans,
    save_ans=True)


def _max(x, axes, keepdims):
    return apply(red._MAX, (x,), {"axes": axes, "keepdims": keepdims})


def _norm_args(x, ord, axis):
    nd = x._value.ndim
    if isinstance(axis, TensorLike):
        axis = axis.numpy().tolist()
    matrix = isinstance(axis, (tuple, list)) and len(axis) == 2
    if matrix:
        axes = tuple(norm_axes(int(a), nd, "norm")[0] for a in axis)
        if axes[0] == axes[1]:
            raise ValueError(f"norm: axis must be None, an int or a pair of distinct ints, "
                             f"got {axis!r}")
        if ord not in ("euclidean", "fro", 1, 2, NP.inf):
            raise ValueError(f"norm: ord for a matrix norm must be 'euclidean', 'fro', 1, 2 "
                             f"or np.inf, got {ord!r}")
        return True, axes
    if axis is not None and not isinstance(axis, numbers.Integral):
        raise ValueError(f"norm: axis must be None, an int or a pair of distinct ints, "
                         f"got {axis!r}")
    if ord == "fro" and axis is not None:
        raise ValueError("norm: ord='fro' is a matrix norm; give axis as a pair of ints")
    if ord not in ("euclidean", "fro") and (
            isinstance(ord, (str, bool)) or not isinstance(ord, numbers.Real) or not ord > 0):
        raise ValueError(f"norm: ord must be 'euclidean', 'fro' or a positive number, "
                         f"got {ord!r}")
    return False, norm_axes(axis, nd, "norm")


def _matrix_norm(x, ord, axes, keepdims):
    if ord in ("euclidean", "fro"):
        return apply(_EUCLID, (x,), {"axes": tuple(sorted(axes)), "keepdims": keepdims})
    rows, cols = axes
    if ord in (1, NP.inf):
        summed, other = (rows, cols) if ord == 1 else (cols, rows)
        sums = red.reduce_sum(ew.abs(x), axis=summed, keepdims=True)
        out = _max(sums, (other,), True)
        return out if keepdims else sh.squeeze(out, [rows, cols])
    if x.dtype.is_complex:
        raise UnimplementedError("norm: ord=2 over two axes (the spectral norm) of complex "
                                 "matrices is not supported")
    perm = [a for a in range(-x.ndim, 0) if a not in axes] + list(axes)
    moved = sh.transpose(x, [p + x.ndim for p in perm])
    # TensorFlow's reduce_max(abs(singular values)): ties share the gradient
    out = _max(ew.abs(apply(_SVD_VALUES, (moved,), NOPARAMS)), (-1,), False)
    if keepdims:
        for a in sorted(a + x.ndim for a in axes):
            out = sh.expand_dims(out, a)
    return out


def norm(tensor: TensorInput, ord: Any = "euclidean", axis: Axis = None, keepdims: Optional[bool] = None,
         name: Optional[str] = None) -> Tensor:
    """Vector or matrix norm.  ``axis`` None (the whole tensor as a vector) or
    an int gives a vector norm (``ord`` 'euclidean', 1, 2, ``np.inf`` or any
    p > 0); a pair of ints gives a matrix norm (``ord`` 'fro'/'euclidean', 1,
    2 (largest singular value) or ``np.inf``).  The gradients are
    TensorFlow's: NaN for the euclidean norm of zeros, shared equally between
    tied maxima (``np.inf``, and ``ord=2`` of equal singular values).

    >>> import gradtape as tf
    >>> tf.norm(tf.constant([3.0, 4.0])).numpy()
    5.0
    >>> tf.norm(tf.constant([[1.0, -2.0], [3.0, 4.0]]), ord=1, axis=[0, 1]).numpy()
    6.0
    """
    x = _inexact(tensor, "norm", "tensor")
    keepdims = bool(keepdims)
    matrix, axes = _norm_args(x, ord, axis)
    if matrix:
        return _matrix_norm(x, ord, axes, keepdims)
    if ord in ("euclidean", "fro", 2):
        return apply(_EUCLID, (x,), {"axes": axes, "keepdims": keepdims})
    if ord == 1:
        return red.reduce_sum(ew.abs(x), axis=axes, keepdims=keepdims)
    if ord == NP.inf:
        return _max(ew.abs(x), axes, keepdims)
    p = float(ord)
    return red.reduce_sum(ew.abs(x) ** p, axis=axes, keepdims=keepdims) ** (1.0 / p)


def normalize(tensor: TensorInput, ord: Any = "euclidean", axis: Axis = None,
              name: Optional[str] = None) -> tuple[Tensor, Tensor]:
    """``tensor`` divided by its norm (see ``norm``), and the norm (kept axes),
    as TensorFlow computes them.

    >>> import gradtape as tf
    >>> unit, n = tf.linalg.normalize(tf.constant([3.0, 4.0]))
    >>> unit.numpy(), n.numpy()
    (array([0.6, 0.8], dtype=float32), array([5.], dtype=float32))
    """
    x = tensor if isinstance(tensor, TensorLike) else _inexact(tensor, "normalize", "tensor")
    size = norm(x, ord=ord, axis=axis, keepdims=True)
    return x / size, size


_LEVI_CIVITA = NP.zeros((3, 3, 3))
for _i, _j, _k in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):
    _LEVI_CIVITA[_i, _j, _k], _LEVI_CIVITA[_j, _i, _k] = 1.0, -1.0


def cross(a: TensorInput, b: TensorInput, name: Optional[str] = None) -> Tensor:
    """The cross product of the 3-vectors in the last axis of ``a`` and ``b``
    (of one shape, as in TensorFlow).

    >>> import gradtape as tf
    >>> tf.linalg.cross(tf.constant([1.0, 0.0, 0.0]), tf.constant([0.0, 1.0, 0.0])).numpy()
    array([0., 0., 1.], dtype=float32)
    """
    a, b = pair(a, b, "Cross")
    sa, sb = tuple(a._value.shape), tuple(b._value.shape)
    if sa != sb or not sa or sa[-1] != 3:
        raise InvalidArgumentError(f"cross: a and b must have the same shape [..., 3], got "
                                   f"{list(sa)} and {list(sb)}")
    return einsum("...i,...j,ijk->...k", a, b, _const(_LEVI_CIVITA, a))


def adjoint(matrix: TensorInput, name: Optional[str] = None) -> Tensor:
    """The conjugate transpose of each matrix in the last two axes.

    >>> import gradtape as tf
    >>> tf.linalg.adjoint(tf.zeros((2, 3))).shape
    TensorShape([3, 2])
    """
    return _adj(tensor(matrix))


# ---------------------------------------------------------------------------
# expm (scaling and squaring around the [13/13] Pade approximant) and sqrtm
# (through the eigendecomposition); their derivatives solve block and
# Sylvester equations
# ---------------------------------------------------------------------------

_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
           129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
           40840800., 960960., 16380., 182., 1.)
_PADE13_THETA = 5.371920351148152  # the largest 1-norm the approximant is exact to float64 on


def _expm_impl(xp, a):
    x = NP.asarray(a, NP.complex128 if a.dtype.kind == "c" else NP.float64)
    norm = NP.abs(x).sum(axis=-2).max(axis=-1, initial=0.0).max(initial=0.0)
    if not NP.isfinite(norm):
        return NP.full(a.shape, NP.nan, a.dtype)
    squarings = max(0, int(math.ceil(math.log2(norm / _PADE13_THETA)))) if norm > 0 else 0
    x = x / 2.0 ** squarings
    b = _PADE13
    eye = NP.broadcast_to(NP.eye(x.shape[-1], dtype=x.dtype), x.shape)
    x2 = x @ x
    x4 = x2 @ x2
    x6 = x4 @ x2
    u = x @ (x6 @ (b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2
             + b[1] * eye)
    v = x6 @ (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * eye
    out = NP.linalg.solve(v - u, v + u) if x.size else x
    for _ in range(squarings):
        out = out @ out
    return out.astype(a.dtype)


def _block_upper_right(top_left, top_right):
    """``expm([[m, t], [0, m]])``'s upper right block: the derivative of
    ``expm`` at ``m`` in the direction ``t``."""
    top_left = top_left + ew.zeros_like(top_right)  # the cotangent's leading axes
    n = top_left.shape[-1]
    zeros = ew.zeros_like(top_left)
    block = sh.concat([sh.concat([top_left, top_right], -1), sh.concat([zeros, top_left], -1)], -2)
    return apply(_EXPM, (block,), NOPARAMS)[..., :n, n:]


_EXPM = defop("expm", _expm_impl,
              vjp=lambda ct, ans, a: _block_upper_right(_adj(a), ct),
              jvp=lambda ts, ans, a: _block_upper_right(a, ts[0]), portable=ew._numpy_only("expm"))


def _square_matrix(x, opname):
    x = tensor(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise InvalidArgumentError(
            f"{opname}: input must be a square matrix (or a batch of them), got shape "
            f"{list(x.shape)}")
    if kind(x._value.dtype) not in "fc":
        raise ValueError(f"{opname}: input must be a float or complex tensor, got "
                         f"{x.dtype.name}; cast it with gradtape.cast")
    return x


def expm(input: TensorInput, name: Optional[str] = None) -> Tensor:
    """The matrix exponential of the square matrices in the last two axes.

    >>> import gradtape as tf
    >>> tf.linalg.expm(tf.constant([[0.0, 1.0], [0.0, 0.0]])).numpy()
    array([[1., 1.],
           [0., 1.]], dtype=float32)
    """
    return apply(_EXPM, (_square_matrix(input, "MatrixExponential"),), NOPARAMS)


def _sqrtm_impl(xp, a):
    values, vectors = NP.linalg.eig(NP.asarray(a, NP.complex128))
    roots = NP.sqrt(values)
    out = (vectors * roots[..., None, :]) @ NP.linalg.inv(vectors)
    if a.dtype.kind == "c":
        return out.astype(a.dtype)
    # a real matrix with a negative eigenvalue has no real square root: NaN, as TensorFlow's
    negative = ((values.real < 0) & (values.imag == 0)).any(axis=-1)
    return NP.where(negative[..., None, None], NP.nan, out.real).astype(a.dtype)


def _sylvester(s, g):
    """The ``x`` that solves ``s x + x s = g``: a linear system in the ``n * n``
    entries of ``x``, written with gradtape's ops so it differentiates again."""
    n = s.shape[-1]
    s = s + ew.zeros_like(g)  # the cotangent's leading axes
    eye = ew.cast(NP.eye(n), s.dtype)
    system = einsum("...ij,kl->...ikjl", s, eye) + einsum("ij,...lk->...ikjl", eye, s)
    lead = list(system.shape[:-4])
    x = solve(sh.reshape(system, lead + [n * n, n * n]), sh.reshape(g, lead + [n * n, 1]))
    return sh.reshape(x, lead + [n, n])


_SQRTM = defop("sqrtm", _sqrtm_impl,
               vjp=lambda ct, ans, a: _sylvester(_adj(ans), ct),
               jvp=lambda ts, ans, a: _sylvester(ans, ts[0]), save_ans=True,
               portable=ew._numpy_only("sqrtm"))


def sqrtm(input: TensorInput, name: Optional[str] = None) -> Tensor:
    """The principal square root of the square matrices in the last two axes
    (through their eigendecomposition); its gradient solves a Sylvester equation
    as an ``n * n`` linear system, so it suits small matrices.

    >>> import gradtape as tf
    >>> tf.linalg.sqrtm(tf.constant([[4.0, 0.0], [0.0, 9.0]])).numpy()
    array([[2., 0.],
           [0., 3.]], dtype=float32)
    """
    return apply(_SQRTM, (_square_matrix(input, "MatrixSquareRoot"),), NOPARAMS)


if not TYPE_CHECKING:  # a type checker reads the module's own public names
    __all__ = public_names(globals())
