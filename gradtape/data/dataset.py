"""``tf.data.Dataset``: in-memory input pipelines, as TensorFlow's.

A dataset is a recipe: each iteration (``for x in ds``, ``iter(ds)``) runs it
again from the start, reading its source and applying its transformations one
element at a time in plain Python.  Inside, an element is a structure (tuple,
namedtuple, dict) of NumPy arrays; iterating gives Tensors, ``as_numpy_iterator``
NumPy values.  Functions given to ``map`` and ``filter`` are compiled with
``gradtape.function`` for the element's ``TensorSpec`` s (``None`` where sizes
vary), so they see TensorFlow's shapes and run their Python once per trace, as
TensorFlow's dataset functions do.  ``shuffle`` with a seed gives TensorFlow's
order (its Philox streams, its buffer, its reseeding on each iteration).
"""
from __future__ import annotations

import itertools
from typing import Any, Callable, Iterator, Optional

import numpy as np

from .._core.tensor import Tensor, TensorLike, TensorShape
from ..concrete import PENDING, TensorSpec
from ..errors import InvalidArgumentError, OutOfRangeError
from . import _structure as _s
from ._structure import INFINITE, UNKNOWN

#: ``tf.data.AUTOTUNE``: let the runtime pick a value (here: no effect)
AUTOTUNE = -1


