"""The array namespaces gradtape computes with.

An op's forward ``impl(xp, *arrays, **params)`` computes with the namespace
``xp`` it is given: ``NP`` (NumPy, with the few array-API spellings older
releases lack) on the NumPy path, and for a tensor of another namespace (CuPy,
Dask, ``array-api-strict``, anything with ``__array_namespace__``) that
namespace seen through NumPy's spellings (``_numpy_view``).  ``foreign[0]``
stays false until a non-NumPy array first becomes a tensor; until then an op
without an active tape runs exactly as before, and a recorded op tests the
flag once.

A ``Backend`` is what the engine knows of a namespace: its public module (what
``tensor.backend`` reports), the namespace the impls compute with (through
``array-api-compat`` where the library differs from the standard), and how to
move values in and out.
"""
import contextlib
import sys
import types

import numpy as np

from . import state
from .state import foreign  # true once a non-NumPy array became a tensor
from .errors import InvalidArgumentError, UnimplementedError


def _numpy_namespace():
    """NumPy's module seen with the standard's spellings it may lack (NumPy <
    2.1), and a fast ``astype`` (NumPy's own function costs ten times the method)."""
    ns = types.ModuleType("numpy")
    ns.__dict__.update(np.__dict__)
    ns.astype = lambda x, dtype, copy=True: x.astype(dtype, copy=copy)
    ns.concat = getattr(np, "concat", np.concatenate)
    ns.permute_dims = getattr(np, "permute_dims", np.transpose)
    ns.pow = getattr(np, "pow", np.power)
    return ns


#: The NumPy namespace every impl is given on the NumPy path.
NP = _numpy_namespace()


# NumPy's names for functions the standard spells differently (aliases added to
# a foreign namespace so impls written against NumPy run there unchanged)
_NUMPY_SPELLINGS = {
    "true_divide": "divide", "power": "pow", "absolute": "abs", "conjugate": "conj",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arctan2": "atan2",
    "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh",
    "concatenate": "concat", "transpose": "permute_dims", "invert": "bitwise_invert",
    "bitwise_not": "bitwise_invert", "left_shift": "bitwise_left_shift",
    "right_shift": "bitwise_right_shift", "amax": "max", "amin": "min",
}


class Backend:
    """One array namespace: its public module and the namespace impls use.

    >>> from gradtape._core import backend
    >>> import numpy as np
    >>> backend.backend_of(np.ones(2)).name
    'numpy'
    """

    def __init__(self, name, module, ns, array_type):
        self.name = name
        self.module = module
        self.xp = ns
        self.array_type = array_type
        self.dtypes = {}  # gradtape DType name -> this namespace's dtype

    def __repr__(self):
        return f"<Backend {self.name}>"

    # -- values in and out -------------------------------------------------
    def dtype(self, np_dtype):
        """This namespace's dtype for a NumPy dtype (or a gradtape DType)."""
        name = getattr(np_dtype, "name", None) or np.dtype(np_dtype).name
        try:
            return self.dtypes[name]
        except KeyError:
            raise UnimplementedError(
                f"dtype {name} is not supported on {self.name}") from None

    def asarray(self, value, dtype=None):
        """``value`` (a Python number or nested list) as an array of this namespace."""
        dt = None if dtype is None else self.dtype(dtype)
        return self.xp.asarray(value, dtype=dt)

    def to_numpy(self, value):
        """A NumPy ndarray with the values of ``value`` (computes lazy arrays)."""
        if hasattr(value, "compute"):
            value = value.compute()
        mod = type(value).__module__.split(".")[0]
        if mod == "cupy":
            return value.get()
        if mod == "numpy":
            return np.asarray(value)
        try:
            return np.from_dlpack(value)
        except (TypeError, AttributeError, RuntimeError, BufferError):
            return np.asarray(self.xp.to_device(value, "cpu") if hasattr(self.xp, "to_device")
                              else value)

    # -- running an op here -------------------------------------------------
    def compute(self, op, arrays, params):
        """``op`` on ``arrays`` of this namespace: its portable impl if it has one.

        NumPy arrays and dtypes among the params (index arrays, masks, a
        cast's dtype: static parameters, not tensor inputs) are made this
        namespace's first.
        """
        impl = op.portable or op.impl
        if params:
            params = {k: self._param(v) for k, v in params.items()}
        return impl(self.xp, *arrays, **params)

    def _param(self, v):
        if isinstance(v, np.ndarray):
            return self.xp.asarray(v)
        if isinstance(v, np.dtype):
            return self.dtype(v)
        if isinstance(v, np.generic):
            return v.item()  # a Python scalar takes the array's dtype
        if type(v) is tuple or type(v) is list:
            return type(v)(self._param(e) for e in v)
        return v


