"""Values that Python code of a simulation refers to, as JSON text and back (the format's 'json' role).

Plain values (None, booleans, numbers, text), lists, tuples, dicts with text keys, numpy arrays and scalars
of numeric or boolean types, Brian2 quantities and TimedArrays. Decoding builds only these: a file's JSON
never names a class or a function.
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np
from brian2 import Quantity, TimedArray, second
from brian2.units.fundamentalunits import get_dimensions, get_or_create_dimension

from ..errors import InvalidFileError

#: numpy types an array may have (no object, text or structured arrays).
ARRAY_TYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16",
               "float32", "float64", "complex64", "complex128"}

#: Largest JSON text of one value that is written or read.
MAX_VALUE_LENGTH = 64 * 2**20

#: Deepest nesting of lists, tuples and dicts.
MAX_NESTING = 32


class NotStorable(Exception):
    """A value that a file cannot hold; the message says what it is."""


def encode(value) -> str:
    """``value`` as JSON text; raises `NotStorable` for what the format cannot hold."""
    text = json.dumps(_encode(value, 0), allow_nan=False, separators=(",", ":"), sort_keys=True)
    if len(text) > MAX_VALUE_LENGTH:
        raise NotStorable(f"a value of {len(text)} characters as JSON (at most {MAX_VALUE_LENGTH})")
    return text


def decode(text: str):
    """The value of `encode`'s ``text``; raises `InvalidFileError` for anything else."""
    if len(text) > MAX_VALUE_LENGTH:
        raise InvalidFileError(f"a value of {len(text)} characters (brian2nwb reads at most {MAX_VALUE_LENGTH})")
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise InvalidFileError(f"a value that is not JSON ({error})") from None
    return _decode(data, 0)


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def _encode(value, depth: int):
    if depth > MAX_NESTING:
        raise NotStorable(f"values nested more than {MAX_NESTING} deep")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, TimedArray):
        values = Quantity(value.values, dim=value.dim)
        return {"timed_array": {"values": _encode(values, depth + 1), "dt": float(value.dt), "name": value.name}}
    if isinstance(value, Quantity):
        return {"quantity": {"value": _encode(np.asarray(value), depth + 1),
                             "dimensions": [float(d) for d in get_dimensions(value)._dims]}}
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.name not in ARRAY_TYPES:
            raise NotStorable(f"a numpy array of {array.dtype}")
        data = base64.b64encode(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes())
        return {"array": {"dtype": array.dtype.name, "shape": list(array.shape),
                          "scalar": isinstance(value, np.generic), "data": data.decode("ascii")}}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__ if type(value) in (list, tuple) else _refuse(value):
                [_encode(item, depth + 1) for item in value]}
    if type(value) is dict:
        if not all(isinstance(key, str) for key in value):
            raise NotStorable("a dict whose keys are not all text")
        return {"dict": {key: _encode(item, depth + 1) for key, item in value.items()}}
    _refuse(value)


def _refuse(value):
    raise NotStorable(f"a {type(value).__module__}.{type(value).__qualname__}")


def _decode(data, depth: int):
    if depth > MAX_NESTING:
        raise InvalidFileError(f"a value nested more than {MAX_NESTING} deep")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list) or not isinstance(data, dict) or len(data) != 1:
        raise InvalidFileError("a value that is not one of the forms brian2nwb writes")
    (tag, content), = data.items()
    if tag == "float" and content in ("nan", "inf", "-inf"):
        return float(content)
    if tag in ("list", "tuple") and isinstance(content, list):
        items = [_decode(item, depth + 1) for item in content]
        return items if tag == "list" else tuple(items)
    if tag == "dict" and isinstance(content, dict):
        return {key: _decode(item, depth + 1) for key, item in content.items()}
    if tag == "array" and isinstance(content, dict):
        return _array(content)
    if tag == "quantity" and isinstance(content, dict) and set(content) == {"value", "dimensions"}:
        dimensions = content["dimensions"]
        if not (isinstance(dimensions, list) and len(dimensions) == 7
                and all(isinstance(d, (int, float)) and abs(d) <= 100 for d in dimensions)):
            raise InvalidFileError("a quantity whose dimensions are not 7 exponents of SI base units")
        return Quantity(_decode(content["value"], depth + 1), dim=get_or_create_dimension(dimensions))
    if tag == "timed_array" and isinstance(content, dict) and set(content) == {"values", "dt", "name"}:
        values, dt, name = _decode(content["values"], depth + 1), content["dt"], content["name"]
        if not (isinstance(dt, float) and math.isfinite(dt) and dt > 0 and isinstance(name, str)):
            raise InvalidFileError("a TimedArray whose dt or name is not valid")
        return TimedArray(values, dt=dt * second, name=name)
    raise InvalidFileError(f"a value of the unknown form {tag!r}")


def _array(content: dict):
    dtype, shape, data, scalar = (content.get(key) for key in ("dtype", "shape", "data", "scalar"))
    if (dtype not in ARRAY_TYPES or not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape)
            or not isinstance(data, str) or not isinstance(scalar, bool)):
        raise InvalidFileError("an array whose dtype, shape or data is not valid")
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError:
        raise InvalidFileError("an array whose data is not base64") from None
    wanted = np.dtype(dtype).newbyteorder("<")
    if len(raw) != math.prod(shape) * wanted.itemsize:
        raise InvalidFileError(f"an array of shape {shape} whose data has {len(raw)} bytes")
    array = np.frombuffer(raw, dtype=wanted).astype(np.dtype(dtype)).reshape(shape)
    return array[()] if scalar else array.copy()
