"""The demo's training loop, its gradient field and its command line (without plotting)."""
import functools

import numpy as np
import pytest

import gradtape as tf
from gradtape import demo
from gradtape.__main__ import main as cli_main


def test_mlp_reaches_90_percent_on_held_out_digits():
    model, history = demo.train(epochs=4, seed=0, hidden=64)
    assert history["test_accuracy"][-1] >= 0.90
    assert history["loss"][-1] < history["loss"][0]
    (_, _), (x_test, y_test) = demo.digits_arrays()
    assert demo.accuracy(model, x_test, y_test) == history["test_accuracy"][-1]


def test_training_is_reproducible_for_a_seed():
    _, first = demo.train(epochs=1, seed=3, hidden=16)
    _, again = demo.train(epochs=1, seed=3, hidden=16)
    _, other = demo.train(epochs=1, seed=4, hidden=16)
    assert first == again
    assert first["loss"] != other["loss"]


def test_the_split_is_stratified_and_disjoint():
    (x, y), (x_test, y_test) = tf.data.load_digits()
    assert len(x) + len(x_test) == 1797
    counts = np.bincount(y_test, minlength=10) / np.bincount(np.concatenate([y, y_test]))
    np.testing.assert_allclose(counts, 0.2, atol=0.01)
    train_rows = {row.tobytes() for row in x}
    overlap = sum(row.tobytes() in train_rows for row in x_test)
    assert overlap < 10    # the data set has a few duplicate images, no shared rows otherwise


def test_gradient_field_is_the_analytic_gradient():
    xs, ys = np.linspace(-3, 3, 7), np.linspace(-2, 2, 5)
    X, Y, Z, U, V = demo.gradient_field(demo.landscape, xs, ys)
    assert X.shape == U.shape == (5, 7)
    np.testing.assert_allclose(Z, np.sin(X) * np.cos(Y) + 0.1 * (X ** 2 + Y ** 2), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(U, np.cos(X) * np.cos(Y) + 0.2 * X, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(V, -np.sin(X) * np.sin(Y) + 0.2 * Y, rtol=1e-5, atol=1e-6)


def test_command_line_trains_prints_and_saves(monkeypatch, capsys, tmp_path):
    saved = {}
    monkeypatch.setattr(demo, "_save_figure", lambda history, path: saved.update(history=history, path=path))
    monkeypatch.setattr(demo, "train", functools.partial(demo.train, hidden=16))
    monkeypatch.setattr(demo, "_missing_plotting", lambda: None)
    out = tmp_path / "curves.png"
    assert cli_main(["demo", "--epochs", "2", "--seed", "1", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "test accuracy:" in text and f"saved {out}" in text
    assert saved["path"] == str(out) and len(saved["history"]["loss"]) == 2


def test_epochs_flag_is_checked(capsys):
    with pytest.raises(SystemExit):
        demo.parse_args(["--epochs", "0"])
    assert "--epochs must be at least 1" in capsys.readouterr().err


def test_demo_help_lists_its_flags(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli_main(["demo", "-h"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "--epochs" in text and "--seed" in text and "--out" in text


def test_out_as_a_missing_directory_is_created_with_the_picture_inside(monkeypatch, tmp_path):
    saved = {}
    monkeypatch.setattr(demo, "_save_figure", lambda history, path: saved.update(path=path))
    monkeypatch.setattr(demo, "train", functools.partial(demo.train, hidden=8))
    monkeypatch.setattr(demo, "_missing_plotting", lambda: None)
    out = tmp_path / "results" / "run1"
    assert cli_main(["demo", "--epochs", "1", "--out", str(out)]) == 0
    assert out.is_dir()
    assert saved["path"] == str(out / "gradtape_demo.png")


def test_a_missing_plotting_extra_is_said_before_training(monkeypatch, capsys):
    events = []
    real_train = demo.train
    monkeypatch.setattr(demo, "_missing_plotting", lambda: "no picture: install matplotlib")

    def fake_train(**kwargs):
        events.append(("train", capsys.readouterr().err))
        return real_train(epochs=1, hidden=8)
    monkeypatch.setattr(demo, "train", fake_train)
    assert cli_main(["demo", "--epochs", "1"]) == 1
    assert events and "no picture: install matplotlib" in events[0][1]
