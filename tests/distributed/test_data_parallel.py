"""Data-parallel gradients on a 2-worker Dask LocalCluster equal the
single-process gradients, survive a worker dying mid-step, and bring the
workers' errors back to the driver."""
import os

import numpy as np
import pytest

import gradtape as tf
from gradtape.distribute import DataParallel, ShardedData

pytest.importorskip("distributed", reason="needs the distributed extra (dask[distributed])")


@pytest.fixture(scope="module")
def strategy():
    with DataParallel(n_workers=2) as s:
        yield s


def _data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 8)).astype(np.float32)
    y = (np.sin(x[:, :1]) + 0.1 * rng.standard_normal((n, 1))).astype(np.float32)
    return x, y


def _params(seed=1):
    rng = np.random.default_rng(seed)
    return [tf.Variable(rng.standard_normal((8, 16)).astype(np.float32) * 0.3, name="w1"),
            tf.Variable(np.zeros(16, np.float32), name="b1"),
            tf.Variable(rng.standard_normal((16, 1)).astype(np.float32) * 0.3, name="w2"),
            tf.Variable(np.zeros(1, np.float32), name="b2")]


def mlp_loss(variables, x, y):
    w1, b1, w2, b2 = variables
    h = tf.tanh(tf.constant(x) @ w1 + b1)
    return tf.reduce_mean(tf.square(h @ w2 + b2 - tf.constant(y)))


def _local_gradients(variables, x, y):
    with tf.GradientTape() as tape:
        loss = mlp_loss(variables, x, y)
    return tape.gradient(loss, variables), float(loss)


def test_gradients_equal_single_process(strategy):
    x, y = _data(601)  # an odd count: the shards differ in size
    variables = _params()
    data = strategy.scatter(x, y)
    assert data.sizes == ShardedData.split_sizes(601, 2) == [301, 300]
    grads, loss = strategy.gradients(mlp_loss, variables, data)
    want, want_loss = _local_gradients(variables, x, y)
    for g, w in zip(grads, want):
        assert g.dtype == tf.float32 and g.shape == w.shape
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-4, atol=1e-6)
    assert loss == pytest.approx(want_loss, rel=1e-5)


def test_mini_batches_use_only_their_rows(strategy):
    x, y = _data(400)
    variables = _params()
    data = strategy.scatter(x, y)
    idx = [np.array([0, 5, 7]), np.array([1, 2])]
    grads, _ = strategy.gradients(mlp_loss, variables, data, batch_indices=idx)
    rows = np.concatenate([idx[0], data.sizes[0] + idx[1]])
    want, _ = _local_gradients(variables, x[rows], y[rows])
    for g, w in zip(grads, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-4, atol=1e-6)


def _train(strategy, loss_fn, steps=4):
    x, y = _data(300)
    variables = _params()
    data = strategy.scatter(x, y)
    for _ in range(steps):
        grads, _ = strategy.gradients(loss_fn, variables, data)
        for v, g in zip(variables, grads):
            v.assign_sub(0.1 * g)
    return [v.numpy() for v in variables]


def test_worker_killed_mid_step_training_continues(strategy, tmp_path):
    clean = _train(strategy, mlp_loss)
    marker = str(tmp_path / "killed")

    def dies_once(variables, x, y):
        # the first call on any worker kills that worker's process mid-step;
        # creating the marker is atomic, so exactly one worker dies
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return mlp_loss(variables, x, y)
        os._exit(1)

    faulty = _train(strategy, dies_once)
    assert os.path.exists(marker), "no worker was killed"
    for a, b in zip(clean, faulty):
        np.testing.assert_array_equal(a, b)


def failing_loss(variables, x, y):
    raise ValueError("a bug in the user's loss")


def test_worker_error_comes_back_with_traceback(strategy):
    x, y = _data(50)
    data = strategy.scatter(x, y)
    with pytest.raises(ValueError, match="a bug in the user's loss") as info:
        strategy.gradients(failing_loss, _params(), data)
    assert "failing_loss" in "".join(str(tb.name) for tb in info.traceback)


def test_scatter_rejects_mismatched_arrays(strategy):
    with pytest.raises(ValueError, match="share their first dimension"):
        strategy.scatter(np.zeros((3, 2)), np.zeros((4, 1)))


