"""Multicompartment neurons (SpatialNeuron): the morphology as tables plain pynwb reads, the equations as the
user wrote them, and exact re-runs (the re-simulation matrix in test_resimulation.py runs ``branched_cell``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from brian2 import Cylinder, Network, Soma, SpatialNeuron, StateMonitor, cm, ms, ohm, uF, um

import brian2nwb
from helpers import SUBJECT, assert_identical, resimulate
from networks import branched_cell
from resimulate import dump

MORPHOLOGY_READER = textwrap.dedent("""
    import sys
    from pynwb import NWBHDF5IO
    with NWBHDF5IO(sys.argv[1], "r") as io:
        cell = io.read().lab_meta_data["brian2"].objects["cell"]
        print("TYPE", cell.neurodata_type, cell.num_compartments)
        sections = cell.brian2_tables["morphology"].vector_datas
        for row in zip(*(sections[name].data[:] for name in ("kind", "parent_section", "name_in_parent", "n",
                                                               "type"))):
            kind, parent, name, n, section_type = row
            print("SECTION", kind, parent, repr(name), n, repr(section_type))
        points = cell.brian2_tables["morphology_points"].vector_datas
        print("UNIT", points["diameter"].unit, len(points["diameter"].data))
        print("DIAMETER", [round(float(d) * 1e6, 3) for d in points["diameter"].data[:]])
        print("X", [round(float(x) * 1e6, 3) for x in points["x"].data[:]])
        print("MODEL", cell.model.replace(chr(10), " | "))
    assert "brian2nwb" not in sys.modules
""")


@pytest.fixture(scope="module")
def cell_file(tmp_path_factory):
    from helpers import reset_brian

    reset_brian("numpy")
    net = branched_cell()
    path = brian2nwb.to_nwb(net, tmp_path_factory.mktemp("cell") / "cell.nwb", subject=SUBJECT)
    return path, dump(net), len(net["cell"])


def test_branched_cell_reruns_bit_for_bit_with_its_traces(cell_file):
    path, expected, _ = cell_file
    assert len(expected["spikes/t"]) >= 2
    assert expected["trace/v"].shape[1] == 4
    assert_identical(resimulate(path, "numpy"), expected)


def test_morphology_is_readable_with_plain_pynwb(cell_file):
    path, _, compartments = cell_file
    output = subprocess.run([sys.executable, "-c", MORPHOLOGY_READER, str(path)], check=True,
                            capture_output=True, text=True).stdout
    assert f"TYPE SpatialNeuronModel {compartments}" in output
    sections = [line.split(" ", 1)[1] for line in output.splitlines() if line.startswith("SECTION")]
    assert sections == ["Soma -1 '' 1 'soma'", "Cylinder 0 'dendrite' 4 ''", "Section 1 'left' 2 ''",
                        "Cylinder 1 'right' 3 ''", "Cylinder 0 'axon' 8 ''"]
    assert "UNIT metre 22" in output  # 1 + 5 + 3 + 4 + 9 points
    assert "DIAMETER [25.0, 2.0, 2.0, 2.0, 2.0, 2.0, 1.5, 1.2, 0.9, 1.0," in output
    assert "X [nan, nan, nan, nan, nan, nan, nan, nan, nan, 0.0, 16.667, 33.333, 50.0, nan" in output
    model = next(line for line in output.splitlines() if line.startswith("MODEL"))
    assert "I_syn = g_syn * (E_syn - v) : amp (point current)" in model
    assert "g_K = gK * n**4 : metre ** -4 * kilogram ** -1 * second ** 3 * amp ** 2 (constant over dt)" in model
    assert "Im = gl * (El - v) + gNa * m**3 * h * (ENa - v) + g_K * (EK - v) : metre ** -2 * amp" in model
    assert "gtot__private" not in model and "area" not in model


def test_coordinates_and_cylinder_lengths_come_back_exactly(tmp_path):
    morphology = Soma(diameter=20 * um, x=1 * um, y=2 * um, z=3 * um)
    morphology.axon = Cylinder(diameter=1 * um, length=100 * um, n=7)  # 100/7 per compartment
    morphology.axon.tip = Cylinder(diameter=0.5 * um, n=3, x=[0, 10] * um, z=[0, 3] * um)
    neuron = SpatialNeuron(morphology, "Im = 1e-4 * siemens / cm**2 * (-70 * mV - v) : amp/meter**2",
                           Cm=1 * uF / cm**2, Ri=150 * ohm * cm, method="exponential_euler", name="passive")
    neuron.v = "-70 * mV + 10 * mV * distance / (120 * um)"
    net = Network(neuron, StateMonitor(neuron, "v", record=True, name="voltage"))
    brian2nwb.snapshot(net, seed=5)
    net.run(2 * ms)
    path = brian2nwb.to_nwb(net, tmp_path / "passive.nwb", subject=SUBJECT)
    rebuilt = brian2nwb.from_nwb(path)
    original, copy = neuron.morphology, rebuilt["passive"].morphology
    for name in ("length", "diameter", "area", "distance", "x", "y", "z", "r_length_1", "r_length_2"):
        for section in (lambda m: m, lambda m: m.axon, lambda m: m.axon.tip):
            np.testing.assert_array_equal(np.asarray(getattr(section(copy), name)),
                                          np.asarray(getattr(section(original), name)), err_msg=name)
    rebuilt.run_recorded()
    np.testing.assert_array_equal(rebuilt["voltage"].v_[:], net["voltage"].v_[:])
