"""Files of earlier ndx-brian2 versions, brought to the current layout as they are read.

The format is a promise: every brian2nwb reads every file an earlier release wrote. A file's ndx-brian2
version is the one its cached spec names; this module says which versions this brian2nwb reads
(`READABLE`) and refuses the others with the version a reader needs (`format_version`). A file of an earlier
version is read through hdmf's builders - the plain tree of groups, datasets and attributes that hdmf reads
before it builds any container - upgraded one version at a time (`UPGRADES`), so that everything after the
reading sees the current layout.

The versions, by semantic versioning: a patch changes docs only; a minor version adds optional fields or
types (a file of an earlier minor version needs no upgrade); a major version changes what was there (an
upgrade says how). 0.1.0 and 0.2.0 were development versions, before the first release (1.0.0); their files
are read too, as the upgrades are few and mechanical.
"""

from __future__ import annotations

import uuid

from ..errors import InvalidFileError, printable
from ..model.format import NAMESPACE, VERSION


def _typed_objects(root) -> None:
    """0.1.0 -> 0.2.0: the network's objects are in a typed ``Brian2Objects`` group (0.1.0: a plain group
    ``objects``), and the simulation says where its initial state came from in ``initial_state_source``
    (0.1.0: ``initial_state``)."""
    for simulation in _typed(root, "Brian2Simulation"):
        objects = simulation.groups.get("objects")
        if objects is not None and "neurodata_type" not in objects.attributes:
            for key, value in (("namespace", NAMESPACE), ("neurodata_type", "Brian2Objects"),
                               ("object_id", str(uuid.uuid4())),
                               ("description", f"The {len(objects.groups)} objects of the Brian2 network, each named "
                                               "after it.")):
                objects.set_attribute(key, value)
        _rename(simulation, {"initial_state": "initial_state_source"})


#: Brian2's ``N`` as each type names it from 1.0.0 on.
_SIZES = {"NeuronGroupModel": "num_neurons", "PoissonGroupModel": "num_neurons",
          "SpikeGeneratorGroupModel": "num_neurons", "SpatialNeuronModel": "num_compartments",
          "PoissonInputModel": "num_inputs"}


def _snake_case_names(root) -> None:
    """0.2.0 -> 1.0.0: attributes are named in snake_case as NWB names them (``N`` -> ``num_neurons``,
    ``num_compartments`` or ``num_inputs``; ``target_var`` -> ``target_variable``)."""
    for nwb_type, size in _SIZES.items():
        for builder in _typed(root, nwb_type):
            _rename(builder, {"N": size, "target_var": "target_variable"})


#: How a file of each earlier version becomes one of the next: ``{version: (next version, upgrade)}``.
UPGRADES = {
    "0.1.0": ("0.2.0", _typed_objects),
    "0.2.0": ("1.0.0", _snake_case_names),
}

#: The format versions brian2nwb releases wrote, up to the one this brian2nwb writes. Within a major version
#: the layout only grows, so a file of an earlier one needs no upgrade. Each has a fixture in ``tests/formats``
#: (``tests/formats/write_fixture.py`` writes it when a release introduces the version).
RELEASED = ("1.0.0", "1.1.0")

#: The versions this brian2nwb reads: every released one and every earlier one it knows how to upgrade.
READABLE = (*UPGRADES, *RELEASED)

if VERSION not in RELEASED:
    raise ImportError(f"The installed ndx-brian2 declares the format {VERSION}; this brian2nwb writes "
                      f"{RELEASED[-1]}: install the ndx-brian2 that brian2nwb requires.")


def upgrade(root, version: str) -> None:
    """Bring the builders of a file of ndx-brian2 ``version`` (a readable one) to the current layout, in place."""
    while version in UPGRADES:
        version, step = UPGRADES[version]
        step(root)


def format_version(versions: list[str], writer, path) -> str:
    """The ndx-brian2 version to read a file as, from the versions its cached spec names (the newest, when a
    file caches several); an `InvalidFileError` naming the version needed for a file this brian2nwb cannot
    read. ``writer``: the brian2nwb version the file says wrote it, ``path`` the file (for the message)."""
    from ..version import __version__

    if not versions:
        return VERSION
    version = max(versions, key=_key)
    if version in READABLE:
        return version
    writer = writer.decode() if isinstance(writer, bytes) else writer
    wrote = f"brian2nwb {printable(str(writer))}" if writer else "a brian2nwb of an unknown version"
    if _key(version) > _key(VERSION):
        raise InvalidFileError(
            f"{path} was written by {wrote} with the {NAMESPACE} format {printable(version)}, newer than this "
            f"brian2nwb ({__version__}) reads ({NAMESPACE} up to {VERSION}). Read it with a brian2nwb that "
            f"reads {NAMESPACE} {printable(version)} (pip install --upgrade brian2nwb); plain pynwb and "
            "nwbinspector still open it.")
    raise InvalidFileError(
        f"{path} was written by {wrote} with the {NAMESPACE} format {printable(version)}, which no released "
        f"brian2nwb wrote; this brian2nwb ({__version__}) reads {NAMESPACE} {', '.join(READABLE)}. Plain pynwb "
        "and nwbinspector still open it.")


def _key(version: str) -> tuple:
    """A version as numbers to compare (text that is no version sorts first)."""
    try:
        return tuple(int(part) for part in str(version).split("."))
    except ValueError:
        return (-1,)


def _typed(builder, nwb_type: str):
    """The group builders of ``nwb_type`` (of ndx-brian2) under ``builder``, itself included."""
    attributes = builder.attributes
    if attributes.get("neurodata_type") == nwb_type and attributes.get("namespace") == NAMESPACE:
        yield builder
    for group in builder.groups.values():
        yield from _typed(group, nwb_type)


def _rename(builder, names: dict) -> None:
    for old, new in names.items():
        if old in builder.attributes and new not in builder.attributes:
            builder.set_attribute(new, builder.attributes.pop(old))