# ---------------------------------------------------------------------------
# Finding a value's namespace
# ---------------------------------------------------------------------------

NUMPY = Backend("numpy", np, NP, np.ndarray)
for _name in ("float16", "float32", "float64", "int8", "int16", "int32", "int64",
              "uint8", "bool", "complex64", "complex128"):
    NUMPY.dtypes[_name] = np.dtype(_name)

_by_type = {np.ndarray: NUMPY}  # array type -> Backend
_by_module = {}  # namespace module name -> Backend


def backend_of(value):
    """The Backend of an array (NumPy arrays and scalars give ``NUMPY``).

    >>> import numpy as np
    >>> backend_of(np.float32(1.0)) is NUMPY
    True
    """
    b = _by_type.get(type(value))
    if b is None:
        b = _discover(value)
    return b


def is_array(value):
    """Whether ``value`` is an array of some namespace gradtape can use.

    >>> import numpy as np
    >>> is_array(np.ones(2)), is_array([1.0, 2.0])
    (True, False)
    """
    if isinstance(value, (np.ndarray, np.generic)):
        return True
    if type(value) in _by_type:
        return True
    return hasattr(value, "__array_namespace__") or (
        hasattr(value, "shape") and hasattr(value, "dtype") and hasattr(value, "ndim")
        and type(value).__module__.split(".")[0] in ("dask", "cupy"))


def _discover(value):
    tp = type(value)
    if issubclass(tp, (np.ndarray, np.generic)):
        _by_type[tp] = NUMPY
        return NUMPY
    module, ns = _namespaces(value)
    b = _by_module.get(module.__name__)
    if b is None:
        b = _by_module[module.__name__] = _make_backend(module, ns, tp)
    _by_type[tp] = b
    if not foreign[0]:
        with state.lock:  # ops leave their NumPy-only fast path from now on
            foreign[0] = True
            state.active[0] += 1
    return b


def _namespaces(value):
    """(public module, namespace for impls) of a non-NumPy array."""
    top = type(value).__module__.split(".")[0]
    try:
        import array_api_compat
    except ImportError:
        array_api_compat = None
    if array_api_compat is not None:
        try:
            ns = array_api_compat.array_namespace(value)
        except TypeError:
            ns = None
        if ns is not None:
            public = sys.modules.get("dask.array") if top == "dask" else sys.modules.get(top)
            return public or ns, ns
    if hasattr(value, "__array_namespace__"):
        ns = value.__array_namespace__()
        return ns, ns
    if top in ("dask", "cupy"):
        raise ImportError(f"gradtape needs array-api-compat to compute on {top} arrays: "
                          "pip install 'gradtape[backends]'")
    raise TypeError(f"cannot use a {_tp_name(value)} as a tensor value: it is not an "
                    "array of NumPy or of an array-API namespace")


def _tp_name(value):
    tp = type(value)
    return f"{tp.__module__}.{tp.__qualname__}"


def _make_backend(module, ns, tp):
    name = module.__name__
    b = Backend(name, module, None, tp)
    for dt in NUMPY.dtypes:
        found = getattr(ns, dt, None)
        if found is not None:
            b.dtypes[dt] = found
    b.xp = _numpy_view(ns, b)
    from . import dtypes
    dtypes.register_foreign(b.dtypes)
    return b


