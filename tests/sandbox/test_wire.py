import numpy as np
import pytest

from grader.sandbox.wire import Unsupported, WireError, decode_value, encode_value


def roundtrip(value: object) -> object:
    return decode_value(encode_value(value))


def test_plain_values_roundtrip() -> None:
    value = {"a": [1, 2.5, None, True, "متن"], "b": (1, 2)}
    assert roundtrip(value) == value
    assert np.isnan(roundtrip(float("nan")))  # type: ignore[arg-type]
    assert roundtrip(float("-inf")) == float("-inf")


def test_arrays_roundtrip_with_dtype_and_shape() -> None:
    for dtype in ("float32", "float64", "int64", "bool", ">f8"):
        array = np.arange(12).reshape(3, 4).astype(dtype)
        back = roundtrip(array)
        assert isinstance(back, np.ndarray) and back.shape == (3, 4)
        assert np.array_equal(back, array)


def test_objects_do_not_travel() -> None:
    class Liar:
        def __eq__(self, other: object) -> bool:
            return True

    assert isinstance(roundtrip(Liar()), Unsupported)
    assert isinstance(roundtrip(np.array([Liar()], dtype=object)), Unsupported)
    assert isinstance(roundtrip({1: "int key"}), Unsupported)


def test_ndarray_subclass_travels_as_its_buffer() -> None:
    class Lying(np.ndarray):
        def __eq__(self, other: object) -> bool:  # type: ignore[override]
            return True

    value = np.zeros(3).view(Lying)
    back = roundtrip(value)
    assert type(back) is np.ndarray and not np.array_equal(back, np.ones(3))


@pytest.mark.parametrize(
    "data",
    [
        {"__ndarray__": {"dtype": "|O", "shape": [1], "data": ""}},
        {"__ndarray__": {"dtype": "<f8", "shape": [4], "data": "AAAA"}},
        {"__pickle__": "x"},
        {"a": 1, "b": 2},
    ],
)
def test_parent_refuses_malformed_or_forbidden_data(data: object) -> None:
    with pytest.raises(WireError):
        decode_value(data)
