"""Convolution and pooling over NHWC images: ``conv2d``, ``depthwise_conv2d``,
``conv1d``, their transposes, ``max_pool2d``, ``avg_pool2d`` (and the rank-generic ``convolution``,
``pool``, ``max_pool``/``avg_pool``), ``embedding_lookup``.

Geometry follows TensorFlow: ``VALID`` keeps the windows that fit; ``SAME``
gives ``ceil(in / stride)`` outputs and pads ``max((out - 1) * stride +
(k - 1) * dilation + 1 - in, 0)`` in total, the extra one at the bottom/right.

A convolution is three bilinear primitives that are each other's transposes:
``conv`` (``y = x * w``), ``conv_input_grad`` (a transposed convolution, the
cotangent of ``x``) and ``conv_filter_grad`` (the cotangent of ``w``).  The
forward and the filter gradient are one BLAS product of an im2col copy; the
input gradient is one product followed by a strided slice add per kernel tap.
Their VJPs and JVPs are the same three ops, so every derivative order works.
Max pooling sends a cotangent to the first maximum of each window (TensorFlow's
CPU kernel) through a scatter/gather pair; average pooling divides by the
number of non-padding elements, as TensorFlow does.
"""
from __future__ import annotations
import numbers

import numpy as np

from .._core.dtypes import kind
from ..errors import InvalidArgumentError, UnimplementedError
from . import indexing as ix
from . import shape as sh
from ._util import apply, defop, public_names, tensor
from typing import Optional, Sequence, TYPE_CHECKING, Union
from .._core.types import Tensor, TensorInput

_as_strided = np.lib.stride_tricks.as_strided


def _numpy_only(impl, opname):
    """``defop`` arguments for an op NumPy alone computes: ``impl`` on NumPy
    (the namespace argument is NumPy's), an error on any other namespace."""
    def numpy_impl(xp, *arrays, **params):
        return impl(*arrays, **params)

    def portable(xp, *arrays, **params):
        raise UnimplementedError(f"op {opname} is not supported on "
                                 f"{getattr(xp, '__name__', xp)}: it computes on NumPy arrays only")
    return {"impl": numpy_impl, "portable": portable}


# ---------------------------------------------------------------------------
# arguments: strides, dilations, window sizes, padding
# ---------------------------------------------------------------------------

