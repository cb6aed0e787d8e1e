"""Fast tier (no simulation): the units the pipeline is made of, each on hand-made input."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import Hz, ms, mV, siemens, metre, second, volt
from brian2.units.fundamentalunits import DIMENSIONLESS

from brian2nwb.model.description import ModelDescription, ObjectDescription
from brian2nwb.model.quantities import dimensions_of, si_unit_name
from brian2nwb.model.timeline import ACTIONS, SETTINGS, Recording, Step, decode, encode, written_steps
from brian2nwb.nwb.by_neuron import MAX_BLOCK_NEURONS, neuron_blocks
from brian2nwb.nwb.datasets import CHUNK_BYTES, CHUNK_COLUMNS, chunk_shape, sampling
from brian2nwb.sweep.points import parse_parameter, point_table, points_of
from brian2nwb.trust.steps import VALUE_CHECKS
from brian2nwb.verbs.steps import CAPTURE, REPLAY


@pytest.mark.parametrize("quantity, name", [
    (volt, "volt"), (mV, "volt"), (siemens / metre**2, "siemens/metre**2"), (volt / second, "volt/second"),
    (metre**2, "metre**2"), (second**-0.5, "second**-0.5"), (Hz, "hertz"), (1, "dimensionless"),
])
def test_si_unit_names_are_readable_and_exact(quantity, name):
    assert si_unit_name(dimensions_of(quantity)) == name
    assert si_unit_name(dimensions_of(DIMENSIONLESS)) == "dimensionless"


@pytest.mark.parametrize("shape, itemsize", [((10**6,), 8), ((20_000, 1_000), 8), ((7, 3), 8), ((50, 100_000), 4),
                                             ((1000, 10, 3), 8)])
def test_chunks_are_about_a_megabyte_and_narrow_in_columns(shape, itemsize):
    chunks = chunk_shape(shape, itemsize)
    assert len(chunks) == len(shape) and all(1 <= c <= s for c, s in zip(chunks, shape))
    if len(shape) > 1:
        assert chunks[1] <= CHUNK_COLUMNS
    assert np.prod(chunks) * itemsize <= CHUNK_BYTES


def test_sampling_is_regular_unless_there_are_gaps():
    dt = 1e-4
    regular = 0.5 + np.arange(100) * dt
    assert sampling(regular, [dt]) == {"starting_time": 0.5, "rate": 1 / dt}
    gappy = np.concatenate([regular[:50], regular[60:]])
    np.testing.assert_array_equal(sampling(gappy, [dt])["timestamps"], gappy)
    # Brian2's step * dt differs from t[0] + k * dt by rounding: still regular
    as_brian2_computes = (5000 + np.arange(100)) * dt
    assert "rate" in sampling(as_brian2_computes, [dt])
    # samples on an earlier dt (the clock's dt changed after the last run) are found on it
    assert sampling(regular, [2 * dt, dt]) == {"starting_time": 0.5, "rate": 1 / dt}
    assert "timestamps" in sampling(regular, [2 * dt])


@pytest.mark.parametrize("per_neuron, most", [([5, 0, 3, 9, 1], 8), ([100], 10), ([0] * 10, 5), ([1] * 200_000, 10**9)])
def test_neuron_blocks_cover_every_neuron_within_the_budget(per_neuron, most):
    per_neuron = np.asarray(per_neuron)
    blocks = neuron_blocks(per_neuron, most)
    assert blocks[0][0] == 0 and blocks[-1][1] == len(per_neuron)
    assert all(a[1] == b[0] for a, b in zip(blocks, blocks[1:]))  # consecutive, no gaps
    for first, stop in blocks:
        assert stop - first <= MAX_BLOCK_NEURONS
        assert per_neuron[first:stop].sum() <= most or stop - first == 1  # one neuron may exceed it


def test_points_are_the_product_repeated_per_seed():
    points = points_of({"tau": [5 * ms, 10 * ms], "rate": [20 * Hz]}, seeds=[1, 2])
    assert [(p.values["tau"], p.values["rate"], p.seed) for p in points] == [
        (5 * ms, 20 * Hz, 1), (5 * ms, 20 * Hz, 2), (10 * ms, 20 * Hz, 1), (10 * ms, 20 * Hz, 2)]
    assert len({p.id for p in points}) == 4


def test_parameters_from_the_command_line_are_looked_up_not_evaluated():
    assert parse_parameter("tau=5ms,10ms") == ("tau", [5 * ms, 10 * ms])
    assert parse_parameter("n=3,4") == ("n", [3, 4])
    for bad in ("tau", "tau=__import__('os')", "tau=5 * ms", "tau=5parsec"):
        with pytest.raises(ValueError):
            parse_parameter(bad)
    table = point_table({"sweep": "s", "point": "p1", "values": {"tau": 5 * ms, "n": 3}, "seed": None})
    assert list(table["value"]) == [0.005, 3.0] and list(table["unit"]) == ["second", ""]
    assert list(table["seed"]) == [-1, -1]


def test_every_action_has_a_replay_settings_a_capture_and_checks_name_actions():
    assert set(REPLAY) == set(ACTIONS)
    assert set(CAPTURE) == set(SETTINGS) == {name for name, action in ACTIONS.items() if action.setting}
    assert set(VALUE_CHECKS) <= set(ACTIONS)


def test_steps_are_encoded_into_tables_and_decoded_back():
    steps = [Step("run", run=0), Step("set", "g", tables={"state": {"v": np.arange(3.0)}}),
             Step("dt", "defaultclock", value="5e-05", first=True), Step("run", run=1),
             Step("dt", "defaultclock", value="0.0001"), Step("schedule", value="start,groups", first=True)]
    descriptions = {"g": ObjectDescription("NeuronGroup", "g")}
    table = encode(steps, descriptions)
    kept = written_steps(steps)
    assert [s.action for s in kept] == ["run", "set", "dt", "run", "dt"]  # an unchanged setting's first value goes
    assert list(table["action"]) == [s.action for s in kept]
    decoded = decode(ModelDescription(objects=list(descriptions.values()), tables={"steps": table}))
    assert [(s.action, s.target, s.run, s.value) for s in decoded] == [(s.action, s.target, s.run, s.value)
                                                                       for s in kept]
    np.testing.assert_array_equal(decoded[1].tables["state"]["v"], np.arange(3.0))


def test_the_recording_knows_members_activity_and_what_a_restore_undid():
    tables = {
        "runs": {"start_time": np.asarray([0.0, 0.1, 0.1, 0.2]), "duration": np.asarray([0.1, 0.1, 0.1, 0.1])},
        "schedule": {"object": np.asarray(["a", "b"], dtype=object), "owner": np.asarray(["a", "b"], dtype=object),
                     "active": np.asarray([True, True]), "member": np.asarray([True, False])},
        "steps": {"action": np.asarray(["run", "store", "run", "restore", "add", "run", "deactivate", "run"],
                                       dtype=object),
                  "target": np.asarray(["", "s", "", "s", "b", "", "a", ""], dtype=object),
                  "run": np.asarray([0, -1, 1, -1, -1, 2, -1, 3])},
    }
    recording = Recording(tables)
    assert recording.surviving_runs() == [0, 2, 3]  # run 1 was undone by the restore
    members, active = recording.state_after(len(recording.steps))
    assert members == {"a", "b"} and active == {"a": False, "b": True}
    observed = recording.observed(["a", "b"])  # a: runs 0 and 2 (merged); b: from its add on, runs 2 and 3
    assert set(observed) == {"a", "b"} and len(observed["a"]) == len(observed["b"]) == 1
    np.testing.assert_allclose([observed["a"][0], observed["b"][0]], [(0.0, 0.2), (0.1, 0.3)])


class _Held:
    """Something of the user's that only a reference cycle of ours would keep."""


def test_a_verb_collects_the_garbage_it_made_and_only_that():
    """A cycle the verb made (an exception caught while parsing, whose frames hold the user's objects) is gone when
    it returns, with automatic collection off; a cycle of the user's made before the call is left to the user."""
    import gc
    import weakref

    from brian2nwb.verbs.garbage import leaves_no_garbage

    def caught(held):
        try:
            raise ValueError("as pyparsing does")
        except ValueError as error:
            kept = error  # exception -> traceback -> this frame -> kept: a cycle that holds ``held``
        return kept is not None

    @leaves_no_garbage
    def verb(held):
        return caught(held)

    enabled = gc.isenabled()
    gc.disable()
    try:
        users = [_Held()]
        users.append(users)  # the user's own cycle, unreachable from now on
        theirs = weakref.ref(users[0])
        held = _Held()
        ours = weakref.ref(held)
        del users
        assert verb(held)
        del held
        assert ours() is None
        assert theirs() is not None
        caught(_Held())  # the same without the verb: the cycle keeps its object (the test can tell)
        assert any(isinstance(obj, _Held) for obj in gc.get_objects() if obj is not theirs())
    finally:
        gc.collect()
        if enabled:
            gc.enable()
