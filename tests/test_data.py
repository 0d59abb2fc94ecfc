"""``tf.data.Dataset``: element specs, cardinalities, seeded shuffle orders, errors
and ``tf.function`` loops, each expected value TensorFlow 2.21's (as it printed
them for the same program)."""
import numpy as np
import pytest

import gradtape as tf


@pytest.fixture(autouse=True)
def no_global_seed():
    # as a TensorFlow program starts: a seeded shuffle then draws from its op seed alone
    tf.random.set_seed(None)
    yield
    tf.random.set_seed(None)


def numbers(ds):
    return [np.asarray(x).tolist() for x in ds.as_numpy_iterator()]


# -- structure and specs --------------------------------------------------------

def test_specs_of_the_sources():
    assert repr(tf.data.Dataset.from_tensor_slices({"b": [1., 2.], "a": [[1, 2], [3, 4]]})
                .element_spec) == ("{'b': TensorSpec(shape=(), dtype=tf.float32, name=None), "
                                   "'a': TensorSpec(shape=(2,), dtype=tf.int32, name=None)}")
    assert repr(tf.data.Dataset.from_tensors([[1, 2], [3, 4]]).element_spec) == \
        "TensorSpec(shape=(2, 2), dtype=tf.int32, name=None)"
    assert tf.data.Dataset.from_tensor_slices(np.array([1.0, 2.0])).element_spec.dtype == \
        tf.float64
    assert tf.data.Dataset.from_tensor_slices([1, 2.5]).element_spec.dtype == tf.float32
    assert repr(tf.data.Dataset.range(3).element_spec) == \
        "TensorSpec(shape=(), dtype=tf.int64, name=None)"
    assert numbers(tf.data.Dataset.range(10, 2, -3)) == [10, 7, 4]


def test_a_dict_element_keeps_its_order_and_a_list_returned_by_map_is_a_tuple():
    ds = tf.data.Dataset.from_tensor_slices({"b": [1., 2.], "a": [[1, 2], [3, 4]]})
    assert list(next(iter(ds))) == ["b", "a"]
    assert repr(tf.data.Dataset.from_tensor_slices([1, 2, 3]).map(lambda x: [x, x])
                .element_spec) == ("(TensorSpec(shape=(), dtype=tf.int32, name=None), "
                                   "TensorSpec(shape=(), dtype=tf.int32, name=None))")
    nested = tf.data.Dataset.from_tensor_slices(((np.ones((2, 1)), [1, 2]), {"k": [3., 4.]}))
    assert numbers(nested.map(lambda a, d: (a[1] + 1, d["k"]))) == [[2, 3.0], [3, 4.0]]


def test_batched_specs_and_windows():
    ds = tf.data.Dataset.from_tensor_slices([1, 2, 3])
    assert repr(ds.batch(2)) == ("<_BatchDataset element_spec=TensorSpec(shape=(None,), "
                                 "dtype=tf.int32, name=None)>")
    assert repr(ds.batch(2, drop_remainder=True).element_spec) == \
        "TensorSpec(shape=(2,), dtype=tf.int32, name=None)"
    assert repr(ds.batch(2).concatenate(ds.batch(2, drop_remainder=True)).element_spec) == \
        "TensorSpec(shape=(None,), dtype=tf.int32, name=None)"
    assert repr(ds.window(2).element_spec) == \
        "DatasetSpec(TensorSpec(shape=(), dtype=tf.int32, name=None), TensorShape([]))"
    windows = tf.data.Dataset.range(7).window(3, shift=2)
    assert [numbers(w) for w in windows] == [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]
    windows = tf.data.Dataset.range(10).window(3, shift=4, stride=2)
    assert [numbers(w) for w in windows] == [[0, 2, 4], [4, 6, 8], [8]]
    pairs = tf.data.Dataset.from_tensor_slices(([1, 2, 3], [4, 5, 6])).window(2)
    assert [(numbers(a), numbers(b)) for a, b in pairs] == [([1, 2], [4, 5]), ([3], [6])]
    padded = tf.data.Dataset.range(1, 4).map(lambda x: (tf.fill([x], x), x)).padded_batch(
        2, padded_shapes=([4], []), padding_values=(np.int64(-1), np.int64(0)))
    assert [[a.tolist() for a in batch] for batch in padded.as_numpy_iterator()] == [
        [[[1, -1, -1, -1], [2, 2, -1, -1]], [1, 2]], [[[3, 3, 3, -1]], [3]]]


