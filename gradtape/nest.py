"""``gradtape.nest``: nested structures of lists, tuples, namedtuples and dicts, as ``tf.nest``.

Leaves are everything else (tensors, arrays, numbers, ``None``).  Dicts are
walked in sorted key order, whatever their insertion order, as TensorFlow does.

>>> import gradtape as tf
>>> tf.nest.flatten({"b": [1, 2], "a": (3, None)})
[3, None, 1, 2]
"""
from __future__ import annotations
import collections.abc

from ._core import nest as _nest
from ._missing import missing_names as _missing_names
from typing import Any, Callable, List

__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure",
           "pack_sequence_as"]

_MISMATCH = "The two structures don't have the same nested structure."


def is_nested(seq: Any) -> bool:
    """Whether ``seq`` is a list, tuple or dict (a structure), not a leaf.

    >>> import gradtape as tf
    >>> tf.nest.is_nested([1]), tf.nest.is_nested({}), tf.nest.is_nested(1.0)
    (True, True, False)
    """
    return isinstance(seq, (list, tuple, collections.abc.Mapping))


def flatten(structure: Any, expand_composites: bool = False) -> List[Any]:
    """The leaves of ``structure``, dicts in sorted key order; a leaf gives ``[leaf]``.

    >>> import gradtape as tf
    >>> tf.nest.flatten([(1, 2), {"y": 3, "x": 4}]), tf.nest.flatten(None)
    ([1, 2, 4, 3], [None])
    """
    return _nest.flatten(structure)


def pack_sequence_as(structure: Any, flat_sequence: Any, expand_composites: bool = False) -> Any:
    """``structure`` with its leaves replaced, in order, by ``flat_sequence``.

    >>> import gradtape as tf
    >>> tf.nest.pack_sequence_as({"b": [0, 0], "a": (0,)}, [3, 1, 2])
    {'b': [1, 2], 'a': (3,)}
    """
    if not isinstance(flat_sequence, (list, tuple)):
        raise TypeError(f"Attempted to pack value:\n  {flat_sequence!r}\ninto a structure, "
                        f"but found incompatible type `{type(flat_sequence)}` instead.")
    if not is_nested(structure):
        if len(flat_sequence) != 1:
            raise ValueError(
                f"The target structure is of type `{type(structure)}`\n  {structure!r}\n"
                f"However the input is a sequence ({type(flat_sequence)}) of length "
                f"{len(flat_sequence)}.\n  {flat_sequence!r}\nnest cannot guarantee that "
                "it is safe to map one to the other.")
        return flat_sequence[0]
    n = len(_nest.flatten(structure))
    if n != len(flat_sequence):
        raise ValueError(f"Could not pack sequence. Structure had {n} atoms, but "
                         f"flat_sequence had {len(flat_sequence)} items.  Structure: "
                         f"{structure!r}, flat_sequence: {flat_sequence!r}.")
    return _nest.pack_sequence_as(structure, flat_sequence)


def map_structure(func: Callable[..., Any], *structure: Any, **kwargs: Any) -> Any:
    """``func`` applied leaf by leaf over structures of the same shape.

    ``check_types=False`` lets a list match a tuple; the result has the first
    structure's types.

    >>> import gradtape as tf
    >>> tf.nest.map_structure(lambda a, b: a + b, [1, (2,)], [10, (20,)])
    [11, (22,)]
    """
    unknown = set(kwargs) - {"check_types", "expand_composites"}
    if unknown:
        raise ValueError("Only valid keyword arguments are `check_types` and "
                         f"`expand_composites`, not: `{'`, `'.join(sorted(unknown))}`")
    if not structure:
        raise ValueError("Must provide at least one structure")
    check_types = kwargs.get("check_types", True)
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    flats = [_nest.flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*leaves) for leaves in zip(*flats)])


def assert_same_structure(nest1: Any, nest2: Any, check_types: bool = True,
                          expand_composites: bool = False) -> None:
    """Raise unless ``nest1`` and ``nest2`` are nested the same way.

    A different nesting or number of elements is a ``ValueError``; with
    ``check_types``, a different sequence type (list against tuple) is a
    ``TypeError``.

    >>> import gradtape as tf
    >>> tf.nest.assert_same_structure([1, (2, 3)], ["a", ("b", "c")])
    >>> try:
    ...     tf.nest.assert_same_structure([1, [2]], [1, 2])
    ... except ValueError as e:
    ...     print(str(e).splitlines()[0])
    The two structures don't have the same nested structure.
    """
    problem = _difference(nest1, nest2, check_types)
    if problem is not None:
        kind, detail = problem
        raise kind(f"{_MISMATCH}\n\nFirst structure: {_describe(nest1)}\n\n"
                   f"Second structure: {_describe(nest2)}\n\nMore specifically: {detail}")


def _describe(s):
    return f"type={type(s).__name__} str={s!r}"


def _difference(a, b, check_types):
    """``(exception class, what differs)`` of the first difference, or None."""
    if is_nested(a) != is_nested(b):
        nested, leaf = (a, b) if is_nested(a) else (b, a)
        return ValueError, (f'Substructure "{_describe(nested)}" is a sequence, while '
                            f'substructure "{_describe(leaf)}" is not')
    if not is_nested(a):
        return None
    if isinstance(a, collections.abc.Mapping) != isinstance(b, collections.abc.Mapping) or (
            check_types and type(a) is not type(b)):
        return TypeError, (f"The two structures don't have the same sequence type. First "
                           f"structure {_describe(a)} has type {type(a).__name__}, while "
                           f"second structure {_describe(b)} has type {type(b).__name__}")
    if isinstance(a, collections.abc.Mapping):
        if set(a) != set(b):
            return ValueError, (f"The two dictionaries don't have the same set of keys. "
                                f"First structure has keys {sorted(a, key=str)}, while "
                                f"second structure has keys {sorted(b, key=str)}")
        pairs = [(a[k], b[k]) for k in a]
    else:
        if len(a) != len(b):
            return ValueError, (f"The two structures don't have the same number of "
                                f"elements. First structure: {_describe(a)}. Second "
                                f"structure: {_describe(b)}")
        pairs = zip(a, b)
    for x, y in pairs:
        problem = _difference(x, y, check_types)
        if problem is not None:
            return problem
    return None


__getattr__ = _missing_names("gradtape.nest", "tf.nest")