def test_copies_of_variables_are_new_variables():
    import copy
    import pickle
    v = tf.Variable([1.0, 2.0], name="w", trainable=False)
    for c in (copy.deepcopy(v), pickle.loads(pickle.dumps(v))):
        assert c._uid != v._uid and c.name == "w:0" and not c.trainable
        np.testing.assert_array_equal(c.numpy(), v.numpy())
    t = tf.constant([3.0])
    assert pickle.loads(pickle.dumps(t))._uid != t._uid


def _digits_loss(model, x, y):
    from gradtape import losses
    one_hot = np.eye(10, dtype=np.float32)[y]
    logits = model(x, training=True)
    return losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)(one_hot, logits)


def test_fit_on_digits_matches_single_process_accuracy(strategy):
    from gradtape import demo, optimizers
    epochs, batch_size = 10, 32
    _, single = demo.train(epochs=epochs, batch_size=batch_size, seed=0)
    (x, y), (x_test, y_test) = demo.digits_arrays()
    tf.random.set_seed(0)
    model = demo.build_model()
    model(x[:1])  # build the layers so their variables exist
    steps = epochs * int(np.ceil(len(x) / batch_size))
    schedule = optimizers.schedules.CosineDecay(5e-3, decay_steps=steps, alpha=0.05)
    optimizer = optimizers.AdamW(learning_rate=schedule, weight_decay=1e-2)
    history = strategy.fit(model, optimizer, _digits_loss, (x, y), epochs=epochs,
                           batch_size=batch_size, progress=False)
    assert len(history) == epochs and history[-1] < history[0]
    parallel_acc = demo.accuracy(model, x_test, y_test)
    assert parallel_acc >= 0.95
    assert abs(parallel_acc - single["test_accuracy"][-1]) <= 0.01


def test_fit_needs_a_built_model(strategy):
    from gradtape import layers, optimizers
    model = layers.Sequential([layers.Dense(3)])
    with pytest.raises(ValueError, match="no trainable variables"):
        strategy.fit(model, optimizers.SGD(0.1), _digits_loss, (np.zeros((4, 2)), np.zeros(4, int)))


def test_no_worker_left_is_a_clear_error():
    from gradtape.distribute import WorkerLostError

    class NoWorkers:
        def scheduler_info(self):
            return {"workers": {}}

        def wait_for_workers(self, n, timeout):
            raise TimeoutError

    strategy = DataParallel.__new__(DataParallel)
    strategy.client, strategy.worker_wait = NoWorkers(), 0.1
    with pytest.raises(WorkerLostError, match="no Dask worker is left"):
        strategy.scatter(np.zeros((4, 2)))


def test_untrainable_variables_get_no_gradient_as_in_one_process(strategy):
    x, y = _data(40)
    variables = _params()
    variables[1] = tf.Variable(variables[1].numpy(), trainable=False, name="b1")
    grads, _ = strategy.gradients(mlp_loss, variables, strategy.scatter(x, y))
    want, _ = _local_gradients(variables, x, y)
    assert want[1] is None and grads[1] is None
    assert all(g is not None for i, g in enumerate(grads) if i != 1)


def test_a_users_os_error_is_raised_at_once_not_retried(strategy, tmp_path):
    calls = tmp_path / "calls"

    def missing_file(variables, x, y):
        with open(calls, "a") as f:
            f.write("x")
        open(tmp_path / "no-such-file.npy")

    x, y = _data(40)
    with pytest.raises(FileNotFoundError, match="no-such-file"):
        strategy.gradients(missing_file, _params(), strategy.scatter(x, y))
    assert len(calls.read_text()) <= 2      # once per shard at most: never retried


def test_a_non_scalar_loss_is_a_clear_error(strategy):
    def per_example(variables, x, y):
        return tf.reduce_sum(tf.constant(x) @ variables[0], axis=1)

    x, y = _data(40)
    with pytest.raises(ValueError, match=r"scalar.*shape \(\d+,\).*reduce_mean"):
        strategy.gradients(per_example, _params(), strategy.scatter(x, y))


def test_a_step_that_never_finishes_times_out(strategy):
    import time

    def hangs(variables, x, y):
        time.sleep(3)
        return mlp_loss(variables, x, y)

    x, y = _data(40)
    data = strategy.scatter(x, y)
    strategy.step_timeout = 0.5
    try:
        with pytest.raises(TimeoutError, match=r"step_timeout=0.5 s: shards \[0, 1\]"):
            strategy.gradients(hangs, _params(), data)
    finally:
        strategy.step_timeout = DataParallel.step_timeout
    time.sleep(3)  # let the workers finish the abandoned step