class Dataset:
    """A sequence of elements, each a Tensor or a structure (tuple, dict) of them.

    Made by ``from_tensor_slices``, ``from_tensors``, ``range``, ``zip`` or
    ``from_generator``, and transformed by its methods, each returning a new
    dataset.

    >>> import gradtape as tf
    >>> ds = tf.data.Dataset.from_tensor_slices([1, 2, 3, 4, 5]).map(lambda x: x * 2)
    >>> [int(x) for x in ds.batch(2).unbatch()]
    [2, 4, 6, 8, 10]
    """

    def __init__(self, elements: Callable[[], Iterator[Any]], element_spec: Any,
                 cardinality: int, kind: str = "_Dataset") -> None:
        # elements(): a new iterator over the elements (structures of arrays)
        self._elements = elements
        self._spec = element_spec
        self._cardinality = cardinality
        self._kind = kind
        self._options = Options()

    # -- what a dataset is -------------------------------------------------
    @property
    def element_spec(self) -> Any:
        """The ``TensorSpec`` (a structure of them) of each element; ``None`` for a
        size that differs between elements.

        >>> import gradtape as tf
        >>> tf.data.Dataset.range(5).batch(2).element_spec
        TensorSpec(shape=(None,), dtype=tf.int64, name=None)
        """
        return self._spec

    def cardinality(self) -> Tensor:
        """The number of elements as an int64 scalar: ``INFINITE_CARDINALITY`` (-1) or
        ``UNKNOWN_CARDINALITY`` (-2) when it is not a known number.

        >>> import gradtape as tf
        >>> int(tf.data.Dataset.range(5).cardinality()), int(tf.data.Dataset.range(5).repeat().cardinality())
        (5, -1)
        """
        from .._core.tensor import constant
        return constant(self._cardinality, "int64")

    def __len__(self) -> int:
        """The number of elements; ``TypeError`` for an infinite or unknown length.

        >>> import gradtape as tf
        >>> len(tf.data.Dataset.range(3))
        3
        """
        if self._cardinality == INFINITE:
            raise TypeError("The dataset is infinite.")
        if self._cardinality == UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return self._cardinality

    def __bool__(self) -> bool:
        return True  # never by __len__: an infinite dataset is true too

    def __iter__(self) -> "OwnedIterator":
        """A new pass over the elements, as Tensors.

        >>> import gradtape as tf
        >>> next(iter(tf.data.Dataset.range(3)))
        <tf.Tensor: shape=(), dtype=int64, numpy=0>
        """
        _run_python_in_traces()
        return OwnedIterator(self)

    def as_numpy_iterator(self) -> Iterator[Any]:
        """The elements as NumPy values (a scalar as a NumPy scalar).

        >>> import gradtape as tf
        >>> list(tf.data.Dataset.from_tensor_slices(([1, 2], [3, 4])).as_numpy_iterator())
        [(1, 3), (2, 4)]
        """
        _run_python_in_traces()
        for element in self._elements():
            yield _s.pack(element, [_numpy_value(a) for a in _s.leaves(element)])

    def __repr__(self) -> str:
        return f"<{self._kind} element_spec={self._spec}>"

    def __tf_tracing_type__(self, context: Any) -> "_DatasetType":
        return _DatasetType(self)

    # -- sources -----------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors: Any, name: Optional[str] = None) -> "Dataset":
        """One element per row (along the first axis) of ``tensors``; a tuple or dict
        gives elements of the same structure, all of whose parts have that many rows.

        >>> import gradtape as tf
        >>> ds = tf.data.Dataset.from_tensor_slices({"a": [1, 2], "b": [[1.0, 2.0], [3.0, 4.0]]})
        >>> ds.element_spec["b"]
        TensorSpec(shape=(2,), dtype=tf.float32, name=None)
        """
        data = _s.to_arrays(tensors)
        parts = _s.leaves(data)
        for a in parts:
            if a.ndim == 0:
                raise ValueError("Unbatching a tensor is only supported for rank >= 1")
        sizes = [len(a) for a in parts]
        for size in sizes[1:]:
            if size != sizes[0]:
                raise ValueError(f"Dimensions {sizes[0]} and {size} are not compatible")
        count = sizes[0] if sizes else 0

        def elements():
            for i in range(count):
                yield _s.pack(data, [a[i] for a in parts])
        spec = _s.map_specs(lambda a: TensorSpec(a.shape[1:], a.dtype), _s.spec_of(data))
        return Dataset(elements, spec, count, "_TensorSliceDataset")

    @staticmethod
    def from_tensors(tensors: Any, name: Optional[str] = None) -> "Dataset":
        """One element: ``tensors`` itself.

        >>> import gradtape as tf
        >>> tf.data.Dataset.from_tensors([1, 2, 3]).element_spec
        TensorSpec(shape=(3,), dtype=tf.int32, name=None)
        """
        data = _s.to_arrays(tensors)
        return Dataset(lambda: iter([data]), _s.spec_of(data), 1, "_TensorDataset")

    @staticmethod
    def range(*args: int, output_type: Any = "int64", name: Optional[str] = None) -> "Dataset":
        """``range(stop)``, ``range(start, stop)`` or ``range(start, stop, step)`` as
        scalars of ``output_type`` (int64).

        >>> import gradtape as tf
        >>> list(tf.data.Dataset.range(1, 8, 3).as_numpy_iterator())
        [1, 4, 7]
        """
        from .._core.dtypes import as_dtype
        numbers = range(*[int(a) for a in args])
        dtype = as_dtype(output_type)
        np_dtype = np.dtype(dtype._np)
        return Dataset(lambda: (np.asarray(i, np_dtype) for i in numbers),
                       TensorSpec((), dtype), len(numbers), "_RangeDataset")

    @staticmethod
    def counter(start: int = 0, step: int = 1, dtype: Any = "int64",
                name: Optional[str] = None) -> "Dataset":
        """``start, start + step, ...`` for ever, as scalars of ``dtype``.

        >>> import gradtape as tf
        >>> list(tf.data.Dataset.counter(5, 2).take(3).as_numpy_iterator())
        [5, 7, 9]
        """
        from .._core.dtypes import as_dtype
        dtype = as_dtype(dtype)
        np_dtype = np.dtype(dtype._np)
        return Dataset(lambda: (np.asarray(i, np_dtype) for i in itertools.count(start, step)),
                       TensorSpec((), dtype), INFINITE, "_ScanDataset")

    @staticmethod
    def zip(*datasets: Any, name: Optional[str] = None) -> "Dataset":
        """Elements made of one element of each dataset (a tuple, or the structure
        ``datasets`` is given in), as long as the shortest.

        >>> import gradtape as tf
        >>> a, b = tf.data.Dataset.range(3), tf.data.Dataset.range(10, 12)
        >>> list(tf.data.Dataset.zip(a, b).as_numpy_iterator())
        [(0, 10), (1, 11)]
        """
        if len(datasets) == 1 and not isinstance(datasets[0], Dataset):
            datasets = datasets[0]
        if isinstance(datasets, list):
            datasets = tuple(datasets)
        flat = _s.leaves(datasets)
        for d in flat:
            if not isinstance(d, Dataset):
                raise TypeError(f"Invalid `datasets`. `datasets` is expected to be a (nested) "
                                f"structure of `tf.data.Dataset` objects. Encountered object "
                                f"with type {type(d)}.")

        def elements():
            return (_s.pack(datasets, parts) for parts in zip(*[d._elements() for d in flat]))
        spec = _s.pack(datasets, [d._spec for d in flat])
        return Dataset(elements, spec, _zip_cardinality([d._cardinality for d in flat]),
                       "_ZipDataset")

    @staticmethod
    def from_generator(generator: Callable[..., Any], output_types: Any = None,
                       output_shapes: Any = None, args: Any = None,
                       output_signature: Any = None, name: Optional[str] = None) -> "Dataset":
        """The elements ``generator(*args)`` yields, converted to ``output_signature``
        (a ``TensorSpec`` structure; or the older ``output_types`` and
        ``output_shapes``).  Each iteration calls ``generator`` again.

        >>> import gradtape as tf
        >>> def gen():
        ...     for i in range(1, 4):
        ...         yield i, [1] * i
        >>> ds = tf.data.Dataset.from_generator(gen, output_signature=(
        ...     tf.TensorSpec((), tf.int32), tf.TensorSpec((None,), tf.int32)))
        >>> [(int(i), s.shape) for i, s in ds]
        [(1, TensorShape([1])), (2, TensorShape([2])), (3, TensorShape([3]))]
        """
        spec = _generator_spec(output_types, output_shapes, output_signature)
        arguments = () if args is None else tuple(
            np.asarray(a.numpy() if isinstance(a, TensorLike) else _s.to_arrays(a))
            for a in args)

        def elements():
            for value in generator(*arguments):
                yield _from_generator_value(value, spec)
        return Dataset(elements, spec, UNKNOWN, "_FlatMapDataset")

    # -- transformations ---------------------------------------------------
    def batch(self, batch_size: int, drop_remainder: bool = False,
              num_parallel_calls: Any = None, deterministic: Any = None,
              name: Optional[str] = None) -> "Dataset":
        """Consecutive elements stacked ``batch_size`` at a time (the last batch
        smaller unless ``drop_remainder``), all of the same shape.

        >>> import gradtape as tf
        >>> list(tf.data.Dataset.range(5).batch(2).as_numpy_iterator())
        [array([0, 1]), array([2, 3]), array([4])]
        """
        size = _positive(batch_size, "batch_size")
        spec = _s.map_specs(lambda s: _s.batched(s, size if drop_remainder else None),
                            self._spec)

        def stream(source):
            for group in _groups(source, size, drop_remainder):
                yield _s.pack(group[0], [_stack([_s.leaves(e)[k] for e in group])
                                         for k in range(len(_s.leaves(group[0])))])
        return Dataset(_eager(stream, self._elements), spec, _batch_cardinality(
            self._cardinality, size, drop_remainder), "_BatchDataset")

    def padded_batch(self, batch_size: int, padded_shapes: Any = None,
                     padding_values: Any = None, drop_remainder: bool = False,
                     name: Optional[str] = None) -> "Dataset":
        """Batches of elements of different shapes, each padded with
        ``padding_values`` (0 by default) to ``padded_shapes`` (by default, and where
        a padded size is ``None`` or -1: the largest size in the batch).

        >>> import gradtape as tf
        >>> ds = tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], x))
        >>> list(ds.padded_batch(2).as_numpy_iterator())
        [array([[1, 0],
               [2, 2]]), array([[3, 3, 3]])]
        """
        size = _positive(batch_size, "batch_size")
        specs = _s.leaves(self._spec)
        if padded_shapes is None:
            for s in specs:
                if s._shape is None:
                    raise ValueError("You must provide `padded_shapes` argument because "
                                     "component 0 has unknown rank.")
            targets = [s._shape for s in specs]
        else:
            targets = [_padded_shape(p, s) for p, s in
                       zip(_flat_like(padded_shapes, self._spec, "padded_shapes"), specs)]
        if padding_values is None:
            pads = [np.zeros((), s.dtype._np) for s in specs]
        else:
            pads = [np.asarray(_s.to_arrays(v), s.dtype._np) for v, s in
                    zip(_flat_like(padding_values, self._spec, "padding_values"), specs)]
        batch_dim = size if drop_remainder else None
        spec = _s.pack(self._spec, [TensorSpec((batch_dim,) + t, s.dtype)
                                    for t, s in zip(targets, specs)])

        def stream(source):
            for group in _groups(source, size, drop_remainder):
                flats = [_s.leaves(e) for e in group]
                yield _s.pack(group[0], [_pad_stack([f[k] for f in flats], targets[k], pads[k])
                                         for k in range(len(specs))])
        return Dataset(_eager(stream, self._elements), spec, _batch_cardinality(
            self._cardinality, size, drop_remainder), "_PaddedBatchDataset")

    def unbatch(self, name: Optional[str] = None) -> "Dataset":
        """The rows of each element, one element each (``batch``'s inverse).

        >>> import gradtape as tf
        >>> list(tf.data.Dataset.from_tensors([[1, 2], [3, 4]]).unbatch().as_numpy_iterator())
        [array([1, 2], dtype=int32), array([3, 4], dtype=int32)]
        """
        spec = _s.map_specs(_s.unbatched, self._spec)

        def stream(source):
            for element in source:
                parts = _s.leaves(element)
                rows = {len(p) for p in parts}
                if len(rows) > 1:
                    raise InvalidArgumentError(
                        f"Input element must have the same batch size in each component. "
                        f"Component 0 had size {len(parts[0])} but component "
                        f"{[len(p) for p in parts].index(min(rows ^ {len(parts[0])}))} had "
                        f"size {min(rows ^ {len(parts[0])})}.")
                for i in range(len(parts[0])):
                    yield _s.pack(element, [p[i] for p in parts])
        return Dataset(_eager(stream, self._elements), spec,
                       UNKNOWN if self._cardinality != INFINITE else INFINITE, "_UnbatchDataset")

    def map(self, map_func: Callable[..., Any], num_parallel_calls: Any = None,
            deterministic: Any = None, name: Optional[str] = None) -> "Dataset":
        """``map_func`` applied to each element: a tuple element is given as
        positional arguments, anything else as one argument; the function gets
        Tensors and returns the new element.

        >>> import gradtape as tf
        >>> ds = tf.data.Dataset.from_tensor_slices(([1, 2], [10, 20]))
        >>> list(ds.map(lambda x, y: x + y).as_numpy_iterator())
        [11, 22]
        """
        function = _ElementFunction(map_func, self._spec, "map")

        def elements():
            return (function.arrays(element) for element in self._elements())
        return Dataset(elements, function.output_spec(self), self._cardinality, "_MapDataset")

    def filter(self, predicate: Callable[..., Any], name: Optional[str] = None) -> "Dataset":
        """The elements for which ``predicate`` (given them as ``map`` gives them)
        returns a true scalar ``tf.bool``.

        >>> import gradtape as tf
        >>> list(tf.data.Dataset.range(6).filter(lambda x: x % 2 == 0).as_numpy_iterator())
        [0, 2, 4]
        """
        function = _ElementFunction(predicate, self._spec, "filter")
        out = function.output_spec(self)
        if not (isinstance(out, TensorSpec) and out._shape == () and out.dtype.name == "bool"):
            raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar "
                             f"tensor, but its return type is {out}.")

        def elements():
            return (e for e in self._elements() if bool(function.arrays(e)))
        return Dataset(elements, self._spec, UNKNOWN, "_FilterDataset")

    def flat_map(self, map_func: Callable[..., Any], name: Optional[str] = None) -> "Dataset":
        """The elements of the datasets ``map_func`` returns for each element, one
        dataset after the other.

        >>> import gradtape as tf
        >>> ds = tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4]])
        >>> list(ds.flat_map(tf.data.Dataset.from_tensor_slices).as_numpy_iterator())
        [1, 2, 3, 4]
        """
        probe = _call_unpacked(map_func, _placeholder(self._spec), "flat_map")
        _check_returns_dataset(probe)

        def stream(source):
            for element in source:
                inner = _call_unpacked(map_func, _to_values(element), "flat_map")
                _check_returns_dataset(inner)
                yield from inner._elements()
        return Dataset(_eager(stream, self._elements), probe._spec, UNKNOWN, "_FlatMapDataset")

    def interleave(self, map_func: Callable[..., Any], cycle_length: Any = None,
                   block_length: Any = None, num_parallel_calls: Any = None,
                   deterministic: Any = None, name: Optional[str] = None) -> "Dataset":
        """``flat_map``, but reading ``cycle_length`` of the returned datasets in turn,
        ``block_length`` (1) elements at a time.  ``cycle_length`` must be given:
        TensorFlow's default depends on the machine's cores.

        >>> import gradtape as tf
        >>> ds = tf.data.Dataset.range(1, 4).interleave(
        ...     lambda x: tf.data.Dataset.from_tensors(x).repeat(2), cycle_length=2)
        >>> [int(x) for x in ds]
        [1, 2, 1, 2, 3, 3]
        """
        if cycle_length is None or cycle_length == AUTOTUNE:
            raise NotImplementedError(
                "Dataset.interleave: give cycle_length (TensorFlow's default is the number of "
                "CPU cores of the machine, so its order depends on the machine)")
        cycle, block = _positive(cycle_length, "cycle_length"), _positive(
            block_length or 1, "block_length")
        probe = _call_unpacked(map_func, _placeholder(self._spec), "interleave")
        _check_returns_dataset(probe)

        def open_next(outer):
            for element in outer:
                inner = _call_unpacked(map_func, _to_values(element), "interleave")
                _check_returns_dataset(inner)
                return inner._elements()
            return None

        def stream(outer):
            # TensorFlow's cycle: a slot opens its dataset when its turn comes, and a
            # dataset that ends passes the turn on
            slots = [None] * cycle
            k = taken = 0
            outer_done = False
            while True:
                if slots[k] is not None:
                    try:
                        element = next(slots[k])
                    except StopIteration:
                        slots[k], k, taken = None, (k + 1) % cycle, 0
                        continue
                    taken += 1
                    if taken == block:
                        k, taken = (k + 1) % cycle, 0
                    yield element
                elif not outer_done:
                    slots[k] = open_next(outer)
                    outer_done = slots[k] is None
                elif all(s is None for s in slots):
                    return
                else:
                    k, taken = (k + 1) % cycle, 0
        return Dataset(_eager(stream, self._elements), probe._spec, UNKNOWN,
                       "_InterleaveDataset")

    def take(self, count: int, name: Optional[str] = None) -> "Dataset":
        """The first ``count`` elements (all of them for -1).

        >>> import gradtape as tf
        >>> list(tf.data.Dataset.range(10).take(3).as_numpy_iterator())
        [0, 1, 2]
        """
        count = int(count)
        if count < 0:
            return Dataset(self._elements, self._spec, self._cardinality, "_TakeDataset")
        card = self._cardinality
        card = count if card == INFINITE else (card if card == UNKNOWN else min(card, count))
        return Dataset(lambda: itertools.islice(self._elements(), count), self._spec, card,
                       "_TakeDataset")

    def skip(self, count: int, name: Optional[str] = None) -> "Dataset":
        """All but the first ``count`` elements (none for -1).

        >>> import gradtape as tf
        >>> list(tf.data.Dataset.range(5).skip(3).as_numpy_iterator())
        [3, 4]
        """
        count = int(count)
        card = self._cardinality
        if count < 0:
            card = card if card in (INFINITE, UNKNOWN) else 0
            stop = 0 if card == INFINITE else None
            return Dataset(lambda: _skip_all(self._elements(), stop), self._spec, card,
                           "_SkipDataset")
        if card >= 0:
            card = max(card - count, 0)
        return Dataset(lambda: itertools.islice(self._elements(), count, None), self._spec,
                       card, "_SkipDataset")

    def repeat(self, count: Optional[int] = None, name: Optional[str] = None) -> "Dataset":
        """The elements ``count`` times over (for ever without ``count`` or with -1);
        each pass is a new iteration (a ``shuffle`` before shuffles again).

        >>> import gradtape as tf
        >>> list(tf.data.Dataset.range(2).repeat(2).as_numpy_iterator())
        [0, 1, 0, 1]
        """
        count = -1 if count is None else int(count)
        card = self._cardinality
        if card == 0 or count == 0:
            card = 0
        elif count < 0:
            card = INFINITE
        elif card >= 0:
            card *= count
        return Dataset(lambda: _repeated(self._elements, count), self._spec, card,
                       "_RepeatDataset")

    def shuffle(self, buffer_size: int, seed: Optional[int] = None,
                reshuffle_each_iteration: Optional[bool] = None,
                name: Optional[str] = None) -> "Dataset":
        """The elements in a random order, drawn from a buffer of ``buffer_size``
        elements refilled from the input (so an element moves at most that far
        ahead).  With a seed (``seed``, ``tf.random.set_seed`` or both), the order is
        TensorFlow's; each iteration shuffles anew unless ``reshuffle_each_iteration``
        is False.

        >>> import gradtape as tf
        >>> order = [int(x) for x in tf.data.Dataset.range(20).shuffle(3, seed=42)]
        >>> sorted(order) == list(range(20)), all(x < i + 3 for i, x in enumerate(order))
        (True, True)
        """
        from ._shuffle import shuffled
        size = _positive(buffer_size, "buffer_size")
        seeds = _SeedGenerator(seed, reshuffle_each_iteration is not False)
        return Dataset(lambda: shuffled(self._elements(), size, *seeds.next_seeds()),
                       self._spec, self._cardinality, "_ShuffleDataset")

    def prefetch(self, buffer_size: int, name: Optional[str] = None) -> "Dataset":
        """The same elements (reading ahead changes nothing in one thread).

        >>> import gradtape as tf
        >>> len(tf.data.Dataset.range(3).prefetch(tf.data.AUTOTUNE))
        3
        """
        return Dataset(self._elements, self._spec, self._cardinality, "_PrefetchDataset")

    def cache(self, filename: str = "", name: Optional[str] = None) -> "Dataset":
        """The same elements, kept in memory after the first complete pass: later
        passes read them from there (a ``shuffle`` before it is not redone).

        >>> import gradtape as tf
        >>> ds = tf.data.Dataset.range(5).shuffle(5).cache()
        >>> list(ds.as_numpy_iterator()) == list(ds.as_numpy_iterator())
        True
        """
        if filename:
            raise NotImplementedError("Dataset.cache(filename): caching to files is not "
                                      "supported in gradtape; call cache() to keep the "
                                      "elements in memory")
        kept: list = []

        def filling(source):
            seen = []
            for element in source:
                seen.append(element)
                yield element
            kept.append(seen)

        def elements():
            return iter(kept[0]) if kept else filling(self._elements())
        return Dataset(elements, self._spec, self._cardinality, "_CacheDataset")

    def concatenate(self, dataset: "Dataset", name: Optional[str] = None) -> "Dataset":
        """This dataset's elements, then ``dataset`` 's (of the same structure and dtypes).

        >>> import gradtape as tf
        >>> a = tf.data.Dataset.range(2)
        >>> list(a.concatenate(tf.data.Dataset.range(5, 6)).as_numpy_iterator())
        [0, 1, 5]
        """
        spec = _s.check_compatible(self._spec, dataset._spec)
        cards = (self._cardinality, dataset._cardinality)
        card = INFINITE if INFINITE in cards else UNKNOWN if UNKNOWN in cards else sum(cards)
        return Dataset(lambda: _then(self._elements(), dataset._elements), spec,
                       card, "_ConcatenateDataset")

    def enumerate(self, start: int = 0, name: Optional[str] = None) -> "Dataset":
        """``(index, element)`` pairs, the index an int64 counting from ``start``.

        >>> import gradtape as tf
        >>> list(tf.data.Dataset.from_tensor_slices([7, 8]).enumerate(1).as_numpy_iterator())
        [(1, 7), (2, 8)]
        """
        return Dataset.zip((Dataset.counter(start), self))

    def shard(self, num_shards: int, index: int, name: Optional[str] = None) -> "Dataset":
        """Every ``num_shards``-th element, starting at ``index``.

        >>> import gradtape as tf
        >>> list(tf.data.Dataset.range(7).shard(3, 1).as_numpy_iterator())
        [1, 4]
        """
        num, index = _positive(num_shards, "num_shards"), int(index)
        if not 0 <= index < num:
            raise InvalidArgumentError(f"Index must be between 0 and {num - 1} (currently "
                                       f"index = {index}).")
        card = self._cardinality
        if card >= 0:
            card = card // num + (index < card % num)
        return Dataset(lambda: itertools.islice(self._elements(), index, None, num),
                       self._spec, card, "_ShardDataset")

    def window(self, size: int, shift: Optional[int] = None, stride: int = 1,
               drop_remainder: bool = False, name: Optional[str] = None) -> "Dataset":
        """Windows of ``size`` elements, starting every ``shift`` (``size``) elements
        and taking every ``stride``-th one; each window is a dataset (a structure of
        datasets for structured elements), usually flattened by ``flat_map``.

        >>> import gradtape as tf
        >>> windows = tf.data.Dataset.range(5).window(3, shift=1, drop_remainder=True)
        >>> [list(w.as_numpy_iterator()) for w in windows][0]
        [0, 1, 2]
        """
        size = _positive(size, "size")
        shift = size if shift is None else _positive(shift, "shift")
        stride = _positive(stride, "stride")
        specs = _s.leaves(self._spec)
        spec = _s.pack(self._spec, [DatasetSpec(s) for s in specs])

        def stream(source):
            span = (size - 1) * stride + 1
            pending, exhausted = [], False
            while True:  # pending: the input from the current window's start on
                while not exhausted and len(pending) < span:
                    pending.append(next(source, _END))
                    exhausted = pending[-1] is _END
                    if exhausted:
                        pending.pop()
                chosen = pending[:span:stride]
                if not chosen or (drop_remainder and len(chosen) < size):
                    return
                flats = [_s.leaves(e) for e in chosen]
                yield _s.pack(self._spec, [_list_dataset([f[k] for f in flats], specs[k])
                                           for k in range(len(specs))])
                skip_more = shift - len(pending)
                del pending[:shift]
                while skip_more > 0 and not exhausted:
                    exhausted = next(source, _END) is _END
                    skip_more -= 1
        card = self._cardinality
        if card >= 0:
            card = _window_count(card, size, shift, stride, drop_remainder)
        return Dataset(_eager(stream, self._elements), spec, card, "_WindowDataset")

    def unique(self, name: Optional[str] = None) -> "Dataset":
        """Each distinct element once, in order of first appearance (scalar int elements).

        >>> import gradtape as tf
        >>> list(tf.data.Dataset.from_tensor_slices([1, 2, 1, 3]).unique().as_numpy_iterator())
        [1, 2, 3]
        """
        if not isinstance(self._spec, TensorSpec) or self._spec.dtype.name not in (
                "int32", "int64", "string"):
            raise TypeError(f"Unique transformation only supports elements of type tf.int32, "
                            f"tf.int64 or tf.string; got {self._spec}.")

        def stream(source):
            seen = set()
            for e in source:
                if e.ndim != 0:
                    raise InvalidArgumentError("Unique expects scalar elements; got shape "
                                               f"{list(e.shape)}")
                if e.item() not in seen:
                    seen.add(e.item())
                    yield e
        return Dataset(_eager(stream, self._elements), self._spec, UNKNOWN, "_UniqueDataset")

    def reduce(self, initial_state: Any, reduce_func: Callable[[Any, Any], Any],
               name: Optional[str] = None) -> Any:
        """``reduce_func(state, element)`` folded over the elements from
        ``initial_state``; the final state, as Tensors.

        >>> import gradtape as tf
        >>> tf.data.Dataset.range(5).reduce(tf.constant(0, tf.int64), lambda s, x: s + x)
        <tf.Tensor: shape=(), dtype=int64, numpy=10>
        """
        from ..compiled import _tensors_out
        state = _tensors_out(_s.to_tensors(_s.to_arrays(initial_state)))
        start = _s.spec_of(state)
        for element in self._elements():
            value = _s.to_tensors(element)
            args = value if isinstance(value, tuple) and not hasattr(
                type(value), "_fields") else (value,)
            state = _tensors_out(_s.normalize_output(_call(reduce_func, (state,) + tuple(args),
                                                           "reduce")))
            _check_reduce_state(start, state)
        return state

    def get_single_element(self, name: Optional[str] = None) -> Any:
        """The one element of a dataset that has exactly one.

        >>> import gradtape as tf
        >>> tf.data.Dataset.from_tensors(3).get_single_element()
        <tf.Tensor: shape=(), dtype=int32, numpy=3>
        """
        found = list(itertools.islice(self._elements(), 2))
        if len(found) != 1:
            raise InvalidArgumentError("Dataset was empty." if not found else
                                       "Dataset had more than one element.")
        return _s.to_tensors(found[0])

    def apply(self, transformation_func: Callable[["Dataset"], "Dataset"]) -> "Dataset":
        """``transformation_func(self)``, which must return a dataset.

        >>> import gradtape as tf
        >>> len(tf.data.Dataset.range(10).apply(lambda ds: ds.take(4)))
        4
        """
        result = transformation_func(self)
        if not isinstance(result, Dataset):
            raise TypeError(f"`transformation_func` must return a `tf.data.Dataset` object. "
                            f"Got {type(result)}.")
        return result

    def with_options(self, options: "Options", name: Optional[str] = None) -> "Dataset":
        """The same dataset with ``options`` (kept, and read back by ``options()``;
        they change nothing here).

        >>> import gradtape as tf
        >>> options = tf.data.Options()
        >>> options.deterministic = True
        >>> tf.data.Dataset.range(3).with_options(options).options().deterministic
        True
        """
        result = Dataset(self._elements, self._spec, self._cardinality, "_OptionsDataset")
        result._options = options
        return result

    def options(self) -> "Options":
        """The ``Options`` given by ``with_options`` (default ones otherwise)."""
        return self._options

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(f"gradtape's tf.data.Dataset has no attribute {name!r} yet "
                             f"(TensorFlow's Dataset.{name} is not implemented in gradtape)")


