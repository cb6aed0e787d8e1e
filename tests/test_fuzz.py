"""A seeded mutation fuzzer over a small file: bit flips, truncations, attribute and dataset edits.

Every mutant is opened as a user would (from_nwb, run_recorded, info, plot; `open_hostile.py`) in a fresh
process with a memory and a time limit. Each outcome must be success or a documented error
(`InvalidFileError`, `UnsafeModelError`): never a crash, a hang, or an exception a user cannot act on. The
seeds are fixed; the valid file differs between runs only in its identifiers (object ids), so a failing seed
usually fails again, and the mutant's path and message are in the assertion. During development 2,000 more
seeds ran clean on numpy and 100 on Cython.
"""

from __future__ import annotations

import random
import shutil

import h5py
import numpy as np
import pytest
from brian2 import (Hz, Network, NeuronGroup, PoissonInput, SpikeGeneratorGroup, SpikeMonitor, StateMonitor,
                    Synapses, TimedArray, ms)

import brian2nwb
from helpers import DOCUMENTED, SUBJECT, reset_brian, run_hostile

#: Mutants per target: numpy gets more (Cython compiles each model the mutants leave valid).
MUTANTS = {"numpy": 160, "cython": 40}

#: Values an edited attribute or dataset element takes: edge numbers, wrong types, code, control characters.
HOSTILE_VALUES = [-1, 0, 2**31 - 1, 2**62, -(2**31), np.nan, np.inf, -np.inf, 1e308, "", "x" * 5000,
                  "__import__('os').system('touch pwned')", "v > 1", "\x1b[2J", "neurons", "synapses", "run", "1",
                  "metre ** 99", "2**2**2**2**2**2", 0.5, True]


def recording() -> Network:
    """A small network with every kind of index and value the fuzzer should reach, simulated in two runs."""
    reset_brian("numpy")
    stimulus = TimedArray([0.0, 2.0, 1.0], dt=2 * ms, name="stimulus")  # noqa: F841 - in the model below
    group = NeuronGroup(5, "dv/dt = (stimulus(t) + I - v) / (5*ms) : 1\nI : 1", threshold="v > 1",
                        reset="v = 0", refractory=1 * ms, method="euler", name="neurons")
    synapses = Synapses(group, group, "w : 1", on_pre="v_post += w", name="synapses")
    synapses.connect(p=0.6)
    synapses.w = "0.1 * i"
    synapses.delay = "j * 0.3 * ms"
    inputs = SpikeGeneratorGroup(2, [0, 1, 1], [1, 2, 4] * ms, name="inputs")
    feed = Synapses(inputs, group, on_pre="v_post += 0.4", name="feed")
    feed.connect(p=1.0)
    noise = PoissonInput(group, "v", 3, 50 * Hz, weight=0.05)
    net = Network(group, synapses, inputs, feed, noise, SpikeMonitor(group, name="spikes"),
                  StateMonitor(group, "v", record=[0, 3], name="trace"))
    brian2nwb.snapshot(net)
    net.run(4 * ms)
    group.I = 0.5
    net.run(4 * ms)
    return net


@pytest.fixture(scope="module")
def valid_file(tmp_path_factory):
    return brian2nwb.to_nwb(recording(), tmp_path_factory.mktemp("fuzz") / "valid.nwb", subject=SUBJECT)


def mutate(valid, seed: int, folder) -> str:
    """Mutant number ``seed`` of ``valid``, written into ``folder`` (not as *.nwb: the conftest validates those)."""
    rng = random.Random(seed)
    path = folder / f"mutant_{seed}.hostile"
    shutil.copy(valid, path)
    kind = ("bits", "truncate", "attribute", "dataset")[seed % 4]
    if kind in ("bits", "truncate"):
        data = bytearray(path.read_bytes())
        if kind == "bits":
            for _ in range(rng.randint(1, 16)):
                position = rng.randrange(len(data))
                data[position] ^= 1 << rng.randrange(8)
        else:
            data = data[: rng.randrange(len(data))]
        path.write_bytes(bytes(data))
        return str(path)
    with h5py.File(path, "r+") as file:
        names = []
        file.visititems(lambda name, obj: names.append(name))
        if kind == "attribute":
            holders = [name for name in names if len(file[name].attrs)]
            holder = file[rng.choice(holders)]
            key = rng.choice(sorted(holder.attrs))
            holder.attrs[key] = _value(rng)
        else:
            datasets = [name for name in names if isinstance(file[name], h5py.Dataset)]
            _edit_dataset(file, rng.choice(datasets), rng)
    return str(path)


def _value(rng):
    value = rng.choice(HOSTILE_VALUES)
    return np.float64(value) if isinstance(value, float) else value


