"""The points of a parameter sweep, where their files go, and the sweep table.

A sweep is the Cartesian product of parameter values (or an explicit list of
points), each repeated for every seed. Every point gets a stable id (``p0007``,
``p0007s2`` with a seed) and a file laid out as a DANDI dataset:
``<out>/sub-<model>/sub-<model>_ses-<id>.nwb``. The sweep table (one row per
point: its values, seed, file, status, wall time and cheap summaries) is
written beside the files as ``sweep.tsv`` and read back by `sweep_table`.
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: The sweep table's file name in the output folder.
TABLE_NAME = "sweep.tsv"
#: Columns of the sweep table besides one per parameter.
STATUS_COLUMNS = ["point", "seed", "file", "status", "error", "warnings", "wall_time_s"]


@dataclass
class Point:
    """One simulation of a sweep: parameter values (Quantities allowed) and a seed (None: the source's)."""

    id: str
    values: dict
    seed: int | None = None
    summary: dict = field(default_factory=dict)

    def file(self, out: Path, model: str) -> Path:
        return Path(out) / f"sub-{model}" / f"sub-{model}_ses-{self.id}.nwb"


def points_of(parameters: dict | list, seeds: list[int] | None = None) -> list[Point]:
    """The points of a sweep.

    Parameters
    ----------
    parameters : dict or list of dict
        ``{name: [values...]}`` for the Cartesian product (in the order the
        names are given), or a list of ``{name: value}`` points.
    seeds : list of int, optional
        Repeat every point with each seed.
    """
    if isinstance(parameters, dict):
        names = list(parameters)
        for name, values in parameters.items():
            if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or len(values) == 0:
                raise ValueError(f"Parameter '{name}': give a non-empty list of values, not {values!r}.")
        combinations = [dict(zip(names, values)) for values in itertools.product(
            *(list(_items(parameters[name])) for name in names))]
    else:
        combinations = [dict(point) for point in parameters]
        if not combinations or not all(isinstance(point, dict) for point in combinations):
            raise ValueError("parameters must be a dict of value lists or a non-empty list of dicts.")
    width = max(4, len(str(len(combinations) - 1)))
    points = []
    for k, values in enumerate(combinations):
        for seed in (seeds if seeds else [None]):
            suffix = "" if seed is None else f"s{int(seed)}"
            points.append(Point(f"p{k:0{width}d}{suffix}", values, None if seed is None else int(seed)))
    return points


def _items(values):
    """The values of one parameter; a Quantity array is split into scalar Quantities."""
    return [values[k] for k in range(len(values))]


_VALUE = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]*)\s*$")


def parse_parameter(text: str) -> tuple[str, list]:
    """``"tau=5ms,10ms,20ms"`` -> ``("tau", [5*ms, 10*ms, 20*ms])``: numbers with an optional Brian2 unit
    name (looked up, never evaluated); plain integers stay integers."""
    from brian2.core.namespace import DEFAULT_UNITS

    name, _, values = text.partition("=")
    if not name.strip() or not values.strip():
        raise ValueError(f"A parameter is NAME=VALUE[,VALUE...], e.g. tau=5ms,10ms; not {text!r}.")
    parsed = []
    for value in values.split(","):
        match = _VALUE.match(value)
        if match is None or (match[2] and match[2] not in DEFAULT_UNITS):
            raise ValueError(f"Parameter '{name.strip()}': {value.strip()!r} is not a number with an optional "
                             "Brian2 unit (e.g. 5ms, 20*Hz is written 20Hz).")
        number = float(match[1]) if any(c in match[1] for c in ".eE") else int(match[1])
        parsed.append(number * DEFAULT_UNITS[match[2]] if match[2] else number)
    return name.strip(), parsed


def model_name(source) -> str:
    """A DANDI subject id for the model: letters, digits and '-' from the source's name."""
    name = Path(str(source)).name.split(".")[0] if not callable(source) else source.__name__
    return re.sub(r"[^A-Za-z0-9-]+", "-", name).strip("-") or "model"


def value_and_unit(value) -> tuple[object, str]:
    """A parameter value as (number in SI base units, unit) for the table: ``10*ms`` -> (0.01, "second")."""
    from ..model.quantities import dimensions_of, si_unit_name

    if hasattr(value, "dim"):
        return float(np.asarray(value)), si_unit_name(dimensions_of(value))
    return value, ""


def point_table(sweep_point: dict) -> dict:
    """The ``sweep_point`` table of a point's file: sweep, point, seed and one row per parameter."""
    rows: dict[str, list] = {"sweep": [], "point": [], "seed": [], "parameter": [], "value": [], "unit": [],
                             "text": []}
    for name, value in sweep_point["values"].items():
        number, unit = value_and_unit(value)
        rows["sweep"].append(str(sweep_point["sweep"]))
        rows["point"].append(str(sweep_point["point"]))
        rows["seed"].append(-1 if sweep_point.get("seed") is None else int(sweep_point["seed"]))
        rows["parameter"].append(str(name))
        rows["value"].append(float(number) if isinstance(number, (int, float, np.number)) else np.nan)
        rows["unit"].append(unit)
        rows["text"].append(str(value))
    return {key: np.asarray(values, dtype=np.float64 if key == "value" else np.int64 if key == "seed" else object)
            for key, values in rows.items()}


def write_table(out: Path, points: list[Point], rows: dict[str, dict]) -> Path:
    """The sweep table (TSV, UTF-8) with one row per point, in point order; ``rows`` maps point ids to their
    status columns and summaries. Written atomically beside the files."""
    import pandas as pd

    from ..nwb.atomic import atomic_path

    records = []
    for point in points:
        record = {"point": point.id, "seed": point.seed if point.seed is not None else ""}
        for name, value in point.values.items():
            number, unit = value_and_unit(value)
            record[f"{name} [{unit}]" if unit else name] = number
        record.update(rows.get(point.id, {}))
        records.append(record)
    table = pd.DataFrame.from_records(records)
    path = Path(out) / TABLE_NAME
    with atomic_path(path, overwrite=True) as partial:
        table.to_csv(partial, sep="\t", index=False)
    return path


def sweep_table(out: str | os.PathLike):
    """The sweep table written by `brian2nwb.explore` into ``out``, as a ``pandas.DataFrame`` (parameter
    columns are named ``"<name> [<SI unit>]"`` and hold values in SI base units)."""
    import pandas as pd

    path = Path(out) / TABLE_NAME
    if not path.exists():
        raise FileNotFoundError(f"{out} holds no {TABLE_NAME}: it is not the output folder of brian2nwb.explore.")
    return pd.read_csv(path, sep="\t", keep_default_na=False,
                       converters={"error": str, "warnings": str, "file": str, "status": str, "point": str})