def _spatial(value, argname, opname, spatial=2):
    """An int or a list of 1, ``spatial`` or ``spatial + 2`` ints (NHWC) as a
    tuple of ``spatial`` positive ints."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        values = [int(value)] * spatial
    else:
        values = [int(v) for v in value]
        n = len(values)
        if n == 1:
            values = values * spatial
        elif n == spatial + 2:
            if values[0] != 1 or values[-1] != 1:
                what = "Pooling" if argname == "ksize" else f"{argname}"
                raise UnimplementedError(
                    f"{opname}: {what} on the batch and depth dimensions is not supported "
                    f"(got {argname}={values}); they must be 1")
            values = values[1:-1]
        elif n != spatial:
            raise ValueError(f"{argname} should be of length 1, {spatial} or {spatial + 2}. "
                             f"Received: {argname}={values} of length {n}")
    if any(v <= 0 for v in values):
        raise InvalidArgumentError(f"{opname}: {argname} must be positive, got {values}")
    return tuple(values)


def _out_and_pads(size, k, stride, dilation, padding, opname):
    """Output length and (before, after) padding of one spatial axis."""
    span = (k - 1) * dilation + 1
    if padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + span - size, 0)
        return out, (total // 2, total - total // 2)
    pads = (0, 0) if padding == "VALID" else tuple(padding)
    padded = size + sum(pads)
    out = int((padded - span + stride) / stride)  # rounded toward zero, as TensorFlow
    if out < 0:
        raise InvalidArgumentError(
            f"{opname}: Computed output size would be negative: {out} [input_size: "
            f"{padded}, effective_filter_size: {span}, stride: {stride}]")
    return out, pads


def _padding(padding, opname, explicit_ok=True):
    """'SAME', 'VALID', or for conv a list of [before, after] pairs per axis of
    NHWC (the batch and channel pairs zero) as two spatial pairs."""
    if isinstance(padding, str):
        if padding not in ("SAME", "VALID"):
            raise InvalidArgumentError(
                f"{opname}: padding must be 'SAME' or 'VALID' (upper case), got {padding!r}")
        return padding
    if not explicit_ok:
        raise TypeError(f"{opname}: padding must be the string 'SAME' or 'VALID', "
                        f"got {padding!r}")
    try:
        pairs = [tuple(int(p) for p in pair) for pair in padding]
    except TypeError:
        raise ValueError(f"{opname}: padding must be 'SAME', 'VALID' or a list of "
                         f"[before, after] pairs, got {padding!r}") from None
    if len(pairs) != 4 or any(len(p) != 2 for p in pairs):
        raise ValueError(f"{opname}: explicit padding must have 4 [before, after] pairs "
                         f"(NHWC), got {padding!r}")
    if pairs[0] != (0, 0) or pairs[3] != (0, 0):
        raise ValueError(f"{opname}: explicit padding on the batch and channel dimensions "
                         f"must be zero, got {padding!r}")
    if any(p < 0 for pair in pairs for p in pair):
        raise ValueError(f"{opname}: explicit padding must be non-negative, got {padding!r}")
    return pairs[1:3]


def _nhwc(data_format, opname, default="NHWC"):
    if data_format not in (None, default):
        raise InvalidArgumentError(
            f"{opname}: only the {default} data format is supported (TensorFlow's CPU "
            f"kernels), got {data_format!r}; transpose the input instead")


def _geometry(hw, k, strides, dilations, padding, opname):
    """The output size and ``(top, bottom), (left, right)`` padding."""
    per_axis = [_out_and_pads(hw[a], k[a], strides[a], dilations[a],
                              padding if isinstance(padding, str) else padding[a], opname)
                for a in (0, 1)]
    return (per_axis[0][0], per_axis[1][0]), (per_axis[0][1], per_axis[1][1])


# ---------------------------------------------------------------------------
# the NumPy kernels: arrays (..., H, W, C), any leading axes
# ---------------------------------------------------------------------------

def _pad(x, pads, value=0):
    if not any(pads[0]) and not any(pads[1]):
        return x
    widths = [(0, 0)] * (x.ndim - 3) + [pads[0], pads[1], (0, 0)]
    return np.pad(x, widths, constant_values=value)


def _out_hw(hp, wp, k, strides, dilations):
    """Output size over an already padded input."""
    return tuple((n - (kk - 1) * d - 1) // s + 1
                 for n, kk, s, d in zip((hp, wp), k, strides, dilations))


def _patches(x, k, strides, dilations, pads):
    """The im2col view (..., Ho, Wo, kh, kw, C) of ``x`` padded (no copy of ``x``)."""
    xp_ = np.ascontiguousarray(_pad(x, pads))
    ho, wo = _out_hw(xp_.shape[-3], xp_.shape[-2], k, strides, dilations)
    s_h, s_w, s_c = xp_.strides[-3:]
    shape = xp_.shape[:-3] + (ho, wo, k[0], k[1], xp_.shape[-1])
    st = xp_.strides[:-3] + (s_h * strides[0], s_w * strides[1],
                             s_h * dilations[0], s_w * dilations[1], s_c)
    return _as_strided(xp_, shape, st, writeable=False)


def _tap_slices(i, j, out_hw, strides, dilations):
    """The strided slice of a padded image that kernel tap (i, j) reads."""
    r0, c0 = i * dilations[0], j * dilations[1]
    return (Ellipsis, slice(r0, r0 + (out_hw[0] - 1) * strides[0] + 1, strides[0]),
            slice(c0, c0 + (out_hw[1] - 1) * strides[1] + 1, strides[1]), slice(None))


def _conv_core(x, w, strides, dilations, pads):
    """``x`` convolved with ``w``; leading axes ``L`` of ``w`` (``x`` is ``L + (N, H, W,
    C)``) pair one filter with each image batch (``depthwise_conv2d``'s channels)."""
    kh, kw, ci, co = w.shape[-4:]
    lead = w.shape[:-4]
    cols = _patches(x, (kh, kw), strides, dilations, pads)
    out = cols.reshape(lead + (-1, kh * kw * ci)) @ w.reshape(lead + (kh * kw * ci, co))
    return out.reshape(cols.shape[:-3] + (co,))


def _input_grad_core(g, w, input_hw, strides, dilations, pads):
    kh, kw, ci, co = w.shape[-4:]
    lead = w.shape[:-4]
    ho, wo = g.shape[-3:-1]
    taps = np.matmul(g.reshape(lead + (-1, co)),
                     w.reshape(lead + (kh * kw * ci, co)).swapaxes(-1, -2)).reshape(
        g.shape[:-1] + (kh, kw, ci))
    (pt, pb), (pl, pr) = pads
    h, wd = input_hw
    out = np.zeros(g.shape[:-3] + (h + pt + pb, wd + pl + pr, ci), dtype=np.result_type(g, w))
    for i in range(kh):
        for j in range(kw):
            out[_tap_slices(i, j, (ho, wo), strides, dilations)] += taps[..., i, j, :]
    return np.ascontiguousarray(out[..., pt:pt + h, pl:pl + wd, :])


def _filter_grad_core(x, g, filter_hw, strides, dilations, pads):
    kh, kw = filter_hw
    lead = x.shape[:-4]
    ci, co = x.shape[-1], g.shape[-1]
    cols = _patches(x, (kh, kw), strides, dilations, pads).reshape(lead + (-1, kh * kw * ci))
    return (cols.swapaxes(-1, -2) @ g.reshape(lead + (-1, co))).reshape(lead + (kh, kw, ci, co))


def _paired(a, b):
    """Whether 5-D-or-more ``a`` and ``b`` have the same leading axes (one pair each)."""
    return a.ndim == b.ndim and a.shape[:-4] == b.shape[:-4]


def _one_at_a_time(core, a, b, **params):
    """``core`` on 4-D ``a`` and ``b`` over their extra leading axes, which
    broadcast against each other as in ``matmul`` (a stacked Jacobian
    cotangent, a batch of forward-mode tangents, nested ones)."""
    lead = np.broadcast_shapes(a.shape[:-4], b.shape[:-4])
    a = np.broadcast_to(a, lead + a.shape[-4:])
    b = np.broadcast_to(b, lead + b.shape[-4:])
    outs = [core(a[i], b[i], **params) for i in np.ndindex(*lead)]
    return np.stack(outs).reshape(lead + outs[0].shape)


def _conv_impl(x, w, strides, dilations, pads):
    if w.ndim == 4 or _paired(x, w):  # extra leading axes of x fold into its batch
        return _conv_core(x, w, strides, dilations, pads)
    if x.ndim == 4:  # a stack of filters: one batched product
        kh, kw, ci, co = w.shape[-4:]
        cols = _patches(x, (kh, kw), strides, dilations, pads)
        out = cols.reshape(-1, kh * kw * ci) @ w.reshape(w.shape[:-4] + (kh * kw * ci, co))
        return out.reshape(w.shape[:-4] + cols.shape[:-3] + (co,))
    return _one_at_a_time(_conv_core, x, w, strides=strides, dilations=dilations, pads=pads)


def _input_grad_impl(g, w, input_hw, strides, dilations, pads):
    if w.ndim == 4 or _paired(g, w):
        return _input_grad_core(g, w, input_hw, strides, dilations, pads)
    return _one_at_a_time(_input_grad_core, g, w, input_hw=input_hw, strides=strides,
                          dilations=dilations, pads=pads)


def _filter_grad_impl(x, g, filter_hw, strides, dilations, pads):
    if _paired(x, g):
        return _filter_grad_core(x, g, filter_hw, strides, dilations, pads)
    return _one_at_a_time(_filter_grad_core, x, g, filter_hw=filter_hw, strides=strides,
                          dilations=dilations, pads=pads)


# ---------------------------------------------------------------------------
# the three convolution ops
# ---------------------------------------------------------------------------

def _conv(x, w, geo):
    return apply(_CONV, (x, w), geo)


def _input_grad(g, w, input_hw, geo):
    return apply(_CONV_INPUT_GRAD, (g, w), dict(geo, input_hw=tuple(input_hw)))


def _filter_grad(x, g, filter_hw, geo):
    return apply(_CONV_FILTER_GRAD, (x, g), dict(geo, filter_hw=tuple(filter_hw)))


def _bilinear_jvp(term):
    """The JVP of an op bilinear in its two inputs: ``op(ta, b) + op(a, tb)``."""
    def jvp(ts, ans, a, b, **params):
        ta, tb = ts
        out = None if ta is None else term(ta, b, params)
        if tb is not None:
            part = term(a, tb, params)
            out = part if out is None else out + part
        return out
    return jvp


def _geo(params):
    return {k: params[k] for k in ("strides", "dilations", "pads")}


_CONV = defop(
    "conv2d", **_numpy_only(_conv_impl, "conv2d"),
    vjp=(lambda ct, ans, x, w, **p: _input_grad(ct, w, x.shape[-3:-1], p),
         lambda ct, ans, x, w, **p: _filter_grad(x, ct, w.shape[-4:-2], p)),
    jvp=_bilinear_jvp(lambda a, b, p: _conv(a, b, p)),
    broadcasts=True)  # extra leading axes broadcast, as matmul's do
_CONV_INPUT_GRAD = defop(
    "conv2d_backprop_input", **_numpy_only(_input_grad_impl, "conv2d_backprop_input"),
    vjp=(lambda ct, ans, g, w, input_hw, **p: _conv(ct, w, p),
         lambda ct, ans, g, w, input_hw, **p: _filter_grad(ct, g, w.shape[-4:-2], p)),
    jvp=_bilinear_jvp(lambda a, b, p: _input_grad(a, b, p["input_hw"], _geo(p))),
    broadcasts=True)
_CONV_FILTER_GRAD = defop(
    "conv2d_backprop_filter", **_numpy_only(_filter_grad_impl, "conv2d_backprop_filter"),
    vjp=(lambda ct, ans, x, g, filter_hw, **p: _input_grad(g, ct, x.shape[-3:-1], p),
         lambda ct, ans, x, g, filter_hw, **p: _conv(x, ct, p)),
    jvp=_bilinear_jvp(lambda a, b, p: _filter_grad(a, b, p["filter_hw"], _geo(p))),
    broadcasts=True)


def _conv_operands(x, w, opname, transposed=False):
    """``x`` and ``w`` checked as a convolution's image and filters; a transposed
    convolution's filters are ``[kh, kw, C_out, C_in]``, their last axis meeting ``x``."""
    x, w = tensor(x), tensor(w)
    sx, sw = x._value.shape, w._value.shape
    if len(sx) != 4:
        raise InvalidArgumentError(f"{opname}: convolution input must be 4-dimensional "
                                   f"[batch, height, width, channels], got shape {list(sx)}")
    if len(sw) != 4:
        raise InvalidArgumentError(
            f"{opname}: convolution filter must be 4-dimensional [filter_height, "
            f"filter_width, in_channels, out_channels], got shape {list(sw)}")
    if x._value.dtype != w._value.dtype:
        raise InvalidArgumentError(
            f"cannot compute Conv2D as input #1(zero-based) was expected to be a "
            f"{x.dtype.name} tensor but is a {w.dtype.name} tensor; cast one operand")
    if kind(x._value.dtype) not in "fi":
        raise TypeError(f"{opname}: input must be a floating-point or integer tensor, "
                        f"got {x.dtype.name}")
    if transposed:
        if sx[3] != sw[3]:
            raise InvalidArgumentError(
                f"{opname}: input depth {sx[3]} must equal the filters' last dimension "
                f"({sw[3]}): filters are [height, width, output_channels, input_channels]")
    elif sx[3] != sw[2]:
        if sw[2] and sx[3] % sw[2] == 0:
            raise UnimplementedError(
                f"{opname}: grouped convolution (input depth {sx[3]}, filter depth "
                f"{sw[2]}) is not supported; the filter's in_channels must equal the "
                "input's channels")
        raise InvalidArgumentError(f"{opname}: input depth must be evenly divisible by filter "
                                   f"depth: {sx[3]} vs {sw[2]}")
    return x, w


def conv2d(input: TensorInput, filters: TensorInput, strides: Union[int, Sequence[int]], padding: str,  # noqa: A002
           data_format: str = "NHWC", dilations: Optional[Union[int, Sequence[int]]] = None,
           name: Optional[str] = None) -> Tensor:
    """2-D convolution (cross-correlation, as in TensorFlow) of NHWC images
    ``input [N, H, W, C_in]`` with ``filters [kh, kw, C_in, C_out]``.

    ``strides`` and ``dilations`` are an int or a list of 1, 2 or 4 (NHWC)
    ints; ``padding`` is 'SAME', 'VALID' or explicit ``[[0, 0], [top,
    bottom], [left, right], [0, 0]]``.

    >>> import gradtape as tf
    >>> x = tf.reshape(tf.range(9.0), (1, 3, 3, 1))
    >>> tf.nn.conv2d(x, tf.ones((2, 2, 1, 1)), strides=1, padding="VALID")[0, :, :, 0].numpy()
    array([[ 8., 12.],
           [20., 24.]], dtype=float32)
    """
    _nhwc(data_format, "conv2d")
    x, w = _conv_operands(input, filters, "conv2d")
    strides = _spatial(strides, "strides", "conv2d")
    dilations = _spatial(1 if dilations is None else dilations, "dilations", "conv2d")
    padding = _padding(padding, "conv2d")
    _, pads = _geometry(x._value.shape[1:3], w._value.shape[:2], strides, dilations, padding,
                        "conv2d")
    return _conv(x, w, {"strides": strides, "dilations": dilations, "pads": pads})


def _depthwise_strides(strides):
    """TensorFlow's ``[1, s, s, 1]``, as the positive int ``s``."""
    if not isinstance(strides, (list, tuple)):
        raise TypeError(f"Expected list for 'strides' argument to 'depthwise_conv2d_native' "
                        f"Op, not {strides!r}.")
    strides = [int(v) for v in strides]
    if len(strides) != 4:
        raise InvalidArgumentError("depthwise_conv2d: Sliding window strides field must specify "
                                   f"4 dimensions, got {strides}")
    if strides[0] != 1 or strides[3] != 1:
        raise InvalidArgumentError("depthwise_conv2d: Current implementation does not yet "
                                   f"support strides in the batch and depth dimensions: {strides}")
    if strides[1] != strides[2]:
        raise InvalidArgumentError("depthwise_conv2d: Current implementation only supports "
                                   "equal length strides in the row and column dimensions: "
                                   f"{strides}")
    if strides[1] <= 0:
        raise InvalidArgumentError(f"depthwise_conv2d: Stride must be > 0, but got {strides[1]}")
    return strides[1], strides[1]


def _depthwise_dilations(dilations):
    """TensorFlow's ``rate``: None or two positive ints."""
    if dilations is None:
        return 1, 1
    rates = [int(v) for v in dilations]  # an int is TensorFlow's TypeError too
    if len(rates) != 2:
        raise ValueError(f"depthwise_conv2d: dilations must have 2 elements [rate_height, "
                         f"rate_width], got {rates}")
    if min(rates) <= 0:
        raise ValueError(f"`dilation_rate` must be positive. Received: dilation_rate={rates}")
    return tuple(rates)


def _depthwise_operands(x, w):
    x, w = tensor(x), tensor(w)
    for arg, what in ((x, "input"), (w, "filter")):
        if len(arg.shape) != 4:
            raise InvalidArgumentError(f"depthwise_conv2d: {what} must be 4-dimensional, got "
                                       f"shape {list(arg.shape)}")
    if x.dtype != w.dtype:
        raise InvalidArgumentError(
            f"cannot compute DepthwiseConv2dNative as input #1(zero-based) was expected to be "
            f"a {x.dtype.name} tensor but is a {w.dtype.name} tensor; cast one operand")
    if kind(x._value.dtype) != "f":
        raise InvalidArgumentError(f"depthwise_conv2d: input must be float16, float32 or "
                                   f"float64, got {x.dtype.name}")
    if x.shape[3] != w.shape[2]:
        raise InvalidArgumentError(f"depthwise_conv2d: input and filter must have the same "
                                   f"depth: {x.shape[3]} vs {w.shape[2]}")
    return x, w


def depthwise_conv2d(input: TensorInput, filter: TensorInput,  # noqa: A002
                     strides: Sequence[int], padding: Union[str, Sequence[Sequence[int]]],
                     data_format: Optional[str] = None,
                     dilations: Optional[Sequence[int]] = None,
                     name: Optional[str] = None) -> Tensor:
    """Each channel of NHWC ``input [N, H, W, C]`` convolved with its own
    ``filter[:, :, c, :]`` (``filter [kh, kw, C, M]``): output channel
    ``c * M + m``.  ``strides`` is ``[1, s, s, 1]``; ``dilations`` is
    ``[rate_h, rate_w]``; ``padding`` 'SAME', 'VALID' or explicit pairs.

    >>> import gradtape as tf
    >>> x = tf.reshape(tf.range(8.0), (1, 2, 2, 2))   # channels [0, 2, 4, 6] and [1, 3, 5, 7]
    >>> w = tf.constant([[[[1.0, 0.0], [1.0, -1.0]]]])  # a 1x1 filter, 2 outputs per channel
    >>> tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "VALID")[0, 0].numpy()
    array([[ 0.,  0.,  1., -1.],
           [ 2.,  0.,  3., -3.]], dtype=float32)
    """
    _nhwc(data_format, "depthwise_conv2d")
    x, w = _depthwise_operands(input, filter)
    strides = _depthwise_strides(strides)
    dilations = _depthwise_dilations(dilations)
    padding = _padding(padding, "depthwise_conv2d")
    if strides[0] > 1 and max(dilations) > 1 and padding != "VALID":
        raise UnimplementedError(
            "depthwise_conv2d: strides > 1 together with dilations > 1 is supported with "
            "'VALID' padding only (TensorFlow's result for other paddings has another shape)")
    (ho, wo), pads = _geometry(x.shape[1:3], w.shape[:2], strides, dilations, padding,
                               "depthwise_conv2d")
    geo = {"strides": strides, "dilations": dilations, "pads": pads}
    n, _, _, c = x.shape
    kh, kw, _, m = w.shape
    if c == 0:
        return _conv(x, sh.reshape(w, (kh, kw, 0, 0)), geo)
    # one convolution per channel: the channels are a leading (broadcast) axis of both
    out = _conv(sh.expand_dims(sh.transpose(x, (3, 0, 1, 2)), -1),      # (C, N, H, W, 1)
                sh.expand_dims(sh.transpose(w, (2, 0, 1, 3)), 3), geo)  # (C, kh, kw, 1, M)
    return sh.reshape(sh.transpose(out, (1, 2, 3, 0, 4)), (n, ho, wo, c * m))


def conv1d(input: TensorInput, filters: TensorInput, stride: Union[int, Sequence[int]],  # noqa: A002
           padding: str, data_format: str = "NWC", dilations: Optional[Union[int, Sequence[int]]] = None, name: Optional[str] = None) -> Tensor:
    """1-D convolution of ``input [N, W, C_in]`` with ``filters [k, C_in, C_out]``
    (a ``conv2d`` over a height of 1).

    >>> import gradtape as tf
    >>> x = tf.constant([[[1.0], [2.0], [3.0]]])
    >>> tf.nn.conv1d(x, tf.ones((2, 1, 1)), stride=1, padding="VALID")[0, :, 0].numpy()
    array([3., 5.], dtype=float32)
    """
    x, w, stride, dilation, padding = _one_d(input, filters, stride, dilations, padding,
                                             data_format, "conv1d", "in_channels, out_channels")
    out = conv2d(x, w, [1, stride], padding, dilations=[1, dilation])
    return sh.squeeze(out, [1])


def _one_d(x, w, stride, dilations, padding, data_format, opname, channels):
    """A 1-D convolution's operands as a 2-D one's over a height of 1, and its
    stride, dilation and padding checked."""
    _nhwc(data_format, opname, "NWC")
    x, w = tensor(x), tensor(w)
    if x._value.ndim != 3 or w._value.ndim != 3:
        raise InvalidArgumentError(
            f"{opname}: input must be 3-dimensional [batch, width, channels] and filters "
            f"[width, {channels}], got shapes {list(x._value.shape)} and "
            f"{list(w._value.shape)}")
    stride = _spatial(stride, "stride", opname, spatial=1)[0]
    dilation = _spatial(1 if dilations is None else dilations, "dilations", opname,
                        spatial=1)[0]
    padding = _padding(padding, opname, explicit_ok=False)
    return sh.expand_dims(x, 1), sh.expand_dims(w, 0), stride, dilation, padding


def _static_ints(value, argname, opname):
    """A shape given as a list, tuple or integer tensor, as Python ints."""
    try:
        return [int(v) for v in np.asarray(value._value if hasattr(value, "_value") else value)]
    except (TypeError, ValueError):
        raise TypeError(f"{opname}: {argname} must be a list of ints or an integer tensor, "
                        f"got {value!r}") from None


def conv2d_transpose(input: TensorInput, filters: TensorInput,  # noqa: A002
                     output_shape: Union[Sequence[int], Tensor],
                     strides: Union[int, Sequence[int]], padding: str = "SAME",
                     data_format: str = "NHWC",
                     dilations: Optional[Union[int, Sequence[int]]] = None,
                     name: Optional[str] = None) -> Tensor:
    """The transpose of ``conv2d`` (the gradient of a convolution with respect to
    its input): ``input [N, H, W, C_in]`` with ``filters [kh, kw, C_out, C_in]``
    gives ``output_shape [N, H', W', C_out]``, for which
    ``conv2d(output, filters, strides, padding)`` has ``input``'s shape.

    >>> import gradtape as tf
    >>> y = tf.nn.conv2d_transpose(tf.ones((1, 2, 2, 1)), tf.ones((2, 2, 1, 1)),
    ...                            output_shape=[1, 4, 4, 1], strides=2, padding="VALID")
    >>> y[0, :, :, 0].numpy()
    array([[1., 1., 1., 1.],
           [1., 1., 1., 1.],
           [1., 1., 1., 1.],
           [1., 1., 1., 1.]], dtype=float32)
    """
    opname = "conv2d_transpose"
    _nhwc(data_format, opname)
    g, w = _conv_operands(input, filters, opname, transposed=True)
    out_shape = _static_ints(output_shape, "output_shape", opname)
    if len(out_shape) != 4:
        raise ValueError(f"{opname}: output_shape must have 4 elements (NHWC), "
                         f"got {out_shape}")
    n, c_in = g._value.shape[0], g._value.shape[3]
    if out_shape[0] != n:
        raise InvalidArgumentError(
            f"{opname}: input and out_backprop must have the same batch size: output_shape "
            f"has batch {out_shape[0]}, input has {n}")
    if out_shape[3] != w._value.shape[2]:
        raise InvalidArgumentError(
            f"{opname}: output_shape's depth {out_shape[3]} must equal the filters' "
            f"dimension 2 ({w._value.shape[2]})")
    strides = _spatial(strides, "strides", opname)
    dilations = _spatial(1 if dilations is None else dilations, "dilations", opname)
    padding = _padding(padding, opname)
    hw, pads = _geometry(out_shape[1:3], w._value.shape[:2], strides, dilations, padding, opname)
    if tuple(hw) != tuple(g._value.shape[1:3]):
        raise InvalidArgumentError(
            f"{opname}: a conv2d of output_shape {out_shape} with these filters, strides and "
            f"padding gives height and width {list(hw)}, but input has "
            f"{list(g._value.shape[1:3])} (channels {c_in})")
    return _input_grad(g, w, out_shape[1:3],
                       {"strides": strides, "dilations": dilations, "pads": pads})


def conv1d_transpose(input: TensorInput, filters: TensorInput,  # noqa: A002
                     output_shape: Union[Sequence[int], Tensor],
                     strides: Union[int, Sequence[int]], padding: str = "SAME",
                     data_format: str = "NWC",
                     dilations: Optional[Union[int, Sequence[int]]] = None,
                     name: Optional[str] = None) -> Tensor:
    """The transpose of ``conv1d``: ``input [N, W, C_in]`` with ``filters
    [k, C_out, C_in]`` gives ``output_shape [N, W', C_out]`` (a
    ``conv2d_transpose`` over a height of 1).

    >>> import gradtape as tf
    >>> tf.nn.conv1d_transpose(tf.ones((1, 2, 1)), tf.ones((2, 1, 1)), [1, 3, 1], 1,
    ...                        "VALID")[0, :, 0].numpy()
    array([1., 2., 1.], dtype=float32)
    """
    x, w, stride, dilation, padding = _one_d(
        input, filters, strides, dilations, padding, data_format, "conv1d_transpose",
        "out_channels, in_channels")
    shape = _static_ints(output_shape, "output_shape", "conv1d_transpose")
    if len(shape) != 3:
        raise ValueError(f"conv1d_transpose: output_shape must have 3 elements (NWC), "
                         f"got {shape}")
    out = conv2d_transpose(x, w, [shape[0], 1] + shape[1:], [1, stride], padding,
                           dilations=[1, dilation])
    return sh.squeeze(out, [1])


def convolution(input: TensorInput, filters: TensorInput, strides: Union[int, Sequence[int], None] = None,  # noqa: A002
                padding: str = "VALID", data_format: Optional[str] = None,
                dilations: Optional[Union[int, Sequence[int]]] = None,
                name: Optional[str] = None) -> Tensor:
    """``conv1d`` or ``conv2d`` chosen by the rank of ``input`` (3 or 4), as
    TensorFlow's rank-generic ``tf.nn.convolution``.

    >>> import gradtape as tf
    >>> tf.nn.convolution(tf.ones((1, 3, 3, 1)), tf.ones((2, 2, 1, 1))).shape
    TensorShape([1, 2, 2, 1])
    """
    rank = tensor(input)._value.ndim
    strides = 1 if strides is None else strides
    if rank == 3:
        return conv1d(input, filters, strides, padding, data_format or "NWC", dilations)
    if rank == 4:
        return conv2d(input, filters, strides, padding, data_format or "NHWC", dilations)
    raise UnimplementedError(f"convolution: inputs of rank 3 (1-D) and 4 (2-D) are supported, "
                             f"got rank {rank}")


def pool(input: TensorInput, window_shape: Sequence[int], pooling_type: str,  # noqa: A002
         strides: Optional[Sequence[int]] = None, padding: str = "VALID",
         data_format: Optional[str] = None, dilations: Optional[Sequence[int]] = None,
         name: Optional[str] = None) -> Tensor:
    """Max or average pooling (``pooling_type`` ``"MAX"`` or ``"AVG"``) over the
    spatial axes of a rank-3 or rank-4 ``input``, as TensorFlow's ``tf.nn.pool``.

    >>> import gradtape as tf
    >>> tf.nn.pool(tf.reshape(tf.range(4.0), (1, 2, 2, 1)), [2, 2], "MAX")[0, :, :, 0].numpy()
    array([[3.]], dtype=float32)
    """
    if dilations is not None and any(int(d) != 1 for d in np.ravel(dilations)):
        raise UnimplementedError("pool: dilated pooling is not supported")
    pools = {"MAX": max_pool, "AVG": avg_pool}
    if pooling_type not in pools:
        raise ValueError(f"pool: pooling_type must be 'MAX' or 'AVG', got {pooling_type!r}")
    strides = window_shape if strides is None else strides
    return pools[pooling_type](input, list(window_shape), list(strides), padding, data_format)


# ---------------------------------------------------------------------------
# max pooling
# ---------------------------------------------------------------------------

def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _first_max_taps(x, ksize, strides, pads):
    """The max of each window and the index (i * kw + j) of its first maximum."""
    xp_ = _pad(x, pads, _lowest(x.dtype))
    out_hw = _out_hw(xp_.shape[-3], xp_.shape[-2], ksize, strides, (1, 1))
    best = xp_[_tap_slices(0, 0, out_hw, strides, (1, 1))].copy()
    tap = np.zeros(best.shape, dtype=np.intp)
    for t in range(1, ksize[0] * ksize[1]):
        v = xp_[_tap_slices(t // ksize[1], t % ksize[1], out_hw, strides, (1, 1))]
        better = v > best
        np.copyto(best, v, where=better)
        tap[better] = t
    return best, tap


def _max_pool_impl(x, ksize, strides, pads):
    return _first_max_taps(x, ksize, strides, pads)[0]


def _argmax_flat(x, ksize, strides, pads):
    """For each output of a max pool of ``x`` (N, H, W, C), the flat index in ``x``
    of the element it took."""
    _, tap = _first_max_taps(x, ksize, strides, pads)
    n, h, w, c = x.shape
    _, ho, wo, _ = tap.shape
    rows = (np.arange(ho) * strides[0] - pads[0][0])[:, None, None] + tap // ksize[1]
    cols = (np.arange(wo) * strides[1] - pads[1][0])[None, :, None] + tap % ksize[1]
    return ((np.arange(n)[:, None, None, None] * h + rows) * w + cols) * c + np.arange(c)


def _max_pool_scatter_impl(g, x, ksize, strides, pads):
    """``g`` (..., N, Ho, Wo, C) added at each window's first maximum of ``x``."""
    idx = _argmax_flat(x, ksize, strides, pads).ravel()
    lead = g.shape[:g.ndim - 4]
    copies = int(np.prod(lead, dtype=np.intp))
    flat = (idx + np.arange(copies)[:, None] * x.size).ravel()
    out = np.bincount(flat, weights=g.reshape(-1), minlength=copies * x.size)
    return out.astype(g.dtype, copy=False).reshape(lead + x.shape)


def _max_pool_gather_impl(t, x, ksize, strides, pads):
    """``t`` (..., N, H, W, C) read at each window's first maximum of ``x``."""
    idx = _argmax_flat(x, ksize, strides, pads)
    lead = t.shape[:t.ndim - 4]
    return t.reshape(lead + (-1,))[..., idx.ravel()].reshape(lead + idx.shape)


def _scatter(g, x, p):
    return apply(_MAX_POOL_SCATTER, (g, x), p)


def _gather(t, x, p):
    return apply(_MAX_POOL_GATHER, (t, x), p)


_MAX_POOL = defop(
    "max_pool", **_numpy_only(_max_pool_impl, "max_pool"),
    vjp=lambda ct, ans, x, **p: _scatter(ct, x, p),
    jvp=lambda ts, ans, x, **p: _gather(ts[0], x, p))
# both are linear in their first input; the max positions do not move under a
# small change of x, so the derivative with respect to x is zero
_MAX_POOL_SCATTER = defop(
    "max_pool_grad", **_numpy_only(_max_pool_scatter_impl, "max_pool_grad"),
    vjp=(lambda ct, ans, g, x, **p: _gather(ct, x, p), None),
    jvp=lambda ts, ans, g, x, **p: None if ts[0] is None else _scatter(ts[0], x, p))
_MAX_POOL_GATHER = defop(
    "max_pool_gather", **_numpy_only(_max_pool_gather_impl, "max_pool_gather"),
    vjp=(lambda ct, ans, t, x, **p: _scatter(ct, x, p), None),
    jvp=lambda ts, ans, t, x, **p: None if ts[0] is None else _gather(ts[0], x, p))


def _pool_args(input, ksize, strides, padding, data_format, opname, floating,  # noqa: A002
               explicit_ok=False):
    _nhwc(data_format, opname)
    x = tensor(input)
    if x._value.ndim != 4:
        raise InvalidArgumentError(f"{opname}: input must be 4-dimensional [batch, height, "
                                   f"width, channels], got shape {list(x._value.shape)}")
    if kind(x._value.dtype) not in ("f" if floating else "fi"):
        raise TypeError(f"{opname}: input must be a floating-point tensor"
                        f"{'' if floating else ' or an integer tensor'}, got {x.dtype.name}")
    ksize = _spatial(ksize, "ksize", opname)
    strides = _spatial(strides, "strides", opname)
    padding = _padding(padding, opname, explicit_ok=explicit_ok)
    _, pads = _geometry(x._value.shape[1:3], ksize, strides, (1, 1), padding, opname)
    return x, {"ksize": ksize, "strides": strides, "pads": pads}


def max_pool2d(input: TensorInput, ksize: Union[int, Sequence[int]], strides: Union[int, Sequence[int]],
               padding: str, data_format: str = "NHWC", name: Optional[str] = None) -> Tensor:
    """The max of each ``ksize`` window of NHWC images.  The gradient goes to
    the first maximum of each window (TensorFlow's CPU kernel).  ``padding`` is
    'SAME', 'VALID' or explicit ``[[0, 0], [top, bottom], [left, right], [0, 0]]``
    (padding never wins a window).

    >>> import gradtape as tf
    >>> x = tf.reshape(tf.range(16.0), (1, 4, 4, 1))
    >>> tf.nn.max_pool2d(x, ksize=2, strides=2, padding="VALID")[0, :, :, 0].numpy()
    array([[ 5.,  7.],
           [13., 15.]], dtype=float32)
    """
    x, p = _pool_args(input, ksize, strides, padding, data_format, "max_pool2d", False,
                      explicit_ok=True)
    return apply(_MAX_POOL, (x,), p)


# ---------------------------------------------------------------------------
# average pooling
# ---------------------------------------------------------------------------

def _counts_1d(size, out, k, stride, before):
    """How many non-padding elements each window of one axis holds."""
    start = np.arange(out) * stride - before
    return np.minimum(start + k, size) - np.maximum(start, 0)


def _window_counts(input_hw, out_hw, ksize, strides, pads):
    rows = _counts_1d(input_hw[0], out_hw[0], ksize[0], strides[0], pads[0][0])
    cols = _counts_1d(input_hw[1], out_hw[1], ksize[1], strides[1], pads[1][0])
    return (rows[:, None] * cols[None, :])[:, :, None]


def _avg_pool_impl(x, ksize, strides, pads):
    xp_ = _pad(x, pads)
    out_hw = _out_hw(xp_.shape[-3], xp_.shape[-2], ksize, strides, (1, 1))
    total = xp_[_tap_slices(0, 0, out_hw, strides, (1, 1))].copy()
    for t in range(1, ksize[0] * ksize[1]):
        total += xp_[_tap_slices(t // ksize[1], t % ksize[1], out_hw, strides, (1, 1))]
    counts = _window_counts(x.shape[-3:-1], out_hw, ksize, strides, pads)
    return total / counts.astype(x.dtype)


def _avg_pool_grad_impl(g, input_hw, ksize, strides, pads):
    out_hw = g.shape[-3:-1]
    share = g / _window_counts(input_hw, out_hw, ksize, strides, pads).astype(g.dtype)
    (pt, pb), (pl, pr) = pads
    h, w = input_hw
    out = np.zeros(g.shape[:-3] + (h + pt + pb, w + pl + pr, g.shape[-1]), dtype=g.dtype)
    for t in range(ksize[0] * ksize[1]):
        out[_tap_slices(t // ksize[1], t % ksize[1], out_hw, strides, (1, 1))] += share
    return np.ascontiguousarray(out[..., pt:pt + h, pl:pl + w, :])


_AVG_POOL = defop(
    "avg_pool", **_numpy_only(_avg_pool_impl, "avg_pool"), linear=True, save="none",
    vjp=lambda ct, ans, x, **p: apply(_AVG_POOL_GRAD, (ct,),
                                      dict(p, input_hw=tuple(x.shape[-3:-1]))))
_AVG_POOL_GRAD = defop(
    "avg_pool_grad", **_numpy_only(_avg_pool_grad_impl, "avg_pool_grad"), linear=True, save="none",
    vjp=lambda ct, ans, g, input_hw, **p: apply(_AVG_POOL, (ct,), p))


def avg_pool2d(input: TensorInput, ksize: Union[int, Sequence[int]], strides: Union[int, Sequence[int]],
               padding: str, data_format: str = "NHWC", name: Optional[str] = None) -> Tensor:
    """The mean of each ``ksize`` window of NHWC images; with 'SAME' padding a
    window's mean is over its non-padding elements only (as in TensorFlow).

    >>> import gradtape as tf
    >>> x = tf.reshape(tf.range(16.0), (1, 4, 4, 1))
    >>> tf.nn.avg_pool2d(x, ksize=2, strides=2, padding="VALID")[0, :, :, 0].numpy()
    array([[ 2.5,  4.5],
           [10.5, 12.5]], dtype=float32)
    """
    x, p = _pool_args(input, ksize, strides, padding, data_format, "avg_pool2d", True)
    return apply(_AVG_POOL, (x,), p)


# ---------------------------------------------------------------------------
# rank-generic and 1-D pooling
# ---------------------------------------------------------------------------

def _pool1d(pool2d, input, ksize, strides, padding, data_format, opname):  # noqa: A002
    _nhwc(data_format, opname, "NWC")
    x = tensor(input)
    if x._value.ndim != 3:
        raise InvalidArgumentError(f"{opname}: input must be 3-dimensional [batch, width, "
                                   f"channels], got shape {list(x._value.shape)}")
    k = _spatial(ksize, "ksize", opname, spatial=1)[0]
    s = _spatial(strides, "strides", opname, spatial=1)[0]
    return sh.squeeze(pool2d(sh.expand_dims(x, 1), [1, k], [1, s], padding), [1])


def max_pool1d(input: TensorInput, ksize: Union[int, Sequence[int]], strides: Union[int, Sequence[int]],
               padding: str, data_format: str = "NWC", name: Optional[str] = None) -> Tensor:
    """The max of each ``ksize`` window along the width of ``input [N, W, C]``.

    >>> import gradtape as tf
    >>> tf.nn.max_pool1d(tf.constant([[[1.0], [3.0], [2.0], [0.0]]]), 2, 2, "VALID")[0, :, 0].numpy()
    array([3., 2.], dtype=float32)
    """
    return _pool1d(max_pool2d, input, ksize, strides, padding, data_format, "max_pool1d")


def avg_pool1d(input: TensorInput, ksize: Union[int, Sequence[int]], strides: Union[int, Sequence[int]],
               padding: str, data_format: str = "NWC", name: Optional[str] = None) -> Tensor:
    """The mean of each ``ksize`` window along the width of ``input [N, W, C]``.

    >>> import gradtape as tf
    >>> tf.nn.avg_pool1d(tf.constant([[[1.0], [3.0], [2.0], [0.0]]]), 2, 2, "VALID")[0, :, 0].numpy()
    array([2., 1.], dtype=float32)
    """
    return _pool1d(avg_pool2d, input, ksize, strides, padding, data_format, "avg_pool1d")


def _pool_by_rank(input, opname, pool1d, pool2d):  # noqa: A002
    rank = tensor(input)._value.ndim
    if rank == 3:
        return pool1d
    if rank == 4:
        return pool2d
    raise UnimplementedError(f"{opname}: inputs of rank 3 (NWC) and 4 (NHWC) are supported, "
                             f"got rank {rank}")


def max_pool(input: TensorInput, ksize: Union[int, Sequence[int]], strides: Union[int, Sequence[int]],
             padding: str, data_format: Optional[str] = None, name: Optional[str] = None) -> Tensor:
    """``max_pool1d`` for a rank-3 input, ``max_pool2d`` for a rank-4 one.

    >>> import gradtape as tf
    >>> tf.nn.max_pool(tf.ones((1, 4, 4, 2)), ksize=2, strides=2, padding="SAME").shape
    TensorShape([1, 2, 2, 2])
    """
    pool = _pool_by_rank(input, "max_pool", max_pool1d, max_pool2d)
    return pool(input, ksize, strides, padding, data_format=data_format or
                ("NWC" if pool is max_pool1d else "NHWC"))


def avg_pool(input: TensorInput, ksize: Union[int, Sequence[int]], strides: Union[int, Sequence[int]],
             padding: str, data_format: Optional[str] = None, name: Optional[str] = None) -> Tensor:
    """``avg_pool1d`` for a rank-3 input, ``avg_pool2d`` for a rank-4 one.

    >>> import gradtape as tf
    >>> tf.nn.avg_pool(tf.ones((1, 4, 2)), ksize=2, strides=2, padding="VALID").shape
    TensorShape([1, 2, 2])
    """
    pool = _pool_by_rank(input, "avg_pool", avg_pool1d, avg_pool2d)
    return pool(input, ksize, strides, padding, data_format=data_format or
                ("NWC" if pool is avg_pool1d else "NHWC"))


# ---------------------------------------------------------------------------
# embedding_lookup
# ---------------------------------------------------------------------------

def embedding_lookup(params: TensorInput, ids: TensorInput, max_norm: Optional[float] = None,
                     name: Optional[str] = None) -> Tensor:
    """Rows of ``params`` at ``ids`` (any shape): ``gather(params, ids)`` along
    axis 0, with shape ``ids.shape + params.shape[1:]``.

    >>> import gradtape as tf
    >>> table = tf.constant([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    >>> tf.nn.embedding_lookup(table, [[2], [0]]).numpy()
    array([[[4., 5.]],
    <BLANKLINE>
           [[0., 1.]]], dtype=float32)
    """
    if max_norm is not None:
        raise UnimplementedError("embedding_lookup: max_norm is not supported; clip the "
                                 "rows with tf.clip_by_norm instead")
    if isinstance(params, (list, tuple)):
        if len(params) != 1:
            raise UnimplementedError("embedding_lookup: a list of sharded params is not "
                                     "supported; concatenate them first")
        params = params[0]
    return ix.gather(params, ids)


if not TYPE_CHECKING:  # a type checker reads the module's own public names
    __all__ = public_names(globals())