def test_a_shard_that_always_kills_its_worker_is_named(monkeypatch):
    from gradtape.distribute import WorkerLostError
    from gradtape.keras.distribute import _WorkerFault

    strategy = DataParallel.__new__(DataParallel)
    strategy.max_retries, strategy._replicas = 1, {}
    data = ShardedData([(np.zeros((2, 1)),), (np.zeros((2, 1)),)], ["k0", "k1"], ["a", "b"])
    dying = iter([_WorkerFault(["b"], [1]), _WorkerFault(["a"], [0, 1])])

    def run_step(*args):
        raise next(dying)  # shard 1 moved to worker a, which then died too
    monkeypatch.setattr(strategy, "_run_step", run_step)
    monkeypatch.setattr(strategy, "_place", lambda data: None)
    with pytest.raises(WorkerLostError, match="failed 2 times.*shard 1 was on the worker"):
        strategy.gradients(mlp_loss, _params(), data)
    assert strategy._dead == {"a", "b"}


def test_unchanged_variables_are_not_sent_again_and_changed_ones_are(strategy):
    x, y = _data(100)
    variables = _params()
    data = strategy.scatter(x, y)
    replicas = len(set(data.workers))
    strategy.gradients(mlp_loss, variables, data)
    strategy.gradients(mlp_loss, variables, data)
    assert strategy.last_step["bytes_sent"] == 0          # nothing changed on the driver
    variables[2].assign(variables[2] * 2.0)               # the replicas' copy is now stale
    grads, loss = strategy.gradients(mlp_loss, variables, data)
    assert strategy.last_step["bytes_sent"] == variables[2].numpy().nbytes * replicas
    want, want_loss = _local_gradients(variables, x, y)
    for g, w in zip(grads, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-4, atol=1e-6)
    assert loss == pytest.approx(want_loss, rel=1e-5)


def test_every_update_of_a_training_loop_reaches_the_replicas(strategy):
    x, y = _data(120)
    variables, local = _params(), _params()
    data = strategy.scatter(x, y)
    for _ in range(3):
        grads, _ = strategy.gradients(mlp_loss, variables, data)
        want, _ = _local_gradients(local, x, y)
        for v, g, lv, w in zip(variables, grads, local, want):
            np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-4, atol=1e-6)
            v.assign_sub(0.5 * g)
            lv.assign_sub(0.5 * w)


def test_a_failed_step_leaves_no_stale_replica(strategy):
    x, y = _data(80)
    first, second = _params(1), _params(2)
    data = strategy.scatter(x, y)
    strategy.gradients(mlp_loss, first, data)
    with pytest.raises(ValueError, match="a bug in the user's loss"):
        strategy.gradients(failing_loss, second, data)   # the replicas took `second` then failed
    first[0].assign(first[0] + 1.0)
    grads, _ = strategy.gradients(mlp_loss, first, data)
    want, _ = _local_gradients(first, x, y)
    for g, w in zip(grads, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-4, atol=1e-6)


def test_a_closure_whose_captured_value_changed_is_sent_again(strategy):
    x, y = _data(60)
    variables = _params()
    data = strategy.scatter(x, y)
    scale = [1.0]

    def scaled_loss(variables, x, y):
        return mlp_loss(variables, x, y) * scale[0]

    _, once = strategy.gradients(scaled_loss, variables, data)
    scale[0] = 3.0
    _, thrice = strategy.gradients(scaled_loss, variables, data)
    assert thrice == pytest.approx(3.0 * once, rel=1e-6)


def _mse(model, x, y):
    return tf.reduce_mean(tf.square(model(x) - tf.constant(y)))


