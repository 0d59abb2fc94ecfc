"""TensorFlow's tutorial "Custom training: walkthrough"
(customization/custom_training_walkthrough), run with ``import gradtape as tf``.
The penguins data is replaced by seeded synthetic data of the same shapes (4
features, 3 classes, batches of 32) and the weights are set from a seeded
generator, so both libraries start alike. Expected values are TensorFlow
2.21's, typed from its output."""
import numpy as np

import gradtape as tf

CENTERS = np.array([[0., 0., 0., 0.], [1., 2., 0., -1.], [-1., 0., 2., 1.]], np.float32)


def _data():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, size=96).astype(np.int64)
    features = (CENTERS[labels] + rng.normal(size=(96, 4))).astype(np.float32)
    return features, labels


def _model():
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(10, activation=tf.nn.relu, input_shape=(4,)),
        tf.keras.layers.Dense(10, activation=tf.nn.relu),
        tf.keras.layers.Dense(3)])
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(scale=0.5, size=tuple(v.shape)).astype(np.float32)
                       for v in model.weights])
    return model


loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def loss(model, x, y, training):
    y_ = model(x, training=training)
    return loss_object(y_true=y, y_pred=y_)


def grad(model, inputs, targets):
    with tf.GradientTape() as tape:
        loss_value = loss(model, inputs, targets, training=True)
    return loss_value, tape.gradient(loss_value, model.trainable_variables)


def test_walkthrough():
    feat_all, labels_all = _data()
    batches = [(tf.constant(feat_all[i:i + 32]), tf.constant(labels_all[i:i + 32]))
               for i in range(0, 96, 32)]
    features, labels = batches[0]
    model = _model()
    predictions = model(features)
    # TensorFlow 2.21's logits and softmax of the first two examples
    np.testing.assert_allclose(predictions[:2].numpy(), [[0.57711715, 0.23555446, -0.48574206],
                                                         [0.09008686, 0.88768256, -1.5132871]],
                               rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(tf.nn.softmax(predictions[:2]).numpy(),
                               [[0.4863516, 0.3456301, 0.16801825],
                                [0.29227692, 0.64891213, 0.05881094]], rtol=1e-6)
    assert str(tf.math.argmax(predictions, axis=1)[:5].numpy()) == "[0 1 1 0 0]"

    # TensorFlow 2.21: Loss test: 1.7319366931915283
    np.testing.assert_allclose(float(loss(model, features, labels, training=False)),
                               1.7319366931915283, rtol=1e-6)
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
    loss_value, grads = grad(model, features, labels)
    assert optimizer.iterations.numpy() == 0
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    assert optimizer.iterations.numpy() == 1
    # TensorFlow 2.21: Step: 1, Loss: 1.696195363998413
    np.testing.assert_allclose(loss(model, features, labels, training=True).numpy(),
                               1.696195363998413, rtol=1e-6)

    printed = []
    for epoch in range(21):
        epoch_loss_avg = tf.keras.metrics.Mean()
        epoch_accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
        for x, y in batches:
            loss_value, grads = grad(model, x, y)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            epoch_loss_avg.update_state(loss_value)
            epoch_accuracy.update_state(y, model(x, training=True))
        if epoch % 5 == 0:
            printed.append("Epoch {:03d}: Loss: {:.3f}, Accuracy: {:.3%}".format(
                epoch, epoch_loss_avg.result(), epoch_accuracy.result()))
    # TensorFlow 2.21's printout
    assert printed == ["Epoch 000: Loss: 1.668, Accuracy: 29.167%",
                       "Epoch 005: Loss: 1.345, Accuracy: 29.167%",
                       "Epoch 010: Loss: 1.153, Accuracy: 32.292%",
                       "Epoch 015: Loss: 1.017, Accuracy: 47.917%",
                       "Epoch 020: Loss: 0.916, Accuracy: 53.125%"]
    np.testing.assert_allclose(epoch_loss_avg.result().numpy(), 0.9156766, rtol=1e-5)

    test_accuracy = tf.keras.metrics.Accuracy()
    for lo, hi in ((0, 48), (48, 96)):
        logits = model(tf.constant(feat_all[lo:hi]), training=False)
        prediction = tf.math.argmax(logits, axis=1, output_type=tf.int64)
        test_accuracy(prediction, tf.constant(labels_all[lo:hi]))
    # TensorFlow 2.21: Test set accuracy: 53.125%
    assert "{:.3%}".format(test_accuracy.result()) == "53.125%"
    assert prediction.dtype == tf.int64

    predict_dataset = tf.convert_to_tensor([[0.3, 0.8, 0.4, 0.5],
                                            [0.4, 0.1, 0.8, 0.5],
                                            [0.7, 0.9, 0.8, 0.4]])
    lines = []
    for i, logits in enumerate(model(predict_dataset, training=False)):
        class_idx = tf.math.argmax(logits).numpy()
        p = tf.nn.softmax(logits)[class_idx]
        lines.append("Example {} prediction: {} ({:4.1f}%)".format(i, "ABC"[class_idx], 100 * p))
    # TensorFlow 2.21's printout
    assert lines == ["Example 0 prediction: B (37.3%)", "Example 1 prediction: B (38.7%)",
                     "Example 2 prediction: C (39.4%)"]
    # TensorFlow 2.21: the sums of the trained weights
    np.testing.assert_allclose([float(tf.reduce_sum(v)) for v in model.trainable_variables],
                               [-0.038172006607055664, -1.0278770923614502, -5.973636627197266,
                                -1.938002586364746, 1.446997046470642, 0.8646768927574158],
                               rtol=1e-5, atol=1e-6)