class OwnedIterator:
    """One pass over a dataset's elements (what ``iter(dataset)`` returns).

    >>> import gradtape as tf
    >>> it = iter(tf.data.Dataset.range(2))
    >>> int(next(it)), int(it.get_next())
    (0, 1)
    """

    def __init__(self, dataset: Dataset) -> None:
        self._source = dataset._elements()
        self.element_spec = dataset._spec

    def __iter__(self) -> "OwnedIterator":
        return self

    def __next__(self) -> Any:
        return _s.to_tensors(next(self._source))

    def get_next(self) -> Any:
        """The next element; ``OutOfRangeError`` at the end."""
        try:
            return next(self)
        except StopIteration:
            raise OutOfRangeError("End of sequence") from None


class DatasetSpec:
    """The spec of a dataset-valued element (what ``window`` gives), as TensorFlow's.

    >>> import gradtape as tf
    >>> tf.data.Dataset.range(4).window(2).element_spec
    DatasetSpec(TensorSpec(shape=(), dtype=tf.int64, name=None), TensorShape([]))
    """

    def __init__(self, element_spec: Any, dataset_shape: Any = ()) -> None:
        self.element_spec = element_spec
        self._shape = TensorShape(dataset_shape)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, DatasetSpec) and other.element_spec == self.element_spec

    def __hash__(self) -> int:
        return hash(("DatasetSpec", repr(self.element_spec)))

    def __repr__(self) -> str:
        return f"DatasetSpec({self.element_spec}, {self._shape!r})"


