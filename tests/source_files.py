"""NWB files written by other tools (pynwb's mock helpers, neo's NWBIO, neuroconv), the sources that
`spikes_from_nwb` and `timed_array_from_nwb` are tested on (`test_input_sources.py`, `test_inputs_drive.py`)."""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pynwb
from pynwb.testing.mock.base import mock_TimeSeries
from pynwb.testing.mock.ecephys import mock_Units
from pynwb.testing.mock.file import mock_NWBFile
from pynwb.testing.mock.icephys import mock_CurrentClampSeries, mock_CurrentClampStimulusSeries

START = datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc)


def pynwb_mock_file(path: Path) -> Path:
    """Units with areas and qualities, a current-clamp stimulus and response, trials: pynwb's mock helpers."""
    nwbfile = mock_NWBFile(identifier="mock-session")
    units = mock_Units(num_units=6, max_spikes_per_unit=40, nwbfile=nwbfile)
    units.add_column("location", "brain area", data=["CA1", "CA3", "CA1", "V1", "CA1", "CA3"])
    units.add_column("quality", "curation label", data=["good", "good", "mua", "good", "good", "noise"])
    stimulus = np.concatenate([np.zeros(100), np.full(300, 250.0), np.zeros(100)])  # pA, as int-like steps
    mock_CurrentClampStimulusSeries(name="step", data=stimulus, conversion=1e-12, unit="amperes", rate=10_000.0,
                                    starting_time=0.5, nwbfile=nwbfile)
    mock_CurrentClampSeries(name="response", data=np.linspace(-70.0, -50.0, 500), conversion=1e-3, offset=-0.001,
                            rate=10_000.0, starting_time=0.5, nwbfile=nwbfile)
    mock_TimeSeries(name="drive", data=np.arange(5.0), unit="pA", rate=1000.0, nwbfile=nwbfile)
    nwbfile.add_trial(start_time=1.0, stop_time=3.0)
    nwbfile.add_trial(start_time=4.0, stop_time=5.5)
    nwbfile.add_trial(start_time=6.0, stop_time=7.0)
    with pynwb.NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    return path


def neo_file(path: Path) -> Path:
    """Spike trains and a 2-D analog signal in mV written by neo's NWBIO."""
    import neo
    import quantities as pq
    from neo.io import NWBIO

    block = neo.Block(name="block")
    block.annotate(session_start_time=START)
    segment = neo.Segment(name="seg")
    block.segments.append(segment)
    rng = np.random.default_rng(3)
    for k in range(4):
        segment.spiketrains.append(neo.SpikeTrain(np.sort(rng.uniform(0, 2, 20)) * pq.s, t_stop=2 * pq.s,
                                                  name=f"unit{k}"))
    segment.analogsignals.append(neo.AnalogSignal(rng.normal(size=(400, 2)) * pq.mV, sampling_rate=2 * pq.kHz,
                                                  name="lfp"))
    NWBIO(str(path), mode="w").write_all_blocks([block])
    return path


def neuroconv_file(path: Path) -> Path:
    """A SpikeInterface sorting (frames at 30 kHz, a brain_area property) written by neuroconv."""
    import spikeinterface.core as sic
    from neuroconv.tools.spikeinterface import write_sorting_to_nwbfile

    rng = np.random.default_rng(5)
    sorting = sic.NumpySorting.from_unit_dict(
        {name: np.sort(rng.choice(60_000, 30, replace=False)) for name in ("a", "b", "c")}, sampling_frequency=30_000.0)
    sorting.set_property("brain_area", np.array(["CA1", "V1", "CA1"]))
    metadata = {"NWBFile": {"session_start_time": START, "session_description": "sorted", "identifier": "nc-1"}}
    write_sorting_to_nwbfile(sorting=sorting, nwbfile_path=Path(path), metadata=metadata, overwrite=True)
    return path