# NumPy signatures that pass arguments positionally where the standard makes
# them keyword-only: name -> (positional count, names of the rest in NumPy's order)
_KEYWORD_ONLY = {
    "zeros": (1, ("dtype",)), "ones": (1, ("dtype",)), "empty": (1, ("dtype",)),
    "full": (2, ("dtype",)), "eye": (2, ("k", "dtype")), "arange": (3, ("dtype",)),
    "flip": (1, ("axis",)), "expand_dims": (1, ("axis",)), "concat": (1, ("axis",)),
    "stack": (1, ("axis",)), "take": (2, ("axis",)), "roll": (2, ("axis",)),
    "tril": (1, ("k",)), "triu": (1, ("k",)), "argmax": (1, ("axis",)),
    "argmin": (1, ("axis",)), "sum": (1, ("axis", "dtype")), "prod": (1, ("axis", "dtype")),
    "max": (1, ("axis",)), "min": (1, ("axis",)), "mean": (1, ("axis",)),
    "any": (1, ("axis",)), "all": (1, ("axis",)), "zeros_like": (1, ("dtype",)),
    "ones_like": (1, ("dtype",)), "full_like": (2, ("dtype",)), "sort": (1, ("axis",)),
    "argsort": (1, ("axis",)), "cumulative_sum": (1, ("axis", "dtype")),
    "cumulative_prod": (1, ("axis", "dtype")), "asarray": (1, ("dtype",)),
}


def _numpy_view(ns, b):
    """``ns`` seen through NumPy's spellings and signatures, so impls written
    against NumPy run unchanged wherever the standard has the function; a
    function the namespace lacks raises ``UnimplementedError`` when used."""
    view = types.ModuleType(f"{b.name} (as gradtape computes with it)")
    for k in dir(ns):
        if not k.startswith("__"):
            view.__dict__[k] = getattr(ns, k)
    for k in ("linalg", "fft"):
        if hasattr(ns, k) and k not in view.__dict__:
            view.__dict__[k] = getattr(ns, k)
    d = view.__dict__

    def dtype_kw(fn, npos, names):
        def adapted(*args, **kw):
            if len(args) > npos:
                kw.update(zip(names, args[npos:]))
                args = args[:npos]
            dt = kw.get("dtype")
            if dt is not None and (isinstance(dt, (np.dtype, type)) or hasattr(dt, "_np")):
                kw["dtype"] = b.dtype(np.dtype(getattr(dt, "_np", dt)))
            return fn(*args, **kw)
        adapted.__name__ = getattr(fn, "__name__", "adapted")
        return adapted

    for fname, (npos, names) in _KEYWORD_ONLY.items():
        if fname in d:
            d[fname] = dtype_kw(d[fname], npos, names)
    for numpy_name, std_name in _NUMPY_SPELLINGS.items():
        if numpy_name not in d and std_name in d:
            d[numpy_name] = d[std_name]
    if "cumulative_sum" in d:
        d.setdefault("cumsum", d["cumulative_sum"])
    if "cumulative_prod" in d:
        d.setdefault("cumprod", d["cumulative_prod"])
    def astype(x, dtype, copy=True):
        if not hasattr(dtype, "_np") and isinstance(dtype, (np.dtype, type)):
            dtype = b.dtype(np.dtype(dtype))
        elif hasattr(dtype, "_np"):
            dtype = b.dtype(dtype._np)
        return ns.astype(x, dtype, copy=copy)
    d["astype"] = astype
    if "mean" in d:
        d["mean"] = lambda x, axis=None, keepdims=False, dtype=None, _mean=d["mean"]: _mean(
            x if dtype is None else astype(x, dtype, copy=False), axis=axis, keepdims=keepdims)
    if "take" in d:
        d["take"] = lambda x, index, axis=None, _take=d["take"]: (
            _take(x, index, axis=axis) if not isinstance(index, int) else
            x[(slice(None),) * _axis(axis, x.ndim) + (index, ...)])
    d.setdefault("einsum", lambda eq, *operands, optimize=False: _einsum(xs, b, eq, operands))
    for fname in ("max", "min"):
        if fname in d:
            d[fname] = _with_initial(d[fname], view)
    xs = view
    d.setdefault("errstate", lambda **kw: contextlib.nullcontext())
    d.setdefault("array", xs.asarray)
    d.setdefault("ascontiguousarray", xs.asarray)
    d.setdefault("bool_", getattr(ns, "bool", None))
    d.setdefault("intp", getattr(ns, "int64", None))
    d["ndarray"] = d["generic"] = _NotNumPy  # NumPy-only branches never match here
    d.setdefault("mod", getattr(ns, "remainder", None))
    d.setdefault("shape", lambda x: tuple(x.shape))
    d.setdefault("swapaxes", lambda x, a, c: _swapaxes(xs, x, a, c))
    d.setdefault("argwhere", lambda x: xs.stack(xs.nonzero(x), axis=-1))
    d.setdefault("flatnonzero", lambda x: xs.nonzero(xs.reshape(x, (-1,)))[0])
    d.setdefault("diagonal", lambda x, offset=0, axis1=0, axis2=1:
                 xs.linalg.diagonal(_to_last_two(xs, x, axis1, axis2), offset=offset))
    d.setdefault("split", lambda x, bounds, axis=0: _split(xs, x, bounds, axis))
    d.setdefault("pad", lambda x, widths, mode="constant", constant_values=0:
                 _pad(xs, b, x, widths, mode, constant_values))

    def missing(attr):
        raise _Missing(f"{attr} is not supported on {b.name}")
    d["__getattr__"] = missing
    return view


