"""Flatten and rebuild nested structures: dicts, lists, tuples, namedtuples.

Leaves are anything else (tensors, Variables, arrays, numbers, None); with
``expand_composites`` a composite of tensors (``IndexedSlices``) flattens into
its parts.  Dicts
flatten in sorted key order, as TensorFlow's ``tf.nest`` does.
"""


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def flatten(structure, expand_composites=False):
    """The leaves of ``structure`` in a fixed order (with ``expand_composites``,
    an IndexedSlices gives its tensors).

    >>> from gradtape._core.nest import flatten
    >>> flatten({"b": [1, 2], "a": (3,)})
    [3, 1, 2]
    """
    out = []
    _flatten_into(structure, out, expand_composites)
    return out


def _flatten_into(s, out, expand):
    if isinstance(s, dict):
        for k in sorted(s, key=_sort_key):
            _flatten_into(s[k], out, expand)
    elif isinstance(s, (list, tuple)):
        for v in s:
            _flatten_into(v, out, expand)
    elif expand and hasattr(type(s), "_nest_parts"):  # a composite of tensors
        for v in s._nest_parts():
            _flatten_into(v, out, expand)
    else:
        out.append(s)


def _sort_key(k):
    return (type(k).__name__, k) if not isinstance(k, (int, float)) else ("", k)


def is_nested(s):
    """Whether ``s`` is a dict, list or tuple (not a leaf)."""
    return isinstance(s, (dict, list, tuple))


def pack_sequence_as(structure, flat, expand_composites=False):
    """``structure`` with its leaves replaced, in order, by ``flat``.

    >>> from gradtape._core.nest import pack_sequence_as
    >>> pack_sequence_as({"b": [0, 0], "a": (0,)}, [3, 1, 2])
    {'b': [1, 2], 'a': (3,)}
    """
    it = iter(flat)
    result = _pack(structure, it, expand_composites)
    leftover = sum(1 for _ in it)
    if leftover:
        raise ValueError(f"pack_sequence_as: {leftover} more values than the structure has leaves")
    return result


def _pack(s, it, expand):
    if isinstance(s, dict):
        packed = {k: _pack(s[k], it, expand) for k in sorted(s, key=_sort_key)}
        return type(s)((k, packed[k]) for k in s) if type(s) is not dict else {k: packed[k] for k in s}
    if _is_namedtuple(s):
        return type(s)(*[_pack(v, it, expand) for v in s])
    if isinstance(s, (list, tuple)):
        return type(s)(_pack(v, it, expand) for v in s)
    if expand and hasattr(type(s), "_nest_parts"):
        return type(s)(*[_pack(v, it, expand) for v in s._nest_parts()])
    try:
        return next(it)
    except StopIteration:
        raise ValueError("pack_sequence_as: fewer values than the structure has leaves") from None


def map_structure(fn, *structures):
    """Apply ``fn`` leaf by leaf over structures of the same shape.

    >>> from gradtape._core.nest import map_structure
    >>> map_structure(lambda a, b: a + b, [1, (2,)], [10, (20,)])
    [11, (22,)]
    """
    flats = [flatten(s) for s in structures]
    n = len(flats[0])
    for i, f in enumerate(flats[1:], 1):
        if len(f) != n:
            raise ValueError(f"map_structure: structure {i} has {len(f)} leaves, "
                             f"structure 0 has {n}")
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])


def assert_same_structure(a, b, what="structures"):
    """Raise ValueError naming both if ``a`` and ``b`` are shaped differently."""
    if _signature(a) != _signature(b):
        raise ValueError(f"The two {what} don't have the same nested structure: "
                         f"{_describe(a)} vs {_describe(b)}")


def _signature(s):
    if isinstance(s, dict):
        return ("dict", tuple((k, _signature(s[k])) for k in sorted(s, key=_sort_key)))
    if isinstance(s, (list, tuple)):
        return ("seq", tuple(_signature(v) for v in s))
    return "leaf"


def _describe(s):
    sig = _signature(s)
    return "a single value" if sig == "leaf" else repr(sig)