def _edit_dataset(file, name: str, rng) -> None:
    dataset = file[name]
    values = dataset[()]
    attributes = dict(dataset.attrs)
    edit = rng.choice(["element", "length", "type", "shape"])
    if edit == "element" and np.ndim(values) >= 1 and len(values):
        replacement = _value(rng)
        try:
            dataset[rng.randrange(len(values))] = replacement
            return
        except (TypeError, ValueError, OSError):
            edit = "type"
    del file[name]
    if edit == "length" and np.ndim(values) >= 1:
        length = rng.choice([0, 1, len(values) + 1, 3 * len(values) + 7])
        new = np.resize(values, (length,) + np.shape(values)[1:]) if length else values[:0]
    elif edit == "shape" and np.ndim(values) >= 1:
        new = np.stack([values, values])
    else:
        new = np.asarray([_value(rng)] * max(1, int(np.size(values))))
        if new.dtype.kind == "U":
            new = new.astype(object)
    try:
        file.create_dataset(name, data=new)
    except (TypeError, ValueError):
        file.create_dataset(name, data=np.zeros(1))
    file[name].attrs.update(attributes)


@pytest.mark.parametrize("target", sorted(MUTANTS))
def test_mutants_fail_cleanly(valid_file, tmp_path, target):
    paths = {mutate(valid_file, seed, tmp_path): seed for seed in range(MUTANTS[target])}
    outcomes = run_hostile(list(paths), target, seconds=90)
    counts: dict[str, int] = {}
    for path, seed in paths.items():
        outcome = outcomes[path]["outcome"]
        counts[outcome] = counts.get(outcome, 0) + 1
        assert outcome == "ok" or outcome in DOCUMENTED, (f"mutant {seed}", outcomes[path])
    print(target, counts)
    assert sum(counts.get(name, 0) for name in DOCUMENTED) >= len(paths) // 2  # the fuzzer does reach the checks
    assert not (tmp_path / "pwned").exists()


@pytest.fixture(scope="module")
def valid_store(tmp_path_factory):
    """The same recording as a Zarr store."""
    return brian2nwb.to_nwb(recording(), tmp_path_factory.mktemp("fuzz_zarr") / "valid.nwb.zarr", subject=SUBJECT,
                            backend="zarr")


def mutate_store(valid, seed: int, folder) -> str:
    """Mutant ``seed`` of a Zarr store: a metadata document's value replaced, its JSON cut short, or a chunk's
    bytes flipped or cut."""
    import json

    rng = random.Random(seed)
    path = folder / f"mutant_{seed}.nwb.zarr"
    shutil.copytree(valid, path)
    files = sorted(p for p in path.rglob("*") if p.is_file())
    documents = [p for p in files if p.name in (".zarray", ".zattrs", ".zgroup", ".zmetadata", "zarr.json")]
    chunks = [p for p in files if p not in documents]
    kind = ("value", "json", "chunk")[seed % 3]
    if kind == "chunk" and chunks:
        chunk = rng.choice(chunks)
        data = bytearray(chunk.read_bytes())
        if data and rng.random() < 0.5:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        else:
            data = data[: rng.randrange(len(data) + 1)]
        chunk.write_bytes(bytes(data))
    elif kind == "json":
        document = rng.choice(documents)
        text = document.read_bytes()
        document.write_bytes(text[: rng.randrange(len(text) + 1)])
    else:
        document = rng.choice(documents)
        metadata = json.loads(document.read_text())
        holder, key = _random_key(metadata, rng)
        if holder is not None:
            value = _value(rng)
            holder[key] = value.item() if isinstance(value, np.generic) else value
            document.write_text(json.dumps(holder if holder is metadata else metadata, allow_nan=True))
    return str(path)


def _random_key(metadata, rng, depth: int = 0):
    """A (dict, key) somewhere inside a JSON document."""
    if not isinstance(metadata, dict) or not metadata:
        return None, None
    key = rng.choice(sorted(metadata))
    inner = metadata[key]
    if isinstance(inner, dict) and inner and depth < 4 and rng.random() < 0.6:
        found = _random_key(inner, rng, depth + 1)
        if found[0] is not None:
            return found
    return metadata, key


def test_store_mutants_fail_cleanly(valid_store, tmp_path):
    paths = {mutate_store(valid_store, seed, tmp_path): seed for seed in range(60)}
    outcomes = run_hostile(list(paths), "numpy", seconds=90)
    counts: dict[str, int] = {}
    for path, seed in paths.items():
        outcome = outcomes[path]["outcome"]
        counts[outcome] = counts.get(outcome, 0) + 1
        assert outcome == "ok" or outcome in DOCUMENTED, (f"store mutant {seed}", outcomes[path])
    print("zarr", counts)
    assert sum(counts.get(name, 0) for name in DOCUMENTED) >= len(paths) // 3
