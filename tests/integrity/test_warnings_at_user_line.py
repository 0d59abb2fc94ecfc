"""NumPy's floating-point warnings from an op point at the user's line.

Run in a fresh interpreter: the test runner replaces the warning filters that
``import gradtape`` sets up.
"""
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = textwrap.dedent("""\
    import gradtape as tf
    x = tf.constant([0.0, 1.0])
    y = tf.math.log(x)
    z = tf.math.log(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        w = tf.reduce_sum(tf.sqrt(x))
    g = tape.gradient(w, x)
    print(y.numpy()[0], g.numpy()[0])
    """)


def run(tmp_path, *flags):
    script = tmp_path / "user_script.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, *flags, str(script)], capture_output=True,
                          text=True, env=env, cwd=tmp_path, check=True)


def test_each_warning_names_the_user_line_and_the_op(tmp_path):
    done = run(tmp_path)
    err = done.stderr
    assert "user_script.py:3: RuntimeWarning: log: divide by zero encountered in log" in err
    assert "user_script.py:4: RuntimeWarning: log: divide by zero" in err   # not once per engine line
    assert "user_script.py:8: RuntimeWarning:" in err                       # the backward pass
    assert "gradtape" not in err.replace("import gradtape", "")
    assert done.stdout.split() == ["-inf", "inf"]   # the results are still computed


def test_a_users_error_filter_still_raises():
    done = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c",
         "import gradtape as tf; tf.math.log(tf.constant(0.0))"],
        capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=ROOT))
    assert done.returncode != 0
    assert "RuntimeWarning: log: divide by zero" in done.stderr
