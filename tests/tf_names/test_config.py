"""``tf.config`` as TensorFlow 2.21 answers on a machine without a GPU."""
import pytest

import gradtape as tf


def test_device_lists_hold_the_cpu_alone():
    # TF: [PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')], [] for GPU,
    # [LogicalDevice(name='/device:CPU:0', device_type='CPU')]; device types ignore case
    cpu = tf.config.list_physical_devices("CPU")
    assert [(d.name, d.device_type) for d in cpu] == [("/physical_device:CPU:0", "CPU")]
    assert repr(cpu[0]) == "PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')"
    assert tf.config.list_physical_devices() == cpu == tf.config.list_physical_devices("cpu")
    assert tf.config.list_physical_devices("GPU") == []
    assert tf.config.experimental.list_physical_devices("CPU") == cpu
    assert [(d.name, d.device_type) for d in tf.config.list_logical_devices()] == [
        ("/device:CPU:0", "CPU")]
    assert tf.config.get_visible_devices() == cpu


def test_the_gpu_setup_idiom_runs_and_memory_growth_on_a_cpu_raises():
    for gpu in tf.config.list_physical_devices("GPU"):
        tf.config.experimental.set_memory_growth(gpu, True)
    tf.config.set_visible_devices([], "GPU")
    with pytest.raises(ValueError, match="Cannot set memory growth on non-GPU"):
        tf.config.experimental.set_memory_growth(tf.config.list_physical_devices("CPU")[0], True)
    with pytest.raises(ValueError, match="CPU must stay visible"):
        tf.config.set_visible_devices([], "CPU")
    tf.config.experimental.enable_op_determinism()


def test_run_functions_eagerly_runs_the_python_function():
    # TF's docstring example: with run_functions_eagerly(True), fn() prints True twice
    seen = []

    @tf.function
    def fn():
        seen.append(tf.executing_eagerly())
        return tf.constant(1.0)

    assert tf.config.functions_run_eagerly() is False
    tf.config.run_functions_eagerly(True)
    try:
        assert tf.config.functions_run_eagerly() is True
        fn()
        fn()
    finally:
        tf.config.run_functions_eagerly(False)
    fn()
    assert seen == [True, True, False]


def test_settings_read_back():
    # TF: soft placement True; thread counts 0 (TensorFlow's choice) until set
    assert tf.config.get_soft_device_placement() is True
    assert tf.config.threading.get_intra_op_parallelism_threads() == 0
    tf.config.threading.set_inter_op_parallelism_threads(2)
    try:
        assert tf.config.threading.get_inter_op_parallelism_threads() == 2
    finally:
        tf.config.threading.set_inter_op_parallelism_threads(0)