class _Missing(UnimplementedError, AttributeError):
    """A function the namespace lacks (``getattr(xp, name, default)`` still works)."""


class _NotNumPy:
    """What ``xp.ndarray`` is in another namespace's view: no value's type."""


def _with_initial(reduce, xs):
    """NumPy's ``initial=`` (the reduction's identity) for an empty reduction."""
    def adapted(x, axis=None, keepdims=False, initial=None):
        if initial is None or all(d for d in x.shape):
            return reduce(x, axis=axis, keepdims=keepdims)
        ones = xs.ones(x.shape, dtype=x.dtype)
        return xs.sum(ones, axis=axis, keepdims=keepdims) * 0 + initial
    return adapted


def _einsum(xs, b, eq, operands):
    """``einsum`` by broadcasting products and sums (namespaces without one)."""
    lhs, _, out = eq.replace(" ", "").partition("->")
    ins = lhs.split(",")
    ell = max((x.ndim - len(t.replace("...", "")) for t, x in zip(ins, operands) if "..." in t),
              default=0)
    fill = "".join(chr(ord("A") + i) for i in range(ell))
    ins = [t.replace("...", fill[ell - (x.ndim - len(t) + 3):] if "..." in t else "")
           for t, x in zip(ins, operands)]
    out = out.replace("...", fill)
    labels = "".join(dict.fromkeys(out + "".join(ins)))
    total = None
    for t, x in zip(ins, operands):
        while len(set(t)) != len(t):
            t, x = _einsum_diagonal(xs, t, x)
        x = xs.permute_dims(x, tuple(sorted(range(len(t)), key=lambda i: labels.index(t[i]))))
        shape = [1] * len(labels)
        for label, size in zip(sorted(t, key=labels.index), x.shape):
            shape[labels.index(label)] = size
        x = xs.reshape(x, tuple(shape))
        total = x if total is None else total * x
    summed = tuple(i for i, label in enumerate(labels) if label not in out)
    if summed:
        total = xs.sum(total, axis=summed)
    return total  # the output labels come first in ``labels``, in order


def _einsum_diagonal(xs, t, x):
    """Merge the first repeated label of operand ``x`` (labels ``t``): its diagonal."""
    label = next(c for c in t if t.count(c) > 1)
    i = t.index(label)
    j = t.index(label, i + 1)
    n = x.shape[i]
    shape = [1] * x.ndim
    shape[i] = shape[j] = n
    x = xs.sum(x * xs.reshape(xs.eye(n, dtype=x.dtype), tuple(shape)), axis=j)
    return t[:j] + t[j + 1:], x


def _axis(a, ndim):
    return a + ndim if a < 0 else a


def _swapaxes(xs, x, a, c):
    perm = list(range(x.ndim))
    a, c = _axis(a, x.ndim), _axis(c, x.ndim)
    perm[a], perm[c] = perm[c], perm[a]
    return xs.permute_dims(x, tuple(perm))


def _to_last_two(xs, x, a, c):
    a, c = _axis(a, x.ndim), _axis(c, x.ndim)
    rest = [i for i in range(x.ndim) if i not in (a, c)]
    return xs.permute_dims(x, tuple(rest + [a, c]))


def _split(xs, x, bounds, axis):
    axis = _axis(axis, x.ndim)
    n = x.shape[axis]
    if isinstance(bounds, int):
        step = n // bounds
        bounds = [step * i for i in range(1, bounds)]
    edges = [0] + [int(i) for i in bounds] + [n]
    lead = (slice(None),) * axis
    return [x[lead + (slice(lo, hi),) + (...,)] for lo, hi in zip(edges[:-1], edges[1:])]


