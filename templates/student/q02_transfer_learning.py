def define_model(conv_model):
    """Q2: transfer learning on top of an ImageNet backbone (VGG16 or ResNet50, include_top=False).

    Freeze every layer of conv_model except the last two, add Dense(128, relu) and
    Dense(2, softmax), build keras.models.Model(inputs=conv_model.input, outputs=predictions)
    and compile it with categorical_crossentropy, Adam and metrics=['accuracy'].
    """
    raise NotImplementedError("Q2: complete define_model")


def make_generators(data_dir):
    """Q2 (optional): your data pipeline, if you changed the notebook's. The grader checks it, without points.

    data_dir holds the GRAZPEDWRI-DX layout: data_dir/dataset.csv (filestem, fracture_visible empty for
    no fracture, and other columns) and the images data_dir/images/<filestem>.png (8-bit grayscale).
    Return (train_generator, val_generator) as the notebook builds them: grayscale to RGB, 224x224,
    scaled to 0..1, float32, batches of 64, one-hot labels, 20% of the images for validation. Anything
    Keras' fit accepts will do: an ImageDataGenerator iterator, a tf.data.Dataset, a PyDataset.
    """
    raise NotImplementedError("Q2: complete make_generators (optional)")