def test_cardinality():
    ds = tf.data.Dataset.from_tensor_slices([1, 2, 3])
    true = lambda x: True  # noqa: E731
    got = [int(c) for c in (
        ds.take(2).cardinality(), ds.take(-1).cardinality(), ds.skip(5).cardinality(),
        ds.repeat(2).cardinality(), ds.repeat().take(5).cardinality(),
        ds.batch(2).cardinality(), ds.repeat(0).cardinality(), ds.repeat().skip(2).cardinality(),
        ds.skip(-1).cardinality(), ds.filter(true).repeat().cardinality(),
        ds.filter(true).take(2).cardinality(), ds.repeat().filter(true).cardinality(),
        ds.repeat().batch(2).cardinality(), tf.data.Dataset.zip(ds, ds.filter(true)).cardinality(),
        tf.data.Dataset.zip(ds.repeat(), ds.filter(true)).cardinality(),
        ds.concatenate(ds.repeat()).cardinality(), ds.shard(2, 1).cardinality(),
        tf.data.Dataset.zip(ds, ds.repeat()).cardinality(), ds.shuffle(2).cardinality())]
    # TensorFlow 2.21's
    assert got == [2, 3, 0, 6, 5, 2, 0, -1, 0, -1, -2, -2, -1, -2, -2, -1, 1, 3, 3]
    assert ds.cardinality().dtype == tf.int64
    assert int(tf.data.experimental.cardinality(ds.repeat())) == tf.data.INFINITE_CARDINALITY
    assert (tf.data.AUTOTUNE, tf.data.experimental.AUTOTUNE, tf.data.UNKNOWN_CARDINALITY,
            tf.data.experimental.UNKNOWN_CARDINALITY) == (-1, -1, -2, -2)
    windows = [int(tf.data.Dataset.range(n).window(3, shift=2, stride=s, drop_remainder=d)
                   .cardinality()) for n in (0, 1, 5, 6, 7) for s in (1, 2) for d in (False, True)]
    assert windows == [0, 0, 0, 0, 1, 0, 1, 0, 3, 2, 3, 1, 3, 2, 3, 1, 4, 3, 4, 2]


def test_len():
    ds = tf.data.Dataset.from_tensor_slices([1, 2, 3])
    assert len(ds) == 3 and len(ds.batch(2)) == 2
    with pytest.raises(TypeError, match="^The dataset is infinite.$"):
        len(ds.repeat())
    with pytest.raises(TypeError, match="^The dataset length is unknown.$"):
        len(ds.filter(lambda x: x > 1))


def test_transformations():
    ds = tf.data.Dataset.from_tensor_slices([1, 2, 3])
    assert numbers(ds.enumerate(start=5)) == [[5, 1], [6, 2], [7, 3]]
    assert numbers(tf.data.Dataset.range(10).shard(3, 1)) == [1, 4, 7]
    assert numbers(tf.data.Dataset.from_tensor_slices([1, 2, 1, 3]).unique()) == [1, 2, 3]
    assert numbers(ds.batch(2).unbatch()) == [1, 2, 3]
    assert str(tf.data.Dataset.from_tensors(3).get_single_element()) == \
        "tf.Tensor(3, shape=(), dtype=int32)"
    state = tf.data.Dataset.range(4).reduce(
        {"s": np.int64(0), "c": np.int64(0)}, lambda st, x: {"s": st["s"] + x, "c": st["c"] + 1})
    assert {k: int(v) for k, v in state.items()} == {"s": 6, "c": 4}
    interleaved = tf.data.Dataset.range(1, 6).interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(x), cycle_length=2, block_length=2)
    assert numbers(interleaved) == [1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 4, 4, 5, 5, 5]
    generated = tf.data.Dataset.from_generator(
        lambda: iter([(1, [2.])]), output_types=(tf.int32, tf.float32),
        output_shapes=((), (None,)))
    assert repr(generated.element_spec) == (
        "(TensorSpec(shape=(), dtype=tf.int32, name=None), TensorSpec(shape=(None,), "
        "dtype=tf.float32, name=None))")
    unknown = tf.data.Dataset.from_generator(lambda: iter([1]), output_types=tf.int32)
    assert repr(unknown.element_spec) == "TensorSpec(shape=<unknown>, dtype=tf.int32, name=None)"
    # a yielded value is converted as np.asarray(value, dtype) converts it
    truncated = tf.data.Dataset.from_generator(
        lambda: iter([1.5]), output_signature=tf.TensorSpec((), tf.int32))
    assert numbers(truncated) == [1]