def test_fit_equals_the_same_steps_in_one_process(strategy):
    from gradtape import layers, optimizers
    x, y = _data(203)
    parallel = layers.Sequential([layers.Dense(16, activation="tanh"), layers.Dense(1)])
    single = layers.Sequential([layers.Dense(16, activation="tanh"), layers.Dense(1)])
    parallel(x[:1])
    single(x[:1])
    for a, b in zip(single.trainable_variables, parallel.trainable_variables):
        a.assign(b)
    epochs, batch_size, seed = 2, 40, 5
    history = strategy.fit(parallel, optimizers.Adam(0.01), _mse, (x, y), epochs=epochs,
                           batch_size=batch_size, seed=seed, progress=False)

    # the same global batches in one process: shard i's rows of each step, in shard order
    sizes = ShardedData.split_sizes(len(x), len(strategy.workers))
    offsets = np.cumsum([0] + sizes[:-1])
    per_shard = [max(1, round(batch_size * s / len(x))) for s in sizes]
    steps = int(np.ceil(max(s / b for s, b in zip(sizes, per_shard))))
    rng, optimizer, want_history = np.random.default_rng(seed), optimizers.Adam(0.01), []
    for _ in range(epochs):
        orders = [rng.permutation(s) for s in sizes]
        losses = []
        for step in range(steps):
            rows = np.concatenate([off + o[(step * b) % len(o):][:b]
                                   for off, o, b in zip(offsets, orders, per_shard)])
            with tf.GradientTape() as tape:
                loss = _mse(single, x[rows], y[rows])
            grads = tape.gradient(loss, single.trainable_variables)
            optimizer.apply_gradients(zip(grads, single.trainable_variables))
            losses.append(float(loss))
        want_history.append(np.mean(losses))
    np.testing.assert_allclose(history, want_history, rtol=1e-5)
    for a, b in zip(parallel.trainable_variables, single.trainable_variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-6)


def test_with_a_model_the_variables_must_be_its_trainable_variables(strategy):
    from gradtape import layers
    model = layers.Sequential([layers.Dense(1)])
    model(np.zeros((1, 8), np.float32))
    x, y = _data(20)
    with pytest.raises(ValueError, match="model.trainable_variables, in that order"):
        strategy.gradients(_mse, model.trainable_variables[::-1], strategy.scatter(x, y),
                           model=model)


def test_without_shared_memory_the_arrays_go_over_the_wire():
    x, y = _data(90)
    with DataParallel(n_workers=1) as strategy:
        strategy.share_memory = False
        data = strategy.scatter(x, y)
        (handle,) = strategy._replicas.values()
        assert not handle.shared
        variables = _params()
        strategy.gradients(mlp_loss, variables, data)
        variables[0].assign_add(variables[0])
        grads, _ = strategy.gradients(mlp_loss, variables, data)
        assert strategy.last_step["bytes_sent"] == variables[0].numpy().nbytes
    want, _ = _local_gradients(variables, x, y)
    for g, w in zip(grads, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-4, atol=1e-6)


def test_local_workers_share_memory_with_the_driver(strategy):
    x, y = _data(30)
    strategy.scatter(x, y)
    assert strategy._replicas and all(h.shared for h in strategy._replicas.values())


def test_a_shared_block_rewritten_before_it_is_read_is_refused():
    from gradtape.keras.distribute import _SharedBlock, _SharedReader
    block, reader = _SharedBlock(), _SharedReader()
    try:
        first = block.pack([np.arange(3.0), np.ones((2, 2), np.float32)])
        got = reader.arrays(first, copy=True)
        np.testing.assert_array_equal(got[0], [0.0, 1.0, 2.0])
        assert got[1].dtype == np.float32 and got[1].shape == (2, 2)
        block.pack([np.zeros(3)])
        with pytest.raises(RuntimeError, match="rewritten before it was read"):
            reader.arrays(first, copy=True)
    finally:
        reader.close()
        block.close()


def test_fit_with_a_worker_killed_mid_step_equals_the_fault_free_fit(strategy, tmp_path):
    from gradtape import layers, optimizers
    x, y = _data(160)
    marker = str(tmp_path / "killed")

    def dies_once(model, x, y):
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return _mse(model, x, y)
        os._exit(1)

    def fit(loss):
        model = layers.Sequential([layers.Dense(8, activation="tanh"), layers.Dense(1)])
        model(x[:1])
        for v, k in zip(model.trainable_variables, range(4)):
            v.assign(np.random.default_rng(k).standard_normal(v.shape).astype(np.float32) * 0.3)
        strategy.fit(model, optimizers.Adam(0.01), loss, (x, y), epochs=1, batch_size=40,
                     progress=False)
        return [v.numpy() for v in model.trainable_variables]

    clean, faulty = fit(_mse), fit(dies_once)
    assert os.path.exists(marker), "no worker was killed"
    for a, b in zip(clean, faulty):
        np.testing.assert_array_equal(a, b)
