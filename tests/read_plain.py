"""Read an NWB file with plain pynwb (no brian2nwb) and dump its data to a .npz file.

Used by the tests as ``python read_plain.py FILE.nwb OUT.npz`` in a fresh process,
to show that the file stands on its own: the ndx-brian2 types come from the spec
cached in the file. Keys are ``<where>/<name>/<field>``.
"""

import sys

import numpy as np
from hdmf.common import DynamicTable, VectorIndex
from pynwb import NWBHDF5IO, TimeSeries


def plain(value):
    """An array np.load can read without pickle (strings as unicode)."""
    array = np.asarray(value)
    if array.dtype == object:
        array = np.asarray([v.decode() if isinstance(v, bytes) else str(v) for v in array.ravel()]).reshape(
            array.shape)
    return array


def dump_table(prefix, table, out):
    for column in table.columns:
        if isinstance(column, VectorIndex):
            out[f"{prefix}/{column.name}"] = plain(column.data[:])
        else:
            out[f"{prefix}/{column.name}"] = plain(column.data[:])
            for attribute in ("unit", "dimensions", "resolution"):
                value = getattr(column, attribute, None)
                if value is not None:
                    out[f"{prefix}/{column.name}.{attribute}"] = plain(value)
    for attribute in ("period", "num_neurons", "source", "monitor", "event", "resolution"):
        value = getattr(table, attribute, None)
        if value is not None:
            out[f"{prefix}.{attribute}"] = plain(value)


def dump_series(prefix, series, out):
    out[f"{prefix}/data"] = plain(series.data[:])
    if series.timestamps is not None:
        out[f"{prefix}/timestamps"] = plain(series.timestamps[:])
    else:
        out[f"{prefix}/starting_time"] = plain(series.starting_time)
        out[f"{prefix}/rate"] = plain(series.rate)
    out[f"{prefix}/unit"] = plain(series.unit)
    for attribute in ("recorded_indices", "dimensions", "source", "variable", "monitor"):
        value = getattr(series, attribute, None)
        if value is not None:
            out[f"{prefix}/{attribute}"] = plain(value[:] if hasattr(value, "shape") else value)


def main(path, target):
    out = {}
    with NWBHDF5IO(path, mode="r") as io:
        nwbfile = io.read()
        if nwbfile.units is not None:
            dump_table("units", nwbfile.units, out)
        for where, containers in (("acquisition", nwbfile.acquisition), ("stimulus", nwbfile.stimulus),
                                  ("events", nwbfile.events or {})):
            for name, container in containers.items():
                if isinstance(container, TimeSeries):
                    dump_series(f"{where}/{name}", container, out)
                    out[f"{where}/{name}/type"] = plain(container.neurodata_type)
                elif isinstance(container, DynamicTable):
                    dump_table(f"{where}/{name}", container, out)
                    out[f"{where}/{name}/type"] = plain(container.neurodata_type)
        if nwbfile.epochs is not None:
            out["epochs/start_time"] = plain(nwbfile.epochs["start_time"].data[:])
            out["epochs/stop_time"] = plain(nwbfile.epochs["stop_time"].data[:])
        simulation = nwbfile.lab_meta_data.get("brian2")
        if simulation is not None:
            for field in ("network", "brian2_version", "brian2nwb_version", "codegen_target", "device", "dt",
                          "t_end"):
                out[f"brian2/{field}"] = plain(getattr(simulation, field))
        for field in ("session_description", "identifier", "source_script", "source_script_file_name"):
            value = getattr(nwbfile, field)
            if value is not None:
                out[f"file/{field}"] = plain(value)
        if nwbfile.subject is not None:
            out["file/subject_id"] = plain(nwbfile.subject.subject_id)
    assert "brian2nwb" not in sys.modules, "the plain reader must not import brian2nwb"
    np.savez(target, **out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
