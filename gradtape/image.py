"""``gradtape.image``: the image ops of TensorFlow's ``tf.image`` gradtape has.

Images are ``[..., height, width, channels]``.

>>> import gradtape as tf
>>> tf.image.adjust_contrast([[[0.0], [1.0]]], 3.0).numpy().ravel()
array([-1.,  2.], dtype=float32)
"""
from __future__ import annotations
from typing import Any

from ._core.convert import convert_to_tensor
from ._core.errors import InvalidArgumentError, NotFoundError
from ._core.tensor import Tensor, TensorLike
from .custom import custom_gradient
from .dtypes import saturate_cast
from .rules import cast, multiply, reduce_mean, stop_gradient
from .rules.rearrange import extract_patches
from .typing import TensorInput
from ._missing import missing_names as _missing_names

__all__ = ["adjust_contrast", "extract_patches"]


def _no_gradient(kernel):
    def grad(*upstream: Any) -> Any:
        raise LookupError(f"gradient registry has no entry for: {kernel}")
    return grad


@custom_gradient
def _adjust_contrast_v2(images, contrast_factor):
    """TensorFlow's ``AdjustContrastv2`` kernel on float32 images: no gradient
    (asking for one raises ``LookupError``, in reverse and forward mode)."""
    mean = reduce_mean(images, axis=(-3, -2), keepdims=True)
    out = stop_gradient((images - mean) * contrast_factor + mean)
    return out, _no_gradient("AdjustContrastv2")


def _to_float32(images):
    """TensorFlow's ``convert_image_dtype`` to float32: integers scaled to [0, 1]."""
    if images.dtype.is_floating:
        return cast(images, "float32")
    return multiply(cast(images, "float32"), convert_to_tensor(1.0 / images.dtype.max))


def _from_float32(images, dtype):
    """TensorFlow's ``convert_image_dtype(..., saturate=True)`` from float32."""
    if dtype.is_floating:
        return cast(images, dtype)
    return saturate_cast(multiply(images, convert_to_tensor(dtype.max + 0.5)), dtype)


def _contrast_factor(contrast_factor):
    if isinstance(contrast_factor, TensorLike) and contrast_factor.dtype != "float32":
        raise InvalidArgumentError(
            "cannot compute AdjustContrastv2 as input #1(zero-based) was expected to be a float "
            f"tensor but is a {contrast_factor.dtype.name} tensor")
    factor = convert_to_tensor(contrast_factor, dtype="float32")
    if factor.shape.rank != 0:
        raise InvalidArgumentError(
            f"contrast_factor must be scalar: {factor.shape.as_list()}")
    return factor


def adjust_contrast(images: TensorInput, contrast_factor: TensorInput) -> Tensor:
    """Scale each channel's distance from its mean over height and width by
    ``contrast_factor``: ``(x - mean) * contrast_factor + mean``.

    Floating images are computed in float32 (float16 has no kernel: ``NotFoundError``,
    as in TensorFlow's CPU build); integer images are scaled to [0, 1] and back,
    clipped to their dtype.  As TensorFlow's, the op has no gradient: a tape or
    accumulator asked for one through it raises ``LookupError``.

    >>> import gradtape as tf
    >>> image = tf.constant([[[0.25, 1.0], [0.75, 0.0]]])   # 1 x 2 pixels, 2 channels
    >>> tf.image.adjust_contrast(image, 2.0).numpy()
    array([[[ 0. ,  1.5],
            [ 1. , -0.5]]], dtype=float32)
    """
    images = convert_to_tensor(images)
    if images.shape.rank is not None and images.shape.rank < 3:
        dims = ",".join(str(d) for d in images.shape.as_list())
        raise InvalidArgumentError(f"input must be at least 3-D, got shape[{dims}]")
    if not (images.dtype.is_floating or images.dtype.is_integer):
        raise TypeError(f"adjust_contrast: images must be floating or integer, "
                        f"got {images.dtype.name}")
    factor = _contrast_factor(contrast_factor)
    if images.dtype == "float16":
        raise NotFoundError("Could not find device for node: AdjustContrastv2[T=DT_HALF]: "
                            "TensorFlow has no float16 kernel for adjust_contrast; cast to float32")
    if images.dtype.is_floating and images.dtype != "float64":
        return _adjust_contrast_v2(images, factor)
    return _from_float32(_adjust_contrast_v2(_to_float32(images), factor), images.dtype)


__getattr__ = _missing_names("gradtape.image", "tf.image")
