"""Unit names as other NWB writers spell them, read into a scale to SI base units and a dimension.

NWB stores a `TimeSeries`' ``unit`` as free text ("volts", "amperes", "mV",
"pA", "Siemens"...). `parse_unit` accepts an allow-list: an SI unit Brian2
knows (by name, singular or plural, or by symbol), optionally with an SI prefix
(by name or symbol), or a word for "no unit". Everything else is refused, and
the caller asks the user to say what the values are (``unit=`` of
`brian2nwb.timed_array_from_nwb`). Nothing of the text is evaluated.
"""

from __future__ import annotations

from .quantities import _NAMED_UNITS

_BASE = {
    "metre": (1, 0, 0, 0, 0, 0, 0), "meter": (1, 0, 0, 0, 0, 0, 0), "gram": (0, 1, 0, 0, 0, 0, 0),
    "second": (0, 0, 1, 0, 0, 0, 0), "ampere": (0, 0, 0, 1, 0, 0, 0), "amp": (0, 0, 0, 1, 0, 0, 0),
    "kelvin": (0, 0, 0, 0, 1, 0, 0), "mole": (0, 0, 0, 0, 0, 1, 0), "molar": (-3, 0, 0, 0, 0, 1, 0),
    "candela": (0, 0, 0, 0, 0, 0, 1), **_NAMED_UNITS,
}
#: Unit symbols, by the unit name they stand for (case matters: "S" is siemens, "s" second).
_SYMBOLS = {"m": "metre", "g": "gram", "s": "second", "A": "ampere", "K": "kelvin", "mol": "mole", "M": "molar",
            "cd": "candela", "V": "volt", "S": "siemens", "Ω": "ohm", "ohm": "ohm", "F": "farad", "H": "henry",
            "C": "coulomb", "J": "joule", "W": "watt", "N": "newton", "Pa": "pascal", "Hz": "hertz", "l": "litre",
            "L": "litre"}
_PREFIXES = {"yotta": 1e24, "zetta": 1e21, "exa": 1e18, "peta": 1e15, "tera": 1e12, "giga": 1e9, "mega": 1e6,
             "kilo": 1e3, "hecto": 1e2, "deca": 1e1, "deci": 1e-1, "centi": 1e-2, "milli": 1e-3, "micro": 1e-6,
             "nano": 1e-9, "pico": 1e-12, "femto": 1e-15, "atto": 1e-18}
_PREFIX_SYMBOLS = {"Y": 1e24, "Z": 1e21, "E": 1e18, "P": 1e15, "T": 1e12, "G": 1e9, "M": 1e6, "k": 1e3,
                   "h": 1e2, "da": 1e1, "d": 1e-1, "c": 1e-2, "m": 1e-3, "u": 1e-6, "µ": 1e-6, "μ": 1e-6,
                   "n": 1e-9, "p": 1e-12, "f": 1e-15, "a": 1e-18}
#: Text that means "a plain number" (what writers put in ``unit`` when there is none).
DIMENSIONLESS_WORDS = {"", "1", "dimensionless", "unitless", "none", "no unit", "n/a", "n.a.", "na", "a.u.", "au",
                       "arbitrary", "arbitrary units", "ratio", "fraction", "counts", "count"}
NO_DIMENSION = (0, 0, 0, 0, 0, 0, 0)
# kilogram is the SI base unit of mass: a gram is 1e-3 of it; a litre is 1e-3 cubic metre; molar mol/litre
_SCALE = {"gram": 1e-3, "molar": 1e3}
_LITRE = (3, 0, 0, 0, 0, 0, 0)


class UnknownUnitError(ValueError):
    """A unit name `parse_unit` does not know."""


def parse_unit(text: str) -> tuple[float, tuple]:
    """The scale to SI base units and the 7 SI exponents of a unit written as ``text``.

    Parameters
    ----------
    text : str
        ``"volts"``, ``"V"``, ``"millivolts"``, ``"mV"``, ``"pA"``, ``"Siemens"``, ``"Hz"``, ``"a.u."``...

    Returns
    -------
    scale : float
        What a value in this unit is in SI base units (``"mV"``: 1e-3).
    dimensions : tuple of 7 int
        Exponents of metre, kilogram, second, ampere, kelvin, mole, candela.

    Raises
    ------
    UnknownUnitError
        ``text`` is not a unit of the allow-list (a compound unit such as "V/s" included).
    """
    stripped = text.strip()
    if stripped.lower() in DIMENSIONLESS_WORDS:
        return 1.0, NO_DIMENSION
    found = _symbol(stripped) or _word(stripped.lower())
    if found is None:
        raise UnknownUnitError(f"unknown unit {text!r}")
    return found


def _unit(name: str, prefix: float) -> tuple[float, tuple]:
    if name == "litre":
        return prefix * 1e-3, _LITRE
    return prefix * _SCALE.get(name, 1.0), tuple(_BASE[name])


def _symbol(text: str) -> tuple[float, tuple] | None:
    if text in _SYMBOLS:
        return _unit(_SYMBOLS[text], 1.0)
    for prefix, scale in _PREFIX_SYMBOLS.items():
        rest = text[len(prefix):]
        if text.startswith(prefix) and rest in _SYMBOLS:
            return _unit(_SYMBOLS[rest], scale)
    return None


def _word(text: str) -> tuple[float, tuple] | None:
    prefix = next((p for p in _PREFIXES if text.startswith(p) and len(text) > len(p)), "")
    word = text[len(prefix):]
    scale = _PREFIXES.get(prefix, 1.0)
    for name in (word, word[:-1] if word.endswith("s") else None, word[:-2] if word.endswith("es") else None,
                 "litre" if word in ("liter", "liters", "litres") else None,
                 "metre" if word in ("meters", "metres") else None):
        if name and (name in _BASE or name == "litre"):
            return _unit(name, scale)
    return None
