"""Brian2 preferences that change what a run computes: the allow-list brian2nwb records and restores.

Every other preference (paths, compiler commands, caches, logging) changes how a
run is made, not its numbers, or is not something a file from a stranger may set
(compiler arguments). Each entry names the values a file may hold; a value is
written as text and read back only if it is one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import prefs


@dataclass(frozen=True)
class Preference:
    """One recorded preference: the values it may take (text -> Brian2 value) and why it matters."""

    values: dict
    doc: str


_BOOL = {"True": True, "False": False}

#: The preferences that change results, by Brian2 name.
RECORDED: dict[str, Preference] = {
    "core.default_float_dtype": Preference({"float64": np.float64, "float32": np.float32},
                                           "the floating-point type of variables declared without one"),
    "core.default_integer_dtype": Preference({"int32": np.int32, "int64": np.int64},
                                             "the integer type of variables declared without one"),
    "legacy.refractory_timing": Preference(_BOOL, "Brian2's older refractoriness timing"),
    "codegen.loop_invariant_optimisations": Preference(_BOOL, "moving constant terms out of loops (changes the "
                                                              "last bits of results)"),
    "codegen.generators.cpp.flush_denormals": Preference(_BOOL, "flushing denormal numbers to zero (C++ code)"),
}


def as_text(name: str, value) -> str:
    """The text a preference's value is recorded as."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, type) or isinstance(value, np.dtype):
        return np.dtype(value).name
    return str(value)


def current() -> dict[str, str]:
    """The recorded preferences as this process has them, as text (those this Brian2 does not have left out)."""
    found = {}
    for name in RECORDED:
        try:
            found[name] = as_text(name, prefs[name])
        except KeyError:
            continue
    return found


def is_allowed(name: str, text: str) -> bool:
    """Whether a file may set preference ``name`` to ``text``."""
    return name in RECORDED and str(text) in RECORDED[name].values


def apply(name: str, text: str) -> None:
    """Set preference ``name`` to the value ``text`` stands for (checked with `is_allowed` before)."""
    if name in prefs:
        prefs[name] = RECORDED[name].values[str(text)]
