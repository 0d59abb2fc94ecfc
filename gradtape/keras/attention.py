"""Keras 3's attention layers: ``MultiHeadAttention``, ``Attention`` (dot-product or
``"concat"`` scores) and ``AdditiveAttention``.

Weights have Keras 3's names, shapes and order (``MultiHeadAttention``: the ``query``,
``key``, ``value`` and ``attention_output`` projections, each a kernel then a bias), so
TensorFlow's weights given to ``set_weights`` give its outputs. Masks follow Keras' rules:
the masks of ``query``, ``value`` and ``key`` (``_keras_mask``), an ``attention_mask``
and ``use_causal_mask`` are combined; the output carries the query's mask::

    attention = tf.keras.layers.MultiHeadAttention(num_heads=2, key_dim=16)
    outputs = attention(query, value)     # (batch, target length, query features)

As in Keras 3, ``MultiHeadAttention`` takes the masks off the tensors it is called on,
and without ``return_attention_scores`` (nor dropout) it computes TensorFlow's fused
dot-product attention, where a query that may attend to nothing averages all the values;
with the scores, such a query's weights are zeros. Not supported (each raises
``NotImplementedError``): dropout while training (TensorFlow's random masks cannot be
matched), ``MultiHeadAttention`` on inputs of another rank than 3 or over other
``attention_axes``, and its ``use_gate``, ``sliding_window`` and ``flash_attention``.
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from . import initializers, regularizers
from . import _masks
from . import functional as _functional
from .layers import Layer, Softmax, _serialized_initializer
from .._core.convert import convert_to_tensor
from .._core.types import ShapeLike, TensorInput
from ..rules import elementwise as _ew
from ..rules import reductions as _red
from ..rules import shape as _shape_ops
from ..rules.linalg import einsum as _einsum, matmul as _matmul
from .activations import softmax as _softmax

__all__ = ["AdditiveAttention", "Attention", "MultiHeadAttention"]

#: TensorFlow's fused attention puts this (times 0.7) at the masked logits
_FLOAT32_MAX = 3.38953e38


def _refuse_training_dropout(layer, rate, training):
    if training and rate > 0:
        raise NotImplementedError(
            f"{type(layer).__name__} '{layer.name}': dropout={rate} while training is not "
            "supported (TensorFlow's random dropout masks cannot be matched); use dropout=0 "
            "or call with training=False")


def _causal_mask(query_length, value_length):
    """``(1, T, S)`` booleans: query step ``i`` sees value steps ``j <= i`` (Keras')."""
    return convert_to_tensor(np.tril(np.ones((query_length, value_length), bool))[None])


def _all(masks):
    """The logical AND of the masks that are not None (None if all are)."""
    result = None
    for mask in masks:
        if mask is not None:
            mask = _ew.cast(convert_to_tensor(mask), "bool")
            result = mask if result is None else _ew.logical_and(result, mask)
    return result


class _Projection(Layer):
    """Keras' ``EinsumDense`` as ``MultiHeadAttention`` uses it: ``einsum(equation, x,
    kernel) + bias``, the bias over the output's trailing axes."""

    def __init__(self, equation: str, kernel_shape: Tuple[int, ...], bias_shape: Any,
                 kernel_initializer: Any, bias_initializer: Any, kernel_regularizer: Any,
                 bias_regularizer: Any, kernel_constraint: Any, bias_constraint: Any,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.equation = equation
        self.kernel = self.add_weight(kernel_shape, kernel_initializer, name="kernel",
                                      regularizer=kernel_regularizer,
                                      constraint=kernel_constraint)
        self.bias = None if bias_shape is None else self.add_weight(
            bias_shape, bias_initializer, name="bias", regularizer=bias_regularizer,
            constraint=bias_constraint)
        self.built = True

    def call(self, inputs: TensorInput) -> Any:
        outputs = _einsum(self.equation, inputs, self.kernel)
        return outputs if self.bias is None else outputs + self.bias


_QUERY, _VALUE, _KEY = "0_query", "1_value", "2_key"
_QUERY_MASK, _VALUE_MASK, _KEY_MASK, _ATTENTION_MASK = ("3_query_mask", "4_value_mask",
                                                        "5_key_mask", "6_attention_mask")


def _positive_int(value, what):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"Received an invalid value for argument `{what}`, expected a "
                         f"positive integer. Received: {what}={value}")
    return int(value)


class MultiHeadAttention(Layer):
    """Multi-head attention (Keras 3's): ``query`` ``(B, T, dim)`` attends to ``value``
    ``(B, S, dim_v)`` (and ``key``, ``value`` by default) with ``num_heads`` heads of
    ``key_dim`` (``value_dim``) features; the heads' outputs are projected to the
    query's features (or ``output_shape``).

    ``attention_mask`` ``(B, T, S)`` (True: may attend), ``use_causal_mask`` and the
    tensors' own masks restrict the attention; ``return_attention_scores`` adds the
    weights ``(B, num_heads, T, S)``.

    >>> import gradtape as tf
    >>> layer = tf.keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    >>> layer(tf.ones((1, 4, 5)), tf.ones((1, 6, 8))).shape
    TensorShape([1, 4, 5])
    >>> [tuple(w.shape) for w in layer.weights]
    [(5, 2, 3), (2, 3), (8, 2, 3), (2, 3), (8, 2, 3), (2, 3), (2, 3, 5), (5,)]
    """

    supports_masking = True

    def __init__(self, num_heads: int, key_dim: int, value_dim: Optional[int] = None,
                 dropout: float = 0.0, use_bias: bool = True, output_shape: Any = None,
                 attention_axes: Any = None, sliding_window: Optional[int] = None,
                 flash_attention: Optional[bool] = None,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, use_gate: bool = False, seed: Optional[int] = None,
                 **kwargs: Any) -> None:
        self._num_heads = _positive_int(num_heads, "num_heads")
        self._key_dim = _positive_int(key_dim, "key_dim")
        if value_dim is not None:
            value_dim = _positive_int(value_dim, "value_dim")
        for what, given in (("sliding_window", sliding_window), ("flash_attention",
                                                                 flash_attention),
                            ("use_gate", use_gate)):
            if given:
                raise NotImplementedError(f"MultiHeadAttention: {what}={given!r} is not "
                                          "supported in gradtape")
        super().__init__(**kwargs)
        self._value_dim = value_dim or self._key_dim
        self._dropout = float(dropout)
        self._use_bias = bool(use_bias)
        if output_shape:
            output_shape = (output_shape,) if isinstance(output_shape, int) \
                else tuple(output_shape)
        self._output_shape = output_shape or None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError("`attention_axes` must be an int, list, or tuple."
                             f"Received: attention_axes={attention_axes}")
        self._attention_axes = None if attention_axes is None else tuple(attention_axes)
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = kernel_constraint
        self._bias_constraint = bias_constraint
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))

    @property
    def num_heads(self) -> int:
        """The number of heads."""
        return self._num_heads

    @property
    def key_dim(self) -> int:
        """The query's and key's features per head."""
        return self._key_dim

    @property
    def value_dim(self) -> int:
        """The value's features per head."""
        return self._value_dim

    @property
    def dropout(self) -> float:
        """The attention weights' dropout rate."""
        return self._dropout

    @property
    def use_bias(self) -> bool:
        """Whether the projections add a bias."""
        return self._use_bias

    @property
    def attention_axes(self) -> Any:
        """The axes attention runs over (``(1,)`` once built)."""
        return self._attention_axes

    # -- building --------------------------------------------------------
    def _projection(self, name, equation, kernel_shape, bias_shape):
        return _Projection(equation, kernel_shape, bias_shape if self._use_bias else None,
                           type(self._kernel_initializer).from_config(
                               self._kernel_initializer.get_config()),
                           type(self._bias_initializer).from_config(
                               self._bias_initializer.get_config()),
                           self._kernel_regularizer, self._bias_regularizer,
                           self._kernel_constraint, self._bias_constraint, name=name,
                           dtype=self.dtype, activity_regularizer=self._activity_regularizer)

    def build(self, query_shape: ShapeLike, value_shape: ShapeLike,
              key_shape: Optional[ShapeLike] = None) -> None:
        """Create the four projections for inputs of these shapes (each ``(B, steps,
        features)``)."""
        key_shape = value_shape if key_shape is None else key_shape
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError("All dimensions of `value` and `key`, except the last one, must "
                             f"be equal. Received: value_shape={tuple(value_shape)} and "
                             f"key_shape={tuple(key_shape)}")
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise NotImplementedError(
                    f"MultiHeadAttention: a {what} of rank {len(shape)} is not supported in "
                    "gradtape (only (batch, steps, features))")
        if self._attention_axes not in (None, (1,), (-2,), (-3,)):
            raise NotImplementedError(f"MultiHeadAttention: attention_axes="
                                      f"{self._attention_axes} is not supported in gradtape")
        self._attention_axes = (1,)
        heads, key_dim, value_dim = self._num_heads, self._key_dim, self._value_dim
        self._query_dense = self._projection("query", "abc,cde->abde",
                                             (query_shape[-1], heads, key_dim), (heads, key_dim))
        self._key_dense = self._projection("key", "abc,cde->abde",
                                           (key_shape[-1], heads, key_dim), (heads, key_dim))
        self._value_dense = self._projection("value", "abc,cde->abde",
                                             (value_shape[-1], heads, value_dim),
                                             (heads, value_dim))
        output_shape = self._output_shape or (query_shape[-1],)
        letters = "efghij"[:len(output_shape)]
        self._output_dense = self._projection(
            "attention_output", f"abcd,cd{letters}->ab{letters}",
            (heads, value_dim) + tuple(output_shape), tuple(output_shape))
        self._softmax = Softmax(axis=(3,), dtype=self.dtype)

    @property
    def query_dense(self) -> Layer:
        """The query's projection (weights ``query/kernel``, ``query/bias``)."""
        return self._query_dense

    @property
    def key_dense(self) -> Layer:
        """The key's projection."""
        return self._key_dense

    @property
    def value_dense(self) -> Layer:
        """The value's projection."""
        return self._value_dense

    @property
    def output_dense(self) -> Layer:
        """The projection of the heads' outputs (``attention_output``)."""
        return self._output_dense

    # -- calling ---------------------------------------------------------
    def __call__(self, query: TensorInput, value: TensorInput = None,
                 key: Optional[TensorInput] = None, query_mask: Any = None,
                 value_mask: Any = None, key_mask: Any = None, attention_mask: Any = None,
                 return_attention_scores: bool = False, training: Optional[bool] = None,
                 use_causal_mask: bool = False) -> Any:
        options = dict(training=training, return_attention_scores=return_attention_scores,
                       use_causal_mask=use_causal_mask)
        if isinstance(query, dict) and _QUERY in query:   # a functional model's replay
            return super().__call__(query, **options)
        if value is None:
            raise TypeError("MultiHeadAttention: missing the `value` argument")
        # Keras 3 hands a call of several tensors each one's mask (``value_mask``, ...);
        # the query's own mask always wins. The tensors travel together, so that a
        # functional model records them all as the call's inputs.
        query_mask = _masks.get_keras_mask(query)
        if value_mask is None:
            value_mask = _masks.get_keras_mask(value)
        if key_mask is None and key is not None:
            key_mask = _masks.get_keras_mask(key)
        packed = {_QUERY: query, _VALUE: value}
        for name, item in ((_KEY, key), (_QUERY_MASK, query_mask), (_VALUE_MASK, value_mask),
                           (_KEY_MASK, key_mask), (_ATTENTION_MASK, attention_mask)):
            if item is not None:
                packed[name] = item
        if not self.built and not _functional._is_symbolic(packed):
            self.build(tuple(query.shape), tuple(value.shape),
                       None if key is None else tuple(key.shape))
            self.built = True
        outputs = super().__call__(packed, **options)
        for tensor in (query, value, key):   # Keras 3 takes the masks off its inputs
            if tensor is not None and _masks.get_keras_mask(tensor) is not None:
                _masks.set_keras_mask(tensor, None)
        return outputs

    def _build_on_first_call(self, inputs):
        key = inputs.get(_KEY)
        self.build(tuple(inputs[_QUERY].shape), tuple(inputs[_VALUE].shape),
                   None if key is None else tuple(key.shape))
        self.built = True

    def _cast_inputs(self, inputs):
        cast = dict(inputs)
        for name in (_QUERY, _VALUE, _KEY):
            if name in cast:
                cast[name] = super()._cast_inputs(cast[name])
        return cast

    def _populate_masks(self, inputs, args, kwargs):
        return inputs.get(_QUERY_MASK)

    def _first_argument(self, inputs):
        return inputs[_QUERY]

    def call(self, inputs: Dict[str, Any], training: Optional[bool] = None,
             return_attention_scores: bool = False, use_causal_mask: bool = False) -> Any:
        query, value = inputs[_QUERY], inputs[_VALUE]
        key = inputs.get(_KEY, value)
        query_mask = inputs.get(_QUERY_MASK)
        for tensor in (query, value, key):
            _masks.set_keras_mask(tensor, None)
        mask = self._attention_mask(query, value, query_mask, inputs.get(_VALUE_MASK),
                                    inputs.get(_KEY_MASK), inputs.get(_ATTENTION_MASK),
                                    use_causal_mask)
        query = self._query_dense(query)
        key = self._key_dense(key)
        value = self._value_dense(value)
        scores = None
        if self._dropout > 0 or return_attention_scores:
            _refuse_training_dropout(self, self._dropout, training)
            output, scores = self._scored_attention(query, key, value, mask)
        else:
            output = self._fused_attention(query, key, value, mask)
        output = self._output_dense(output)
        if query_mask is not None:
            _masks.set_keras_mask(output, query_mask)
        return (output, scores) if return_attention_scores else output

    def _attention_mask(self, query, value, query_mask, value_mask, key_mask, attention_mask,
                        use_causal_mask):
        """Keras' ``(B, T, S)`` mask of what each query step may attend, or None."""
        masks = [None if query_mask is None else _shape_ops.expand_dims(
            _ew.cast(convert_to_tensor(query_mask), "bool"), -1)]
        for mask in (value_mask, key_mask):
            if mask is not None:
                masks.append(_shape_ops.expand_dims(_ew.cast(convert_to_tensor(mask), "bool"),
                                                    -2))
        if use_causal_mask:
            masks.append(_causal_mask(int(query.shape[1]), int(value.shape[1])))
        masks.append(attention_mask)
        return _all(masks)

    @staticmethod
    def _per_head(mask):
        """``mask`` with a heads axis: ``(B, T, S)`` to ``(B, 1, T, S)``."""
        while mask.ndim < 4:
            mask = _shape_ops.expand_dims(mask, -3)
        return mask

    def _fused_attention(self, query, key, value, mask):
        """TensorFlow's ``dot_product_attention``: scaled logits, masked ones replaced by
        a huge negative number, softmax, weighted values."""
        logits = _einsum("BTNH,BSNH->BNTS", query, key)
        logits = logits * _ew.cast(self._inverse_sqrt_key_dim, logits.dtype)
        if mask is not None:
            low = _ew.cast(-0.7 * (65500.0 if logits.dtype.name == "float16" else _FLOAT32_MAX),
                           logits.dtype)
            logits = _ew.where(self._per_head(mask), logits, low)
        return _einsum("BNTS,BSNH->BTNH", _softmax(logits, axis=-1), value)

    def _scored_attention(self, query, key, value, mask):
        """Keras' attention with the weights: the scaled query, a masked softmax (masked
        weights are zeros), weighted values."""
        query = query * _ew.cast(self._inverse_sqrt_key_dim, query.dtype)
        scores = _einsum("aecd,abcd->acbe", key, query)
        scores = self._softmax(scores, mask=None if mask is None else self._per_head(mask))
        return _einsum("acbe,aecd->abcd", scores, value), scores

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The query's mask (as Keras 3, which sets it on the output itself)."""
        return mask

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update(
            num_heads=self._num_heads, key_dim=self._key_dim, value_dim=self._value_dim,
            dropout=self._dropout, use_bias=self._use_bias, use_gate=False,
            output_shape=self._output_shape, attention_axes=self._attention_axes,
            sliding_window=None,
            kernel_initializer=_serialized_initializer(self._kernel_initializer),
            bias_initializer=_serialized_initializer(self._bias_initializer),
            kernel_regularizer=regularizers.serialize(self._kernel_regularizer),
            bias_regularizer=regularizers.serialize(self._bias_regularizer),
            activity_regularizer=regularizers.serialize(self._activity_regularizer),
            kernel_constraint=self._kernel_constraint, bias_constraint=self._bias_constraint,
            seed=self.seed)
        return config


