def build_model(hp):
    """Q1(c): build and compile a CNN for MNIST from KerasTuner hyperparameters `hp`.

    Limits: at most 5 conv and 5 dense layers, at most 256 filters/units per layer,
    learning rate at most 0.001. Input (28, 28, 1); output Dense(10, softmax).
    Import TensorFlow/Keras inside the function or at the top of the file.
    """
    raise NotImplementedError("Q1(c): complete build_model")
