def create_model():
    """Q7: the sheet's CNN, compiled with CategoricalCrossentropy and Adam.

    Conv2D(32, 3x3, relu, same) -> MaxPooling2D(2) -> Conv2D(64, 3x3, relu, same) ->
    MaxPooling2D(2) -> Conv2D(64, 3x3, relu, same) -> MaxPooling2D(2) -> Flatten ->
    Dense(128, relu) -> Dense(10, softmax); input (28, 28, 1).
    """
    raise NotImplementedError("Q7: complete create_model")


def generate_gradcam(model, images, labels, target_layer):
    """Q7: Grad-CAM heatmaps (values in [0, 1]) of `images` for their `labels` on `target_layer`."""
    raise NotImplementedError("Q7: complete generate_gradcam")