class Options:
    """``tf.data.Options``: settings a program may set and read back; gradtape's
    pipelines run the same whatever they say.

    >>> import gradtape as tf
    >>> options = tf.data.Options()
    >>> options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    >>> options.experimental_distribute.auto_shard_policy == tf.data.experimental.AutoShardPolicy.DATA
    True
    """

    def __init__(self) -> None:
        self.deterministic = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        group = _OptionGroup()  # experimental_distribute, experimental_optimization, ...
        object.__setattr__(self, name, group)
        return group


class _OptionGroup:
    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return None


# -- tracing a function over elements --------------------------------------

class _ElementFunction:
    """A ``map``/``filter`` function compiled for the input's element spec."""

    def __init__(self, func: Callable[..., Any], spec: Any, what: str) -> None:
        from ..compiled import function
        self._func, self._spec, self._what = func, spec, what
        self._flat_specs = _s.leaves(spec)
        self._unpack = isinstance(spec, tuple) and not hasattr(type(spec), "_fields")

        def on_components(*flat):
            return _s.normalize_output(self._call_python(_s.pack(spec, flat)))
        self._compiled = function(on_components, input_signature=list(self._flat_specs))
        self._out_spec = None

    def _call_python(self, element):
        args = element if self._unpack else (element,)
        return _call(self._func, args, self._what)

    def _python(self, *flat):
        from ..compiled import _tensors_out
        return _tensors_out(_s.normalize_output(self._call_python(_s.pack(self._spec, flat))))

    def output_spec(self, dataset: Dataset) -> Any:
        """The result's spec, traced now on the input spec (so that a function that does
        not fit the elements fails here, as in TensorFlow)."""
        try:
            concrete = self._compiled.get_concrete_function()
            out = concrete.structured_outputs
        except _UserError as error:
            raise error.original from error.original.__cause__
        if out is PENDING:  # the trace needs real sizes: the first element's
            first = next(iter(dataset._elements()), None)
            out = _s.spec_of(self.arrays(first)) if first is not None else None
        elif _value_dependent(self._compiled):
            # sizes read from the values (tf.fill, a py_function): TensorFlow's shape
            # inference leaves them unknown, and a trace would serve one value only, so
            # the function runs as Python on each element
            out = _s.map_specs(lambda t: TensorSpec(
                None if t._shape is None else (None,) * len(t._shape), t.dtype), out)
            self._compiled = self._python
        self._out_spec = out
        return out

    def arrays(self, element: Any) -> Any:
        flat = [_as_tensor(a) for a in _s.leaves(element)]
        try:
            result = self._compiled(*flat)
        except _UserError as error:
            raise error.original from error.original.__cause__
        return _s.to_arrays(result)