def _pad(xs, b, x, widths, mode, value):
    widths = [tuple(int(v) for v in w) for w in widths]
    for axis, (lo, hi) in enumerate(widths):
        n = x.shape[axis]
        lead = (slice(None),) * axis
        if mode == "constant":
            parts = []
            for width in (lo, hi):
                shape = list(x.shape)
                shape[axis] = width
                parts.append(xs.zeros(tuple(shape), dtype=x.dtype) + value)
        elif mode in ("reflect", "symmetric"):
            skip = 1 if mode == "reflect" else 0
            parts = [xs.flip(x[lead + (slice(skip, skip + lo), ...)], axis=axis),
                     xs.flip(x[lead + (slice(n - hi - skip, n - skip), ...)], axis=axis)]
        else:
            raise UnimplementedError(f"pad mode {mode!r} is not supported on {b.name}")
        x = xs.concat([parts[0], x, parts[1]], axis=axis)
    return x


def common_backend(values, opname):
    """The one Backend of ``values``; an error naming both if they differ.

    >>> import numpy as np
    >>> common_backend([np.ones(2), np.float64(1.0)], "add").name
    'numpy'
    """
    first = None
    for v in values:
        b = backend_of(v)
        if first is None:
            first = b
        elif b is not first:
            raise InvalidArgumentError(
                f"{opname}: its inputs live in two array namespaces, {first.name} and "
                f"{b.name}; gradtape never copies between them silently. Move one "
                "explicitly (e.g. build the constant from an array of the other namespace)")
    return first or NUMPY


def compute(op, values, params):
    """``op`` on ``values`` in their namespace (called once a foreign array exists).

    >>> import numpy as np
    >>> from gradtape.rules import elementwise
    >>> compute(elementwise.exp.op, [np.zeros(2)], {})
    array([1., 1.])
    """
    b = common_backend(values, op.name)
    if b is NUMPY:
        return op.numpy_impl(*values, **params)
    return b.compute(op, values, params)


def _dot_reports_overflow():
    """Whether ``ndarray.dot`` raises NumPy's floating-point errors (an overflow)
    as ``@`` does: NumPy 2.0 skips the check after its BLAS call; later NumPy
    makes it.  Where it does not, gradtape multiplies with ``@`` only, so no
    overflow goes unreported."""
    big = np.full((1, 1), 1e30, np.float32)
    with np.errstate(over="raise"):
        try:
            big.dot(big)
        except FloatingPointError:
            return True
    return False


#: Whether gradtape may use ``ndarray.dot`` for products (``_dot_reports_overflow``):
#: the same BLAS call as ``@`` without the generalized ufunc's dispatch.
DOT_REPORTS_OVERFLOW = _dot_reports_overflow()

_CONSTANTS = {}


def constant_like(value, dtype):
    """``value`` (a small Python number) as a read-only 0-d NumPy array of ``dtype``.

    A NumPy ufunc takes one about twice as fast as the Python number on small
    arrays (it skips the promotion of a Python scalar), with the same result
    where ``dtype`` is the array's own floating or complex dtype.

    >>> import numpy as np
    >>> constant_like(1, np.dtype(np.float32)) - np.float32([0.25, 0.5])
    array([0.75, 0.5 ], dtype=float32)
    """
    key = (value, dtype)
    c = _CONSTANTS.get(key)
    if c is None:
        c = np.asarray(value, dtype)
        c.flags.writeable = False
        if len(_CONSTANTS) > 256:
            _CONSTANTS.clear()
        _CONSTANTS[key] = c
    return c


def zeros_for(value, shape=None):
    """Zeros of ``value``'s namespace and dtype (its shape unless ``shape``).

    >>> import numpy as np
    >>> zeros_for(np.ones(2, np.float32), (3,))
    array([0., 0., 0.], dtype=float32)
    """
    return backend_of(value).xp.zeros(value.shape if shape is None else shape, dtype=value.dtype)


def ones_for(value):
    """Ones of ``value``'s namespace, dtype and shape.

    >>> import numpy as np
    >>> ones_for(np.zeros(2))
    array([1., 1.])
    """
    if type(value) is np.ndarray:
        return np.ones(value.shape, value.dtype)
    return backend_of(value).xp.ones(value.shape, dtype=value.dtype)
