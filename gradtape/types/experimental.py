"""``tf.types.experimental``: ``TraceType``, which an argument's
``__tf_tracing_type__(context)`` returns to say when ``gradtape.function``
may reuse a trace for it (equal trace types share one)."""
from __future__ import annotations

import abc
from typing import Any, Optional, Sequence


class TraceType(abc.ABC):
    """What a trace of a function fixes about an argument, as TensorFlow's: a
    class whose instances return one from ``__tf_tracing_type__(context)`` is
    traced once per distinct (equal, hashable) trace type, not per instance,
    on the value its ``placeholder_value`` gives.  A subclass defines all
    five methods (one missing: ``TypeError`` on
    construction, as TensorFlow's).

    >>> import gradtape as tf
    >>> class KindType(tf.types.experimental.TraceType):
    ...     def __init__(self, kind): self.kind = kind
    ...     def is_subtype_of(self, other): return self == other
    ...     def most_specific_common_supertype(self, others):
    ...         return self if all(self == o for o in others) else None
    ...     def placeholder_value(self, placeholder_context): return self.kind()
    ...     def __eq__(self, other): return type(other) is KindType and other.kind == self.kind
    ...     def __hash__(self): return hash(self.kind)
    >>> class Apple:
    ...     flavor = tf.constant([1, 2])
    ...     def __tf_tracing_type__(self, context): return KindType(type(self))
    >>> f = tf.function(lambda fruit: fruit.flavor * 2)
    >>> _ = f(Apple()), f(Apple())
    >>> f.experimental_get_tracing_count()
    1
    """

    @abc.abstractmethod
    def is_subtype_of(self, other: TraceType) -> bool:
        """Whether a trace for ``other`` can serve this type."""

    @abc.abstractmethod
    def most_specific_common_supertype(self, others: Sequence[TraceType]) -> Optional[TraceType]:
        """The narrowest type all of these are subtypes of, or None."""

    @abc.abstractmethod
    def placeholder_value(self, placeholder_context: Any) -> Any:
        """The value a trace is made with for this type."""

    @abc.abstractmethod
    def __eq__(self, other: Any) -> bool:
        """Equal types share a trace."""

    @abc.abstractmethod
    def __hash__(self) -> int:
        """A hash consistent with ``__eq__``."""