def _value_dependent(compiled):
    """Whether the trace's shapes may depend on the input values: it decided something
    from a value (its replay checks it), or it runs Python on every call."""
    from ..compiled import _EAGER
    if any(p is _EAGER for p in compiled._programs.values()):
        return True
    return "raise _Retrace" in (compiled.replay_source() or "")


class _UserError(Exception):
    """An error of the user's function, carried through the trace machinery."""

    def __init__(self, original):
        super().__init__(str(original))
        self.original = original


def _call(func, args, what):
    """``func(*args)``; a ``TypeError`` of calling it with the wrong arguments is
    TensorFlow's "in user code" TypeError."""
    try:
        return func(*args)
    except TypeError as error:
        if _is_arity_error(error, func):
            wrapped = TypeError(f"in user code:\n\n\n    TypeError: {error}\n")
            wrapped.__cause__ = error
            raise _UserError(wrapped) from error
        raise


def _is_arity_error(error, func):
    text = str(error)
    return ("positional argument" in text or "required" in text) and \
        getattr(func, "__name__", "") in text


def _call_unpacked(func, element, what):
    args = element if isinstance(element, tuple) and not hasattr(type(element), "_fields") \
        else (element,)
    try:
        return func(*args)
    except _UserError as error:
        raise error.original from error.original.__cause__


