"""Every script in examples/ runs, with small sizes."""
import importlib.util
from pathlib import Path

import numpy as np

import gradtape as tf

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_linear_regression_recovers_the_line(capsys):
    model = load("linear_regression").main(["--steps", "60"])
    assert abs(float(model.w.numpy()) - 3.0) < 0.15
    assert abs(float(model.b.numpy()) - 2.0) < 0.15
    assert "fitted y =" in capsys.readouterr().out


def test_mlp_digits_trains_and_checkpoints(tmp_path, capsys):
    path = tmp_path / "mlp.npz"
    accuracy = load("mlp_digits").main(["--epochs", "2", "--hidden", "16", "--checkpoint", str(path)])
    assert accuracy > 0.8
    assert f"saved {path}" in capsys.readouterr().out
    with np.load(path) as saved:
        assert saved["model/layers/0/kernel"].shape == (64, 16)
        assert int(saved["optimizer/iteration"]) == 2 * 45


def test_seed_notebook_runs(capsys):
    load("seed_notebook").main()
    out = capsys.readouterr().out
    assert "dy/dx of x**2 at 3: <tf.Tensor: shape=(), dtype=float32, numpy=6.0>" in out


def test_see_the_backward_pass_prints_the_program_and_trains(capsys):
    losses = load("see_the_backward_pass").main(["--steps", "50"])
    out = capsys.readouterr().out
    assert "relu_grad" in out and "matmul" in out and "traced 1 time(s)" in out
    assert losses[-1] < 0.8 * losses[0]