def test_cache_keeps_the_first_complete_pass():
    ds = tf.data.Dataset.range(20).shuffle(20, seed=1)
    cached = ds.cache()
    first = numbers(cached)
    assert numbers(cached) == first and numbers(ds) != first


def test_iterators():
    it = iter(tf.data.Dataset.range(1))
    assert int(it.get_next()) == 0
    with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):
        it.get_next()


# -- shuffle: TensorFlow's order ----------------------------------------------------

def test_seeded_shuffle_orders_are_tensorflows():
    ds = tf.data.Dataset.range(10).shuffle(4, seed=42)
    assert numbers(ds) == [1, 4, 2, 3, 5, 0, 6, 8, 7, 9]
    assert numbers(ds) == [3, 4, 2, 0, 1, 8, 5, 7, 9, 6]  # the next pass reshuffles
    fixed = tf.data.Dataset.range(10).shuffle(4, seed=42, reshuffle_each_iteration=False)
    assert numbers(fixed) == numbers(fixed) == [0, 1, 3, 4, 5, 2, 6, 9, 7, 8]
    assert numbers(tf.data.Dataset.range(5).shuffle(10, seed=1).repeat(3)) == \
        [0, 4, 3, 1, 2, 3, 1, 0, 4, 2, 0, 1, 3, 4, 2]
    assert numbers(tf.data.Dataset.range(10).repeat(2).shuffle(4, seed=1)) == \
        [0, 4, 5, 1, 2, 7, 9, 6, 3, 1, 8, 3, 4, 2, 5, 0, 8, 7, 9, 6]


def test_shuffle_seeds_follow_the_global_seed():
    try:
        tf.random.set_seed(7)
        assert numbers(tf.data.Dataset.range(10).shuffle(10)) == [8, 9, 2, 3, 1, 5, 4, 6, 7, 0]
        assert numbers(tf.data.Dataset.range(10).shuffle(10)) == [4, 7, 1, 5, 3, 0, 6, 2, 8, 9]
        tf.random.set_seed(7)
        assert numbers(tf.data.Dataset.range(10).shuffle(10, seed=3)) == \
            [9, 7, 3, 8, 6, 2, 0, 5, 4, 1]
        tf.random.set_seed(0)
        assert numbers(tf.data.Dataset.range(6).shuffle(6, seed=0)) == [4, 3, 5, 0, 2, 1]
        tf.random.set_seed(3)
        tf.random.uniform((3,), seed=1)
        # a shuffle takes the next op seed, as other ops do
        assert numbers(tf.data.Dataset.range(8).shuffle(8)) == [3, 4, 0, 2, 6, 1, 7, 5]
    finally:
        tf.random.set_seed(None)


def test_each_iterator_takes_the_next_seeds_when_it_starts():
    ds = tf.data.Dataset.range(10).shuffle(4, seed=1)
    it = iter(ds)
    assert int(next(it)) == 0
    assert [int(x) for x in iter(ds)] == [2, 1, 3, 4, 6, 8, 7, 9, 5, 0]
    assert [int(x) for x in it] == [4, 5, 1, 2, 7, 9, 8, 6, 3]
    assert [[int(x) for x in ds.take(3)] for _ in range(2)] == [[3, 1, 0], [0, 2, 1]]


# -- errors ------------------------------------------------------------------------

def test_a_map_function_of_the_wrong_structure():
    pairs = tf.data.Dataset.from_tensor_slices(([1, 2], [3, 4]))
    with pytest.raises(TypeError, match="(?s)in user code:.*takes 1 positional argument but 2 "
                                        "were given"):
        pairs.map(lambda x: x)
    with pytest.raises(TypeError, match="(?s)in user code:.*missing 1 required positional "
                                        "argument: 'y'"):
        tf.data.Dataset.from_tensor_slices([1, 2]).map(lambda x, y: x)