def _to_values(element):
    """An element as ``flat_map``'s function gets it: Tensors, and window datasets as
    they are."""
    return _s.pack(element, [v if isinstance(v, Dataset) else _as_tensor(v)
                             for v in _s.leaves(element)])


def _placeholder(spec):
    """Values of ``spec`` to call a function once and learn what it returns: empty
    datasets for dataset parts, zeros (size 1 where unknown) for tensors."""
    def one(s):
        if isinstance(s, DatasetSpec):
            return _list_dataset([], s.element_spec)
        shape = () if s._shape is None else tuple(1 if d is None else d for d in s._shape)
        return _as_tensor(np.zeros(shape, s.dtype._np))
    return _s.pack(spec, [one(s) for s in _s.leaves(spec)])


def _check_returns_dataset(value):
    if not isinstance(value, Dataset):
        raise TypeError(f"The `map_func` argument must return a `Dataset` object. Got "
                        f"{type(value)!r}.")


def _numpy_value(a):
    if isinstance(a, Dataset):
        return a
    a = np.asarray(a)
    return a[()] if a.ndim == 0 else a


def _as_tensor(a):
    from .._core.tensor import wrap
    return wrap(np.asarray(a))


def _check_reduce_state(start, state):
    new = _s.spec_of(state)
    flat_a, flat_b = _s.leaves(start), _s.leaves(new)
    if len(flat_a) != len(flat_b) or any(a.dtype != b.dtype for a, b in zip(flat_a, flat_b)):
        raise TypeError(f"The element types for the new state must match the initial state. "
                        f"Expected {start}; got {new}.")


