def define_model(conv_model):
    """Q2: transfer learning on top of an ImageNet backbone (VGG16 or ResNet50, include_top=False).

    Freeze every layer of conv_model except the last two, add Dense(128, relu) and
    Dense(2, softmax), build keras.models.Model(inputs=conv_model.input, outputs=predictions)
    and compile it with categorical_crossentropy, Adam and metrics=['accuracy'].
    """
    raise NotImplementedError("Q2: complete define_model")
