"""The wire format between the grader and the child: framed JSON, plain data only.

This file is also sent, as source, into the child (which cannot import the
grader), so it must depend on nothing but the standard library and numpy.

Allowed values: None, bool, int, float (NaN and infinities included), str,
list, tuple, dict with str keys, and numeric numpy arrays and scalars. An array
travels as dtype + shape + base64 bytes; the parent accepts only a fixed list
of dtypes and rebuilds it with `numpy.frombuffer`: nothing made by student
code is ever unpickled. Anything else is replaced by {"__unsupported__": type}.
"""

from __future__ import annotations

import base64
import json
import math
import struct
from typing import Any

MAX_FRAME = 256 * 1024**2
MAX_DEPTH = 64
MAX_STRING = 1_000_000
ARRAY_DTYPES = frozenset({"|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f2", "<f4", "<f8"})
_HEADER = struct.Struct(">Q")


class WireError(Exception):
    """The other side broke the protocol (too big, malformed, or disallowed data)."""


def encode_value(value: Any, depth: int = 0) -> Any:
    """Child side: turn a Python value into JSON-able plain data."""
    import numpy as np

    if depth > MAX_DEPTH:
        return {"__unsupported__": "nesting too deep"}
    if value is None or type(value) in (bool, int, str):
        if type(value) is str and len(value) > MAX_STRING:
            return value[:MAX_STRING]
        if type(value) is int and abs(value) > 2**63:
            return float(value)
        return value
    if type(value) is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if type(value) in (list, tuple):
        items = [encode_value(v, depth + 1) for v in value]
        return items if type(value) is list else {"__tuple__": items}
    if type(value) is dict:
        if all(type(k) is str for k in value):
            return {"__dict__": {k: encode_value(v, depth + 1) for k, v in value.items()}}
        return {"__unsupported__": "dict with non-string keys"}
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        return encode_value(np.asarray(value).reshape(1), depth)  # a 1-element array marks a scalar
    module = type(value).__module__ or ""
    if module.startswith(("tensorflow", "keras")) and callable(getattr(value, "numpy", None)):
        try:
            value = np.asarray(value.numpy())  # an eager tensor or variable
        except Exception:
            return {"__unsupported__": type(value).__name__[:80]}
    if isinstance(value, np.ndarray):
        # Subclasses travel as their raw buffer: no method of theirs can misreport it.
        try:
            array = np.ascontiguousarray(np.array(value, subok=False, copy=True))
        except Exception:
            return {"__unsupported__": type(value).__name__[:80]}
        dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
        array = array.astype(dtype, copy=False)
        if array.dtype.str not in ARRAY_DTYPES:
            return {"__unsupported__": f"numpy array of dtype {array.dtype}"}
        return {
            "__ndarray__": {
                "dtype": array.dtype.str,
                "shape": list(array.shape),
                "data": base64.b64encode(array.tobytes()).decode("ascii"),
                "scalar": isinstance(value, np.generic),
            }
        }
    return {"__unsupported__": type(value).__name__[:80]}


def decode_value(data: Any) -> Any:
    """Parent side: rebuild plain values, refusing anything not in the list above."""
    import numpy as np

    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode_value(v) for v in data]
    if type(data) is not dict or len(data) != 1:
        raise WireError("malformed value")
    ((tag, body),) = data.items()
    if tag == "__tuple__" and type(body) is list:
        return tuple(decode_value(v) for v in body)
    if tag == "__dict__" and type(body) is dict:
        return {str(k): decode_value(v) for k, v in body.items()}
    if tag == "__float__" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag == "__unsupported__" and type(body) is str:
        return Unsupported(body)
    if tag == "__ndarray__" and type(body) is dict:
        dtype, shape, payload = body.get("dtype"), body.get("shape"), body.get("data")
        if dtype not in ARRAY_DTYPES or type(shape) is not list or type(payload) is not str:
            raise WireError("malformed array")
        if not all(type(n) is int and 0 <= n < 2**31 for n in shape) or len(shape) > 32:
            raise WireError("malformed array shape")
        raw = base64.b64decode(payload, validate=True)
        count = math.prod(shape)
        if len(raw) != count * np.dtype(dtype).itemsize:
            raise WireError("array size does not match its shape")
        array = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        return array
    raise WireError(f"unknown tag {tag!r}")


class Unsupported:
    """A value the child could not send as plain data; only its type name travels."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<unsupported {self.type_name}>"


def encode_frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, allow_nan=True, separators=(",", ":")).encode("utf-8")
    return _HEADER.pack(len(body)) + body


def write_frame(fd: int, message: dict[str, Any]) -> None:
    import os

    view = memoryview(encode_frame(message))
    while view:
        written = os.write(fd, view)
        view = view[written:]


def parse_frame_body(body: bytes) -> dict[str, Any]:
    try:
        message = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        raise WireError(f"unreadable message: {error}") from None
    if type(message) is not dict:
        raise WireError("a message must be an object")
    return message


def frame_length(header: bytes) -> int:
    (length,) = _HEADER.unpack(header)
    if length > MAX_FRAME:
        raise WireError(f"message of {length} bytes is over the {MAX_FRAME}-byte limit")
    return int(length)


HEADER_SIZE = _HEADER.size
