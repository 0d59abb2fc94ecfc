"""The teaching notebook on gradients and GradientTape, cell by cell, on gradtape.

Run it with ``python examples/seed_notebook.py``: every cell prints what the
notebook shows (random weights differ, so their numbers do too).
"""
import gradtape as tf


def main():
    x = tf.Variable(3.0, trainable=True)
    with tf.GradientTape() as tape:
        y = x**2
    print("dy/dx of x**2 at 3:", repr(tape.gradient(y, x)))

    tf.random.set_seed(0)
    w = tf.Variable(tf.random.normal((3, 2)), name="weight")
    b = tf.Variable(tf.zeros(2), name="bias")
    x = tf.Variable([[1., 1., 0.]], name="input")
    print((x.shape, w.shape, b.shape))

    with tf.GradientTape() as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y**2)
    print("gradients as a dict:", tape.gradient(loss, {"w": w, "b": b}))

    with tf.GradientTape() as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y**2)
    dloss_dw, dloss_db = tape.gradient(loss, [w, b])
    print("gradients as a list:", (dloss_dw, dloss_db))
    print("watched variables:", [var.name for var in tape.watched_variables()])

    with tf.GradientTape() as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y**2)
    print("dloss/dy:", repr(tape.gradient(loss, y)))
    try:
        tape.gradient(loss, y)
    except Exception as e:  # the notebook shows this error
        print(f"{type(e).__name__}: {e}")

    with tf.GradientTape(persistent=True) as tape:
        y0 = x
        y1 = x**2
    print("dy1, dy0:", tape.gradient(y1, x), tape.gradient(y0, x))
    print("sum of targets:", repr(tape.gradient({"y0": y0, "y1": y1}, x)))

    x1 = tf.Variable(2.)
    with tf.GradientTape() as tape:
        y1 = x1 * [3., 4.]
    print("non-scalar target:", tape.gradient(y1, x1).numpy())

    x = tf.Variable(-1.0)
    v0, v1 = tf.Variable(2.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        if x > 0.0:
            result = v0
        else:
            result = v1**2
    dv0, dv1 = tape.gradient(result, [v0, v1])
    print(dv0)
    print(dv1)
    print(tape.gradient(result, tf.Variable(1.0)))

    x, y = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        if x > y:
            z = x ** 2
        else:
            z = y ** 3
    print(tape.gradient(z, [x, y]))
    x.assign(4.0)
    y.assign(5.0)
    print(tape.gradient(z, [x, y]))
    del tape


if __name__ == "__main__":
    main()