def _run_python_in_traces():
    """Iterating a dataset inside a ``gradtape.function`` trace: the trace cannot
    repeat the reads, so the function runs its Python on every call (as
    TensorFlow's loop over a dataset reads it on every call)."""
    from .._core import trace
    if trace._active[0]:
        tracer = trace.tracer()
        if tracer is not None and hasattr(tracer, "run_python"):
            tracer.run_python()


class _DatasetType:
    """The trace type of a dataset argument of ``gradtape.function``: datasets whose
    element specs have the same structure and dtypes and fit one another's shapes
    share a trace, as TensorFlow reuses a trace for a dataset whose spec is a subtype
    of one traced (the trace runs its Python on each call anyway)."""

    def __init__(self, dataset: Dataset) -> None:
        self._dataset = dataset
        self._specs = _s.leaves(dataset._spec)
        self._key = (repr(_s.map_specs(lambda t: t.dtype.name, dataset._spec)),
                     tuple(None if t._shape is None else len(t._shape) for t in self._specs))

    def is_subtype_of(self, other: Any) -> bool:
        return self == other

    def most_specific_common_supertype(self, others: Any) -> Any:
        return self if all(self == o for o in others) else None

    def placeholder_value(self, placeholder_context: Any) -> Dataset:
        return self._dataset

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, _DatasetType) and other._key == self._key and (
            _fit_all(self._specs, other._specs) or _fit_all(other._specs, self._specs))

    def __hash__(self) -> int:
        return hash(self._key)


def _fit_all(specs, patterns):
    return all(p._shape is None or (s._shape is not None and _fits(s._shape, p._shape))
               for s, p in zip(specs, patterns))


# -- helpers ------------------------------------------------------------------

def _eager(stream, make_source):
    """The ``elements`` of a dataset that runs the generator ``stream`` over its input:
    the input's iterator is made at once, as TensorFlow makes an iterator's inputs
    when it is made (a ``shuffle`` draws its seeds then)."""
    return lambda: stream(make_source())


def _positive(value, what):
    value = int(value.numpy() if isinstance(value, TensorLike) else value)
    if value <= 0:
        raise InvalidArgumentError(f"{what} must be greater than zero.")
    return value


def _groups(elements, size, drop_remainder):
    while True:
        group = list(itertools.islice(elements, size))
        if not group or (drop_remainder and len(group) < size):
            return
        yield group


def _stack(parts):
    first = np.shape(parts[0])
    for p in parts[1:]:
        if np.shape(p) != first:
            raise InvalidArgumentError(
                f"Cannot add tensor to the batch: number of elements does not match. Shapes "
                f"are: [tensor]: {list(np.shape(p))}, [batch]: {list(first)}")
    return np.stack(parts)


def _batch_cardinality(card, size, drop_remainder):
    if card < 0:
        return card
    return card // size if drop_remainder else -(-card // size)


def _zip_cardinality(cards):
    if UNKNOWN in cards:
        return UNKNOWN
    finite = [c for c in cards if c >= 0]
    return min(finite) if finite else INFINITE


_END = object()


