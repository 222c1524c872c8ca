"""The Keras 2-era compatibility shims the sandbox child installs (grader/sandbox/compat.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.tf

# Run in a fresh interpreter: the shims patch Keras classes for the whole process.
SCRIPT = textwrap.dedent("""
    import warnings
    warnings.simplefilter("ignore")
    from grader.sandbox import compat
    compat.install()
    import numpy as np
    from tensorflow.keras.models import Sequential
    from tensorflow.keras.layers import Conv2D, Flatten, Dense
    from tensorflow.keras.optimizers import Adam
    from keras.utils import np_utils
    import keras

    model = Sequential([Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1)), Flatten(),
                        Dense(3, activation="softmax")])
    model.compile(optimizer=Adam(lr=0.005), loss="categorical_crossentropy")
    assert abs(float(model.optimizer.learning_rate) - 0.005) < 1e-9
    assert model.output_names == [model.layers[-1].name]
    probe = keras.Model(model.inputs, [model.layers[0].output, model.output])
    assert probe.output_shape[1] == (None, 3)
    assert model.input.shape[1:] == (8, 8, 1)
    labels = np_utils.to_categorical([0, 1, 2, 1], 3)
    images = np.random.default_rng(0).random((4, 8, 8, 1)).astype("float32")
    def batches():
        while True:
            yield images, labels
    model.fit_generator(batches(), steps_per_epoch=1, epochs=1, verbose=0, workers=2, use_multiprocessing=False)
    assert model.predict_generator(((x,) for x, _ in batches()), steps=1, verbose=0).shape == (4, 3)

    from tf_keras_vis.gradcam import Gradcam
    from tf_keras_vis.utils.model_modifiers import ReplaceToLinear
    from tf_keras_vis.utils.scores import CategoricalScore
    cam = Gradcam(model, model_modifier=ReplaceToLinear(), clone=False)(CategoricalScore([0, 1, 2, 1]), images)
    assert cam.shape == (4, 8, 8)

    from keras.preprocessing.image import ImageDataGenerator
    flow = ImageDataGenerator(rescale=1 / 255, validation_split=0.5).flow(images * 255, labels, batch_size=2,
                                                                          subset="training")
    assert flow[0][0].shape == (2, 8, 8, 1) and float(flow[0][0].max()) <= 1.0
    print("ok")
""")


def test_keras2_style_code_runs_on_keras3_with_the_shims() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")


def test_without_the_shims_the_same_code_fails() -> None:
    """Evidence for the shims: each guards against a real Keras 3 failure."""
    script = textwrap.dedent("""
        import warnings
        warnings.simplefilter("ignore")
        from tensorflow.keras.models import Sequential
        from tensorflow.keras.layers import Dense
        from tensorflow.keras.optimizers import Adam
        failures = []
        model = Sequential([Dense(3, input_shape=(4,))])
        def image_data_generator():
            from keras.preprocessing.image import ImageDataGenerator

        for attempt in (lambda: model.output_names, lambda: model.output, lambda: Adam(lr=0.01),
                        lambda: model.fit_generator, image_data_generator):
            try:
                attempt()
            except Exception as error:
                failures.append(type(error).__name__)
        print(len(failures))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "5"