class Attention(Layer):
    """Dot-product attention (Luong-style; Keras 3's): ``[query, value]`` or ``[query,
    value, key]`` of shapes ``(B, T, dim)``, ``(B, S, dim)`` give ``softmax(query @
    key^T) @ value``.

    ``use_scale`` multiplies the scores by a trainable scalar; ``score_mode="concat"``
    scores ``sum(tanh(query + key))`` instead (times a trainable scalar). ``mask=[query_mask,
    value_mask]`` (or the inputs' own masks) leave masked value steps out and zero the
    masked query steps' outputs; ``use_causal_mask`` lets step ``i`` see steps ``<= i``.

    >>> import gradtape as tf
    >>> query = tf.constant([[[1.0, 0.0]]])
    >>> value = tf.constant([[[1.0, 0.0], [0.0, 1.0]]])
    >>> tf.keras.layers.Attention()([query, value]).numpy().round(4)
    array([[[0.7311, 0.2689]]], dtype=float32)
    """

    supports_masking = True
    _SCORE_MODES = ("dot", "concat")

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", dropout: float = 0.0,
                 seed: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = float(dropout)
        self.seed = seed
        if score_mode not in self._SCORE_MODES:
            raise ValueError("Invalid value for argument score_mode. Expected one of "
                             f"{{'dot', 'concat'}}. Received: score_mode={score_mode}")
        self.scale = self.concat_score_weight = None

    def _validate_inputs(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, list):
            raise ValueError(f"{name} layer must be called on a list of inputs, namely "
                             f"[query, value] or [query, value, key]. Received: inputs={inputs}.")
        if not 2 <= len(inputs) <= 3:
            raise ValueError(f"{name} layer accepts inputs list of length 2 or 3, namely "
                             "[query, value] or [query, value, key]. Received length: "
                             f"{len(inputs)}.")
        if mask is not None:
            if not isinstance(mask, list):
                raise ValueError(f"{name} layer mask must be a list, namely [query_mask, "
                                 f"value_mask]. Received: mask={mask}.")
            if not 2 <= len(mask) <= 3:
                raise ValueError(f"{name} layer accepts mask list of length 2 or 3. "
                                 f"Received: inputs={inputs}, mask={mask}.")

    def _build_on_first_call(self, inputs):
        self._validate_inputs(inputs)
        self.build([tuple(x.shape) for x in inputs])
        self.built = True

    def build(self, input_shape: Sequence[ShapeLike]) -> None:
        """Create ``scale`` (``use_scale``) and ``concat_score_weight`` (``"concat"``)."""
        if self.use_scale:
            self.scale = self.add_weight((), "ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight((), "ones", name="concat_score_weight")

    def _calculate_scores(self, query, key):
        """The ``(B, T, S)`` scores of each query step for each key step."""
        if self.score_mode == "dot":
            scores = _matmul(query, key, transpose_b=True)
            return scores if self.scale is None else scores * self.scale
        total = _shape_ops.expand_dims(query, -2) + _shape_ops.expand_dims(key, -3)
        if self.scale is not None:
            total = self.scale * total
        return self.concat_score_weight * _red.reduce_sum(_ew.tanh(total), axis=-1)

    def _scores_mask(self, scores, value_mask, use_causal_mask):
        if not use_causal_mask:
            return value_mask
        causal = _causal_mask(int(scores.shape[-2]), int(scores.shape[-1]))
        if value_mask is None:
            return causal
        return _ew.logical_and(_shape_ops.expand_dims(value_mask, -2), causal)

    def _apply_scores(self, scores, value, scores_mask=None):
        """Keras': masked scores lowered by 1e9 (65504 in float16), softmax, weighted values."""
        if scores_mask is not None:
            padding = _ew.logical_not(_ew.cast(convert_to_tensor(scores_mask), "bool"))
            if padding.ndim == 2:
                padding = _shape_ops.expand_dims(padding, -2)
            big = 65504.0 if scores.dtype.name == "float16" else 1.0e9
            scores = _ew.where(padding, scores - _ew.cast(big, scores.dtype), scores)
        weights = _softmax(scores, axis=-1)
        return _matmul(weights, value), weights

    def call(self, inputs: Any, mask: Any = None, training: bool = False,
             return_attention_scores: bool = False, use_causal_mask: bool = False) -> Any:
        self._validate_inputs(inputs, mask)
        _refuse_training_dropout(self, self.dropout, training)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._calculate_scores(query, key)
        scores_mask = self._scores_mask(scores, value_mask, use_causal_mask)
        output, weights = self._apply_scores(scores, value, scores_mask)
        if query_mask is not None:
            keep = _shape_ops.expand_dims(_ew.cast(convert_to_tensor(query_mask), "bool"), -1)
            output = _ew.where(keep, output, _ew.zeros_like(output))
        return (output, weights) if return_attention_scores else output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The query's mask."""
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return convert_to_tensor(mask[0])

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update(use_scale=self.use_scale, score_mode=self.score_mode,
                      dropout=self.dropout, seed=self.seed)
        return config


class AdditiveAttention(Attention):
    """Additive attention (Bahdanau-style; Keras 3's): the scores are ``sum(scale *
    tanh(query + key))`` over the features, ``scale`` a trainable vector (``use_scale``,
    the default) initialized by Glorot; otherwise as ``Attention``.

    >>> import gradtape as tf
    >>> layer = tf.keras.layers.AdditiveAttention()
    >>> layer([tf.ones((1, 2, 3)), tf.ones((1, 4, 3))]).shape, layer.scale.shape
    (TensorShape([1, 2, 3]), TensorShape([3]))
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs: Any) -> None:
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape: Sequence[ShapeLike]) -> None:
        """Create ``scale``, one per feature (``use_scale``)."""
        if self.use_scale:
            self.scale = self.add_weight((input_shape[0][-1],), "glorot_uniform", name="scale")

    def _calculate_scores(self, query, key):
        total = _ew.tanh(_shape_ops.expand_dims(query, -2) + _shape_ops.expand_dims(key, -3))
        if self.use_scale:
            total = self.scale * total
        return _red.reduce_sum(total, axis=-1)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        del config["score_mode"]
        return config