def test_batching_elements_of_different_shapes_needs_padded_batch():
    ragged = tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], x))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Cannot add tensor to the batch: number of elements does not "
                             r"match. Shapes are: \[tensor\]: \[2\], \[batch\]: \[1\]"):
        list(ragged.batch(2))
    assert numbers(ragged.padded_batch(2)) == [[[1, 0], [2, 2]], [[3, 3, 3]]]


def test_other_errors():
    ds = tf.data.Dataset.from_tensor_slices([1, 2, 3])
    bool_type = "`predicate` must return a `tf.bool` scalar tensor, but its return type is"
    with pytest.raises(ValueError, match=bool_type + r" TensorSpec\(shape=\(\), dtype=tf.int32"):
        ds.filter(lambda x: x)
    with pytest.raises(ValueError, match="Cannot unbatch an input with scalar components."):
        ds.unbatch()
    with pytest.raises(TypeError, match="Incompatible dataset elements:"):
        ds.concatenate(tf.data.Dataset.from_tensor_slices([1.0]))
    with pytest.raises(ValueError, match="Dimensions 2 and 3 are not compatible"):
        tf.data.Dataset.from_tensor_slices(([1, 2], [1, 2, 3]))
    with pytest.raises(ValueError, match="Unbatching a tensor is only supported for rank >= 1"):
        tf.data.Dataset.from_tensor_slices(1)
    with pytest.raises(TypeError, match="provide either the `output_signature` argument or "
                                        "the `output_types` argument"):
        tf.data.Dataset.from_generator(lambda: iter([1, 2]))
    bad_shape = tf.data.Dataset.from_generator(lambda: iter([[1, 2], [3]]),
                                               output_signature=tf.TensorSpec((2,), tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"`generator` yielded an element of shape \(1,\) where an element "
                             r"of shape \(2,\) was expected."):
        list(bad_shape)
    bad_structure = tf.data.Dataset.from_generator(lambda: iter([1]), output_signature=(
        tf.TensorSpec((), tf.int32), tf.TensorSpec((), tf.int32)))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"did not match the expected structure. The expected structure "
                             r"was \(tf.int32, tf.int32\), but the yielded element was 1."):
        list(bad_structure)
    with pytest.raises(NotImplementedError, match="cycle_length"):
        ds.interleave(tf.data.Dataset.from_tensors)
    with pytest.raises(NotImplementedError, match="caching to files"):
        ds.cache("/tmp/cache")
    with pytest.raises(AttributeError, match="TensorFlow's tf.data.TFRecordDataset is not "
                                             "implemented"):
        tf.data.TFRecordDataset


# -- tf.function ------------------------------------------------------------------

def test_a_compiled_step_in_a_python_loop_over_a_dataset_traces_per_shape():
    w = tf.Variable([[1.0], [2.0]])

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((x @ w - y) ** 2)
        w.assign_sub(0.01 * tape.gradient(loss, w))
        return loss
    x = np.arange(12, dtype="float32").reshape(6, 2)
    y = np.arange(6, dtype="float32").reshape(6, 1)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
    losses = []
    for _ in range(3):
        for xb, yb in ds:
            loss = step(xb, yb)
        losses.append(float(loss))
    # TensorFlow 2.21's (to float32 rounding), and its two traces: batches of 4 and of 2
    np.testing.assert_allclose(losses, [49.72931, 37.589417, 20.511162], rtol=2e-6)
    assert step.experimental_get_tracing_count() == 2


def test_a_function_looping_over_a_dataset_argument_reads_it_on_every_call():
    x = np.arange(12, dtype="float32").reshape(6, 2)
    y = np.arange(6, dtype="float32").reshape(6, 1)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)

    @tf.function
    def total(ds):
        s = tf.constant(0.0)
        for xb, yb in ds:
            s += tf.reduce_sum(xb) + tf.reduce_sum(yb)
        return s
    other = tf.data.Dataset.from_tensor_slices((x * 2, y)).batch(3)
    assert [float(total(d)) for d in (ds, ds, ds.take(1), other)] == [81.0, 81.0, 34.0, 147.0]
    assert total.experimental_get_tracing_count() == 1  # as TensorFlow: one spec, one trace
    reshaped = ds.shuffle(3, seed=1).unbatch().batch(2, drop_remainder=True)
    assert float(total(reshaped)) == 81.0
    assert total.experimental_get_tracing_count() == 1
