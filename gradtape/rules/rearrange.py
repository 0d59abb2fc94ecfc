"""Ops that move elements around: ``reverse_sequence``, ``space_to_depth``,
``depth_to_space``, ``extract_patches``, ``dynamic_partition`` and
``dynamic_stitch``.

All but ``dynamic_stitch`` pick each output element from one input element,
so each is the indexing primitive (``indexing.py``) under its own name, with
the source coordinates worked out in NumPy: its transpose adds the cotangent
back where the element came from (patches that overlap add up).
``dynamic_stitch`` is a primitive of its own because TensorFlow's gradient
gives every data element the cotangent at its index, also the elements a later
one overwrote.
"""
from __future__ import annotations
import numbers

from .._core.tensor import TensorLike, wrap
from ..errors import InvalidArgumentError, NotFoundError, UnimplementedError
from .indexing import _index, _index_op, gather
from .shape import _zeros_batched, expand_dims, pad
from ._util import NP, apply, defop, public_names, tensor
from typing import Any, List, Optional, Sequence, TYPE_CHECKING
from .._core.types import Tensor, TensorInput

_REVERSE_SEQUENCE = _index_op("reverse_sequence")
_SPACE_TO_DEPTH = _index_op("space_to_depth")
_DEPTH_TO_SPACE = _index_op("depth_to_space")
_EXTRACT_PATCHES = _index_op("extract_patches")
_DYNAMIC_PARTITION = _index_op("dynamic_partition")


def _int_array(value, opname, what, error=TypeError):
    """An integer list or tensor as a NumPy array (floats are an ``error``)."""
    a = NP.asarray(value.numpy() if isinstance(value, TensorLike) else value)
    if a.dtype.kind not in "iu" and a.size:
        raise error(f"{opname}: {what} must be integers (int32 or int64), got {a.dtype.name} "
                        f"values {value!r}")
    return a.astype(NP.int64)


def _gather_coordinates(op, x, coordinates):
    """``x`` at ``coordinates`` (one integer array per axis of ``x``, all of the output's shape)."""
    return _index(op, x, tuple(NP.asarray(c, NP.intp) for c in coordinates))


