"""tf.train.CheckpointManager, latest_checkpoint and list_variables: TensorFlow
2.21's numbering, keeping, state file and restore flow."""
import os

import numpy as np
import pytest

import gradtape as tf


def _names(paths):
    return [os.path.basename(p) for p in paths]


def test_numbering_keeping_and_state_file(tmp_path):
    d = str(tmp_path)
    ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    manager = tf.train.CheckpointManager(ckpt, d, max_to_keep=2)
    assert (manager.latest_checkpoint, tf.train.latest_checkpoint(d), manager.checkpoints) == \
        (None, None, [])
    paths = [manager.save(), manager.save(), manager.save(checkpoint_number=10)]
    assert paths == [os.path.join(d, "ckpt-1"), os.path.join(d, "ckpt-2"),
                     os.path.join(d, "ckpt-10")]
    assert sorted(os.listdir(d)) == ["checkpoint", "ckpt-10", "ckpt-2"]
    state = open(os.path.join(d, "checkpoint")).read().splitlines()
    assert state[:3] == ['model_checkpoint_path: "ckpt-10"',
                         'all_model_checkpoint_paths: "ckpt-2"',
                         'all_model_checkpoint_paths: "ckpt-10"']
    assert manager.latest_checkpoint == tf.train.latest_checkpoint(d) == paths[2]
    assert _names(manager.checkpoints) == ["ckpt-2", "ckpt-10"]
    assert manager.directory == d
    # a next save of the same checkpoint continues its count (TensorFlow's save_counter)
    assert _names([manager.save()]) == ["ckpt-4"]


def test_a_new_manager_recovers_the_directory_state(tmp_path):
    d = str(tmp_path)
    ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    manager = tf.train.CheckpointManager(ckpt, d, max_to_keep=2)
    manager.save(), manager.save(checkpoint_number=10)
    again = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(5.0)), d, max_to_keep=2)
    assert again.latest_checkpoint == os.path.join(d, "ckpt-10")
    assert _names(again.checkpoints) == ["ckpt-1", "ckpt-10"]
    # a fresh Checkpoint counts from 1, as TensorFlow's does; the oldest is deleted
    assert _names([again.save()]) == ["ckpt-1"]
    assert sorted(os.listdir(d)) == ["checkpoint", "ckpt-1", "ckpt-10"]


def test_restore_flow(tmp_path):
    d = str(tmp_path)
    w = tf.Variable(3.0)
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(w=w), d, max_to_keep=3)
    called = []
    fresh = tf.train.CheckpointManager(tf.train.Checkpoint(w=tf.Variable(0.0)),
                                       str(tmp_path / "empty"), max_to_keep=1,
                                       init_fn=lambda: called.append(1))
    assert fresh.restore_or_initialize() is None and called == [1]
    path = manager.save()
    restored = tf.Variable(0.0)
    checkpoint = tf.train.Checkpoint(w=restored)
    checkpoint.restore(tf.train.latest_checkpoint(str(tmp_path / "empty")))   # None: nothing
    assert restored.numpy() == 0.0
    checkpoint.restore(tf.train.latest_checkpoint(d))
    assert restored.numpy() == 3.0
    restored.assign(0.0)
    assert tf.train.CheckpointManager(checkpoint, d, max_to_keep=3).restore_or_initialize() == path
    assert restored.numpy() == 3.0


def test_max_to_keep_none_and_interval(tmp_path):
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(1.0)),
                                         str(tmp_path / "all"), max_to_keep=None)
    for _ in range(4):
        manager.save()
    assert len(manager.checkpoints) == 4
    step = tf.Variable(0, dtype=tf.int64)
    spaced = tf.train.CheckpointManager(tf.train.Checkpoint(s=step), str(tmp_path / "spaced"),
                                        max_to_keep=5, step_counter=step, checkpoint_interval=10)
    saved = []
    for i in range(25):
        step.assign(i)
        saved.append(spaced.save() is not None)
    assert [i for i, s in enumerate(saved) if s] == [0, 10, 20]


@pytest.mark.parametrize("kwargs,text", [
    ({"max_to_keep": 0}, "Expected a positive integer or `None` for `max_to_keep`, got 0."),
    ({"max_to_keep": -1}, "Expected a positive integer or `None` for `max_to_keep`, got -1."),
    ({"max_to_keep": 1, "checkpoint_interval": 5},
     "`step_counter` should be passed if `checkpoint_interval` is not None."),
])
def test_errors(tmp_path, kwargs, text):
    with pytest.raises(ValueError, match=text.replace("(", r"\(").replace(")", r"\)")):
        tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(1.0)), str(tmp_path),
                                   **kwargs)


def test_list_variables(tmp_path):
    d = str(tmp_path)
    ckpt = tf.train.Checkpoint(model=tf.Variable(np.ones((2, 3), np.float32)),
                               step=tf.Variable(1.0))
    path = tf.train.CheckpointManager(ckpt, d, max_to_keep=1, checkpoint_name="model").save()
    assert os.path.basename(path) == "model-1"
    assert tf.train.list_variables(d) == tf.train.list_variables(path) == \
        [("model", [2, 3]), ("step", [])]
    with pytest.raises(tf.errors.NotFoundError, match="Failed to find any matching files"):
        tf.train.list_variables(os.path.join(d, "nope"))
    assert tf.train.latest_checkpoint(os.path.join(d, "nope")) is None