def _window_count(card, size, shift, stride, drop_remainder):
    if drop_remainder:
        span = (size - 1) * stride + 1
        return 0 if card < span else (card - span) // shift + 1
    return -(-card // shift)


def _then(first, make_second):
    yield from first
    yield from make_second()


def _skip_all(elements, stop):
    for _ in elements:
        pass
    yield from ()


def _repeated(make, count):
    """``count`` passes (for ever if negative) over ``make()``'s elements, the first pass
    started now; a pass without elements ends it all."""
    if count == 0:
        return iter(())
    return _passes(make(), make, count)


def _passes(current, make, count):
    done = 0
    while True:
        empty = True
        for element in current:
            empty = False
            yield element
        done += 1
        if empty or done == count:
            return
        current = make()


def _list_dataset(items, spec):
    return Dataset(lambda: iter(items), spec, len(items), "_VariantDataset")


def _flat_like(value, spec, what):
    """``value`` (given per component, or one for all) as a list per component."""
    if _s.is_structure(spec):
        if isinstance(value, list):
            value = tuple(value)
        if not _s.is_structure(value):
            return [value] * len(_s.leaves(spec))
        return _s.leaves(value) if what != "padded_shapes" else _shapes_in(value)
    return [value]


def _shapes_in(value):
    """The shapes in a ``padded_shapes`` structure, a shape (a list or tuple of sizes)
    being one leaf."""
    if isinstance(value, dict):
        return [s for k in sorted(value) for s in _shapes_in(value[k])]
    if isinstance(value, tuple) and any(isinstance(v, (tuple, list, dict, TensorShape))
                                        for v in value):
        return [s for v in value for s in _shapes_in(v)]
    return [value]


def _padded_shape(padded, spec):
    dims = tuple(None if d is None or int(d) == -1 else int(d)
                 for d in (padded.as_list() if isinstance(padded, TensorShape)
                           else (np.asarray(padded).tolist() if np.ndim(padded) else
                                 [padded])))
    if spec._shape is not None and len(dims) != len(spec._shape):
        raise ValueError(f"The padded shape {_s.shape_text(dims)} is not compatible with the "
                         f"shape {_s.shape_text(spec._shape)} of the corresponding input "
                         f"component.")
    return dims


def _pad_stack(parts, target, pad):
    sizes = [max(np.shape(p)[d] for p in parts) if t is None else t
             for d, t in enumerate(target)]
    out = np.full((len(parts),) + tuple(sizes), pad, dtype=np.asarray(parts[0]).dtype)
    for i, p in enumerate(parts):
        if any(s > t for s, t in zip(np.shape(p), sizes)):
            raise InvalidArgumentError("Attempted to pad to a smaller size than the input "
                                       "element.")
        out[(i,) + tuple(slice(0, s) for s in np.shape(p))] = p
    return out


def _generator_spec(output_types, output_shapes, output_signature):
    if output_signature is not None:
        if output_types is not None or output_shapes is not None:
            raise TypeError("The `output_types` and `output_shapes` arguments should not be "
                            "specified together with the `output_signature` argument.")
        return _s.normalize_output(output_signature)
    if output_types is None:
        raise TypeError("To specify the output signature you need to provide either the "
                        "`output_signature` argument or the `output_types` argument.")
    types = _s.normalize_output(output_types)
    if output_shapes is None:
        return _s.map_specs(lambda t: TensorSpec(None, t), types)
    shapes = _shapes_in(_s.normalize_output(output_shapes)) if _s.is_structure(types) \
        else [output_shapes]
    return _s.pack(types, [TensorSpec(tuple(TensorShape(sh).as_list()) if sh is not None
                                      else None, t)
                           for t, sh in zip(_s.leaves(types), shapes)])


def _from_generator_value(value, spec):
    """One yielded value as an element of ``spec``: TensorFlow's checks and
    conversions (as ``np.asarray(value, dtype)``), its errors as InvalidArgumentError."""
    value = _s.normalize_output(value)
    try:
        flat = _flatten_up_to(spec, value)
    except (TypeError, ValueError):
        types = _s.map_specs(lambda s: s.dtype, spec)
        raise InvalidArgumentError(
            f"TypeError: `generator` yielded an element that did not match the expected "
            f"structure. The expected structure was {_types_text(types)}, but the yielded "
            f"element was {value!r}.") from None
    parts = []
    for v, s in zip(flat, _s.leaves(spec)):
        try:
            a = np.asarray(v.numpy() if isinstance(v, TensorLike) else v, dtype=s.dtype._np)
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                f"TypeError: `generator` yielded an element that could not be converted to "
                f"the expected type. The expected type was {s.dtype.name}, but the yielded "
                f"element was {v!r}.") from None
        if s._shape is not None and not _fits(a.shape, s._shape):
            raise InvalidArgumentError(
                f"TypeError: `generator` yielded an element of shape {_s.shape_text(a.shape)} "
                f"where an element of shape {_s.shape_text(s._shape)} was expected.")
        parts.append(a)
    return _s.pack(spec, parts)


def _types_text(types):
    if isinstance(types, tuple):
        inner = ", ".join(_types_text(t) for t in types)
        return f"({inner}{',' if len(types) == 1 else ''})"
    if isinstance(types, dict):
        return "{" + ", ".join(f"{k!r}: {_types_text(v)}" for k, v in types.items()) + "}"
    return f"tf.{types.name}"


def _fits(shape, pattern):
    return len(shape) == len(pattern) and all(p is None or p == d for d, p in zip(shape, pattern))


def _flatten_up_to(spec, value):
    if isinstance(spec, dict):
        if not isinstance(value, dict) or set(value) != set(spec):
            raise TypeError("structure")
        return [v for k in sorted(spec) for v in _flatten_up_to(spec[k], value[k])]
    if isinstance(spec, tuple):
        if not isinstance(value, tuple) or len(value) != len(spec):
            raise TypeError("structure")
        return [v for s, x in zip(spec, value) for v in _flatten_up_to(s, x)]
    return [value]


class _SeedGenerator:
    """The seeds of each pass of a ``shuffle``, as TensorFlow's seed generator: from
    the op and global seeds (``tf.random``'s rule), the same each pass, or (when
    reshuffling) two new words of their Philox stream each pass."""

    def __init__(self, seed, reshuffle):
        from .. import random as _random
        source = _random._source(None if seed is None else int(seed), False)
        if source is None:  # no seed anywhere: random seeds, as TensorFlow's
            seeds = _random._global["rng"].integers(1, 2**63, size=2)
            self._seeds = int(seeds[0]), int(seeds[1])
        else:
            self._seeds = source[1], source[2]
        self._reshuffle = reshuffle
        self._drawn = 0

    def next_seeds(self):
        if not self._reshuffle:
            return self._seeds
        from ._shuffle import philox_words
        words = philox_words(*self._seeds, self._drawn, 2)
        self._drawn += 2
        return int(words[0]), int(words[1])