def _dims(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def _kernel_error(opname, message):
    return InvalidArgumentError(f"{message} [Op:{opname}]")


# ---------------------------------------------------------------------------
# reverse_sequence
# ---------------------------------------------------------------------------

def _sequence_axes(rank, seq_axis, batch_axis):
    if seq_axis is None:
        raise TypeError("Expected int for argument 'seq_dim' not None.")
    batch_axis = 0 if batch_axis is None else batch_axis
    if seq_axis < 0 or seq_axis >= rank:
        raise _kernel_error("ReverseSequence", f"Invalid seq_dim {seq_axis}" if seq_axis < 0 else
                            f"seq_dim must be < input rank ( {seq_axis} vs. {rank})")
    if batch_axis < 0 or batch_axis >= rank:
        raise _kernel_error("ReverseSequence", f"batch_dim must be < input rank ( {batch_axis} "
                                               f"vs. {rank})")
    if seq_axis == batch_axis:
        raise _kernel_error("ReverseSequence", f"batch_dim == seq_dim == {seq_axis}")
    return seq_axis, batch_axis


def reverse_sequence(input: TensorInput, seq_lengths: TensorInput, seq_axis: Optional[int] = None,
                     batch_axis: Optional[int] = None, name: Optional[str] = None) -> Tensor:
    """For each ``b`` along ``batch_axis``, the first ``seq_lengths[b]`` elements
    along ``seq_axis`` in reverse order (the rest unchanged).

    >>> import gradtape as tf
    >>> x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> tf.reverse_sequence(x, [2, 3], seq_axis=1, batch_axis=0).numpy()
    array([[2., 1., 3.],
           [6., 5., 4.]], dtype=float32)
    """
    x = tensor(input)
    shape = x._value.shape
    seq_axis, batch_axis = _sequence_axes(len(shape), seq_axis, batch_axis)
    lengths = _int_array(seq_lengths, "reverse_sequence", "seq_lengths", InvalidArgumentError)
    if lengths.shape != (shape[batch_axis],):
        raise _kernel_error("ReverseSequence", f"Length of seq_lengths != input.dims({batch_axis}), "
                                               f"({lengths.size} vs. {shape[batch_axis]})")
    for b, n in enumerate(lengths):
        if n < 0 or n > shape[seq_axis]:
            relation = "< 0" if n < 0 else f"> input.dims({seq_axis})"
            raise _kernel_error("ReverseSequence", f"seq_lens({b}) {relation}")
    coordinates = list(NP.indices(shape, sparse=True))
    position = coordinates[seq_axis]
    length = NP.expand_dims(lengths, tuple(a for a in range(len(shape)) if a != batch_axis))
    coordinates[seq_axis] = NP.where(position < length, length - 1 - position, position)
    return _gather_coordinates(_REVERSE_SEQUENCE, x, NP.broadcast_arrays(*coordinates))


# ---------------------------------------------------------------------------
# space_to_depth, depth_to_space, extract_patches
# ---------------------------------------------------------------------------

def _check_nhwc(x, opname, block_size, data_format):
    if data_format == "NCHW":
        raise NotFoundError(f"Could not find device for node: {opname}[data_format=\"NCHW\"]: "
                            "TensorFlow's CPU kernel is NHWC only; transpose to NHWC")
    if data_format != "NHWC":
        raise InvalidArgumentError(f"{opname}: data_format must be 'NHWC' or 'NCHW', "
                                   f"got {data_format!r}")
    if not isinstance(block_size, numbers.Integral) or isinstance(block_size, bool):
        raise TypeError(f"Expected int for argument 'block_size' not {block_size!r}.")
    if block_size < 2:
        raise InvalidArgumentError(f"Value for attr 'block_size' of {block_size} must be at "
                                   f"least minimum 2 [Op:{opname}]")
    if x._value.ndim != 4:
        raise _kernel_error(opname, f"Input rank should be 4 instead of {x._value.ndim}")


def _patch_coordinates(shape, size, stride, rate):
    """The (batch, row, column, channel) source of each output element of
    patches ``size`` taken every ``stride`` with dilation ``rate``, output
    axes (batch, out row, out column, kernel row, kernel column, channel)."""
    batch, height, width, channels = shape
    (kh, kw), (sh, sw), (rh, rw) = size, stride, rate
    rows = (height - (kh - 1) * rh - 1) // sh + 1 if height >= (kh - 1) * rh + 1 else 0
    cols = (width - (kw - 1) * rw - 1) // sw + 1 if width >= (kw - 1) * rw + 1 else 0
    b, i, j, ki, kj, c = NP.ix_(range(batch), range(rows), range(cols), range(kh), range(kw),
                                range(channels))
    coordinates = NP.broadcast_arrays(b, i * sh + ki * rh, j * sw + kj * rw, c)
    out_shape = (batch, rows, cols, kh * kw * channels)
    return [a.reshape(out_shape) for a in coordinates]


def space_to_depth(input: TensorInput, block_size: int, data_format: str = "NHWC",
                   name: Optional[str] = None) -> Tensor:
    """Each ``block_size x block_size`` block of an NHWC image moved into the
    channels: ``[b, h, w, c]`` becomes ``[b, h / bs, w / bs, bs * bs * c]``,
    channels ordered by block row, block column, then input channel.

    >>> import gradtape as tf
    >>> tf.nn.space_to_depth(tf.reshape(tf.range(4.0), (1, 2, 2, 1)), 2).numpy()
    array([[[[0., 1., 2., 3.]]]], dtype=float32)
    """
    x = tensor(input)
    _check_nhwc(x, "SpaceToDepth", block_size, data_format)
    _, height, width, _ = x._value.shape
    if height % block_size or width % block_size:
        raise _kernel_error("SpaceToDepth", f"Image width {width} and height {height} should be "
                                            f"divisible by block_size: {block_size}")
    block = (block_size, block_size)
    return _gather_coordinates(_SPACE_TO_DEPTH, x,
                               _patch_coordinates(x._value.shape, block, block, (1, 1)))


def depth_to_space(input: TensorInput, block_size: int, data_format: str = "NHWC",
                   name: Optional[str] = None) -> Tensor:
    """The inverse of ``space_to_depth``: ``[b, h, w, bs * bs * c]`` becomes
    ``[b, h * bs, w * bs, c]``, each pixel's channels spread over a block.

    >>> import gradtape as tf
    >>> tf.nn.depth_to_space(tf.reshape(tf.range(4.0), (1, 1, 1, 4)), 2).numpy()[0, ..., 0]
    array([[0., 1.],
           [2., 3.]], dtype=float32)
    """
    x = tensor(input)
    _check_nhwc(x, "DepthToSpace", block_size, data_format)
    batch, height, width, depth = x._value.shape
    if depth % (block_size * block_size):
        raise _kernel_error("DepthToSpace", f"Input depth dimension {depth} should be divisible "
                                            f"by: {block_size * block_size}")
    channels = depth // (block_size * block_size)
    b, i, j, c = NP.ix_(range(batch), range(height * block_size), range(width * block_size),
                        range(channels))
    depth_index = ((i % block_size) * block_size + j % block_size) * channels + c
    coordinates = NP.broadcast_arrays(b, i // block_size, j // block_size, depth_index)
    return _gather_coordinates(_DEPTH_TO_SPACE, x, coordinates)


def _spatial(values, what):
    values = [int(v) for v in values]
    if len(values) < 4:
        raise InvalidArgumentError(f"Length for attr '{what}' of {len(values)} must be at least "
                                   "minimum 4 [Op:ExtractImagePatches]")
    if len(values) != 4 or values[0] != 1 or values[3] != 1:
        raise _unimplemented_patches(what)
    return values[1], values[2]


def _unimplemented_patches(what):
    return UnimplementedError(f"Only support {what} across space: {what}[0] and {what}[3] "
                              "must be 1 [Op:ExtractImagePatches]")


def _same_padding(size, stride, rate, extent):
    kernel = (size - 1) * rate + 1
    out = -(-extent // stride)
    total = max((out - 1) * stride + kernel - extent, 0)
    return [total // 2, total - total // 2]


def extract_patches(images: TensorInput, sizes: Sequence[int], strides: Sequence[int],
                    rates: Sequence[int], padding: str, name: Optional[str] = None) -> Tensor:
    """The ``sizes[1] x sizes[2]`` patches of NHWC ``images`` taken every
    ``strides`` pixels, their pixels ``rates`` apart, each flattened into the
    channels (patch row, patch column, input channel).  ``"SAME"`` pads with
    zeros as a convolution does; overlapping patches add up in the gradient.

    >>> import gradtape as tf
    >>> images = tf.reshape(tf.range(9.0), (1, 3, 3, 1))
    >>> tf.image.extract_patches(images, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID")[0].numpy()
    array([[[0., 1., 3., 4.],
            [1., 2., 4., 5.]],
    <BLANKLINE>
           [[3., 4., 6., 7.],
            [4., 5., 7., 8.]]], dtype=float32)
    """
    x = tensor(images)
    size, stride, rate = (_spatial(sizes, "ksizes"), _spatial(strides, "strides"),
                          _spatial(rates, "rates"))
    if padding not in ("SAME", "VALID"):
        raise InvalidArgumentError(f"Value for attr 'padding' of \"{padding}\" is not in the list "
                                   "of allowed values: \"SAME\", \"VALID\" [Op:ExtractImagePatches]")
    if x._value.ndim != 4:
        dims = ",".join(str(d) for d in x._value.shape)
        raise _kernel_error("ExtractImagePatches", f"input must be 4-dimensional[{dims}]")
    if padding == "SAME":
        _, height, width, _ = x._value.shape
        x = pad(x, [[0, 0], _same_padding(size[0], stride[0], rate[0], height),
                    _same_padding(size[1], stride[1], rate[1], width), [0, 0]])
    return _gather_coordinates(_EXTRACT_PATCHES, x,
                               _patch_coordinates(x._value.shape, size, stride, rate))


# ---------------------------------------------------------------------------
# dynamic_partition, dynamic_stitch
# ---------------------------------------------------------------------------

def dynamic_partition(data: TensorInput, partitions: TensorInput, num_partitions: int,
                      name: Optional[str] = None) -> List[Tensor]:
    """``num_partitions`` tensors: the ``i``-th holds the slices of ``data``
    whose ``partitions`` entry is ``i``, in order (``partitions``' shape is a
    prefix of ``data``'s).

    >>> import gradtape as tf
    >>> parts = tf.dynamic_partition(tf.constant([10.0, 20.0, 30.0]), [1, 0, 1], 2)
    >>> [p.numpy() for p in parts]
    [array([20.], dtype=float32), array([10., 30.], dtype=float32)]
    """
    x = tensor(data)
    ids = _int_array(partitions, "dynamic_partition", "partitions")
    if ids.ndim == 0:  # one partition id for all of data: data as one slice
        x, ids = expand_dims(x, 0), ids[None]
    shape = x._value.shape
    if shape[:ids.ndim] != ids.shape:
        raise _kernel_error("DynamicPartition", f"data.shape must start with partitions.shape, "
                                                f"got data.shape = {_dims(shape)}, "
                                                f"partitions.shape = {_dims(ids.shape)}")
    bad = NP.flatnonzero((ids < 0) | (ids >= num_partitions))
    if bad.size:
        raise _kernel_error("DynamicPartition", f"partitions[{bad[0]}] = {ids.ravel()[bad[0]]} "
                                                f"is not in [0, {num_partitions})")
    return [_gather_coordinates(_DYNAMIC_PARTITION, x, NP.nonzero(ids == i))
            for i in range(num_partitions)]


def _stitch_impl(xp, *data, indices, rest):
    size = max((int(i.max()) + 1 for i in indices if i.size), default=0)
    flat = NP.concatenate([i.ravel() for i in indices])
    # later entries win: each target's last occurrence
    targets, first_from_end = NP.unique(flat[::-1], return_index=True)
    winners = flat.size - 1 - first_from_end
    rows = [xp.reshape(d, tuple(d.shape[:d.ndim - i.ndim - rest]) + (-1,) + tuple(d.shape[d.ndim - rest:]))
            for d, i in zip(data, indices)]
    stacked = xp.concatenate(rows, axis=-1 - rest)
    lead_and_rest = list(stacked.shape)
    lead_and_rest[stacked.ndim - 1 - rest] = size
    out = xp.zeros(tuple(lead_and_rest), dtype=stacked.dtype)
    at = (Ellipsis, targets) + (slice(None),) * rest
    out[at] = stacked[(Ellipsis, winners) + (slice(None),) * rest]
    return out


def _stitch_not_portable(xp, *data, indices, rest):
    raise UnimplementedError(f"op dynamic_stitch is not supported on {getattr(xp, '__name__', xp)}: "
                             "it assigns at index arrays, which the array API lacks")


def _stitch_vjp(i):
    def vjp(ct, ans, *data, indices, rest):
        return gather(ct, indices[i], axis=ct.ndim - 1 - rest)
    return vjp


def _stitch_jvp(op):
    def jvp(ts, ans, *data, indices, rest):
        t0 = next(t for t in ts if t is not None)
        batch = t0.shape[:t0.ndim - data[0].ndim]
        ts = [t if t is not None else _zeros_batched(x, batch) for t, x in zip(ts, data)]
        return apply(op, ts, {"indices": indices, "rest": rest})
    return jvp


_STITCH_OPS = {}


def _stitch_op(n):
    op = _STITCH_OPS.get(n)
    if op is None:
        op = defop("dynamic_stitch", _stitch_impl, vjp=tuple(_stitch_vjp(i) for i in range(n)),
                   save="none", register_as=not _STITCH_OPS,
                   portable=_stitch_not_portable)
        op.jvp = _stitch_jvp(op)
        _STITCH_OPS[n] = op
    return op


_stitch_op(1)


def dynamic_stitch(indices: Sequence[TensorInput], data: Sequence[TensorInput],
                   name: Optional[str] = None) -> Tensor:
    """The slices of ``data`` put at ``indices`` in one tensor:
    ``merged[indices[m][i]] = data[m][i]``, a later ``(m, i)`` winning a repeated
    index; rows no index names are zeros.

    As TensorFlow's, the gradient gives each slice of ``data`` the cotangent at
    its index, the overwritten ones too.

    >>> import gradtape as tf
    >>> tf.dynamic_stitch([[0, 2], [1, 2]], [[1.0, 2.0], [3.0, 4.0]]).numpy()
    array([1., 3., 4.], dtype=float32)
    """
    if len(indices) != len(data):
        raise ValueError(f"List argument 'data' to 'dynamic_stitch' Op with length {len(data)} "
                         f"must match length {len(indices)} of argument 'indices'.")
    if not data:
        raise InvalidArgumentError("dynamic_stitch needs at least one tensor of data [Op:DynamicStitch]")
    first = tensor(data[0])
    xs = [first] + [tensor(d) if isinstance(d, TensorLike) else wrap(NP.asarray(d, first._value.dtype))
                    for d in data[1:]]
    ids = tuple(_int_array(i, "dynamic_stitch", "indices") for i in indices)
    rest = xs[0]._value.ndim - ids[0].ndim
    for m, (x, i) in enumerate(zip(xs, ids)):
        if x._value.shape[:i.ndim] != i.shape:
            raise _kernel_error("DynamicStitch", f"data[{m}].shape = {_dims(x._value.shape)} does "
                                                 f"not start with indices[{m}].shape = {_dims(i.shape)}")
        if x.dtype != xs[0].dtype or x._value.ndim - i.ndim != rest:
            raise InvalidArgumentError(f"dynamic_stitch: data[{m}] must have data[0]'s dtype and "
                                       f"slice shape [Op:DynamicStitch]")
        if i.size and i.min() < 0:
            first = int(NP.flatnonzero(i.ravel() < 0)[0])
            raise _kernel_error("DynamicStitch", f"indices[{first}] is out of range")
    return apply(_stitch_op(len(xs)), xs, {"indices": ids, "rest": rest})


if not TYPE_CHECKING:  # the top-level names; tf.nn and tf.image import the others
    __all__ = [n for n in public_names(globals())
               if n not in ("space_to_depth", "depth_to_space", "extract_patches")]
