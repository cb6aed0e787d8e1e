"""``SpatialNeuron``: a multicompartment neuron - its morphology, cable equations and per-compartment state.

The morphology is stored as two tables that follow Brian2's own `Morphology` types:

``morphology``: one row per section, in the order Brian2 numbers compartments (depth first,
children in the order they were attached): ``kind`` (``Soma``, ``Cylinder`` or ``Section``),
``type`` (Brian2's ``type``, e.g. ``"axon"``; empty if None), ``parent`` (row of the parent
section, -1 for the root), ``name`` (the name it has in its parent, e.g. ``"dendrite"``; empty if
unnamed), ``n`` (number of compartments).

``morphology_points``: the points of every section, section after section: one point for a
``Soma`` (its diameter and, if given, its position), ``n + 1`` points for a ``Cylinder`` or
``Section`` (the start of the first compartment and the end of each compartment): ``diameter``
(m; constant along a Cylinder), ``length`` (m, the length of the compartment that ends at the
point; NaN at the first point and for a Soma), ``x``, ``y``, ``z`` (m; relative to the end of the
parent section as Brian2 keeps them; NaN when the section has no coordinates).

The compartments' geometry (``length``, ``area``, ``distance``, ``r_length_1``...), ``Cm``,
``Ri`` and the state of every compartment are in the state tables, as for any group.
"""

from __future__ import annotations

import numpy as np
from brian2 import SpatialNeuron, amp, meter
from brian2.equations.equations import SUBEXPRESSION, Expression, SingleEquation
from brian2.spatialneuron.morphology import Cylinder, Morphology, Section, Soma

from ..brian.build import BuildContext, build_group_parts, rows
from ..brian.describe import constant_over_dt_expressions
from ..brian.equations import equations_text
from ..brian.internals import section_geometry, set_section_lengths
from ..errors import UnsafeModelError
from ..model.description import ObjectDescription
from ..model.fields import fields_of, size_field
from ..model.tables import tables_of
from ..trust.code import check_name
from .kind import Kind, Listed, Stage
from .neurongroup import group_arguments, group_attrs, neuron_tables

FIELDS = fields_of("SpatialNeuronModel")

#: The Brian2 morphology classes a file may name.
SECTION_KINDS = {"Soma": Soma, "Cylinder": Cylinder, "Section": Section}
#: Points of one section per kind, for ``n`` compartments.
_POINTS = {"Soma": lambda n: 1, "Cylinder": lambda n: n + 1, "Section": lambda n: n + 1}


def morphology_tables(morphology: Morphology) -> dict:
    """The ``morphology`` and ``morphology_points`` tables of a morphology tree."""
    sections = {"kind": [], "type": [], "parent_section": [], "name_in_parent": [], "n": []}
    points = {"diameter": [], "length": [], "x": [], "y": [], "z": []}

    def add(section, parent: int, name) -> None:
        kind = type(section).__name__
        if kind not in SECTION_KINDS:
            raise NotImplementedError(f"its morphology has a section of type {kind}, which brian2nwb does not know")
        row = len(sections["kind"])
        sections["kind"].append(kind)
        sections["type"].append(section.type or "")
        sections["parent_section"].append(parent)
        sections["name_in_parent"].append(name or "")
        sections["n"].append(section.n)
        count = _POINTS[kind](section.n)
        diameter, lengths = section_geometry(section)
        if kind == "Cylinder":  # one diameter per compartment, all equal: the start point has it too
            diameter = np.concatenate([diameter[:1], diameter])
        points["diameter"].append(diameter)
        length = np.full(count, np.nan)
        if kind != "Soma":
            length[1:] = lengths
        points["length"].append(length)
        for axis in ("x", "y", "z"):
            values = getattr(section, f"_{axis}")
            points[axis].append(np.full(count, np.nan) if values is None else np.asarray(values, dtype=np.float64))
        for child in section.children:
            add(child, row, section.children.name(child))

    add(morphology, -1, None)
    return {"morphology": {key: (np.asarray(values, dtype=np.int64) if key in ("parent_section", "n") else values)
                           for key, values in sections.items()},
            "morphology_points": {key: np.concatenate(values) * meter for key, values in points.items()}}


def morphology_from_tables(sections: dict, points: dict) -> Morphology:
    """The `Morphology` tree the tables describe (built with Brian2's own classes)."""
    built = []
    offset = 0
    columns = {key: np.asarray(points[key], dtype=np.float64) for key in ("diameter", "length", "x", "y", "z")}
    for row in rows(sections):
        kind, n = str(row["kind"]), int(row["n"])
        count = _POINTS[kind](n)
        point = {key: values[offset:offset + count] for key, values in columns.items()}
        offset += count
        has_coordinates = not np.isnan(point["x"]).all()
        coordinates = {axis: point[axis] * meter for axis in ("x", "y", "z")} if has_coordinates else {}
        section_type = str(row["type"]) or None
        if kind == "Soma":
            section = Soma(point["diameter"][0] * meter, **{k: v[0] for k, v in coordinates.items()},
                           type=section_type or "soma")
        elif kind == "Cylinder":
            if has_coordinates:
                section = Cylinder(point["diameter"][0] * meter, n=n, type=section_type,
                                   **{k: v[[0, -1]] for k, v in coordinates.items()})
            else:
                section = Cylinder(point["diameter"][0] * meter, n=n, length=np.sum(point["length"][1:]) * meter,
                                   type=section_type)
                set_section_lengths(section, point["length"][1:] * meter)  # exactly as recorded (not total / n)
        else:
            section = Section(point["diameter"] * meter, n=n, type=section_type,
                              **(coordinates or {"length": point["length"][1:] * meter}))
        parent = int(row["parent_section"])
        if parent >= 0:
            built[parent].children.add(str(row["name_in_parent"]) or None, section)
        built.append(section)
    return built[0]


def user_equations(neuron) -> str:
    """The equations as the user wrote them.

    Brian2 keeps only its processed form: point currents inserted into ``Im`` as
    ``+I/area`` (their flag dropped), ``(constant over dt)`` subexpressions turned
    into parameters, and the cable variables (`NAMES`) added. This undoes each step.
    """
    equations = {eq.varname: eq for eq in neuron.user_equations.ordered}
    membrane = str(equations["Im"].expr.code)
    point_currents = []
    while True:  # Brian2 appends "+<current>/area" for every point current
        found = next((name for name, eq in equations.items() if membrane.endswith(f"+{name}/area")
                      and eq.dim is amp.dim), None)
        if found is None:
            break
        point_currents.append(found)
        membrane = membrane[: -len(f"+{found}/area")]
    constant_over_dt = constant_over_dt_expressions(neuron)
    lines = []
    for eq in neuron.user_equations.ordered:
        if eq.varname in NAMES - {"Im"} or eq.varname in ("gtot__private", "I0__private"):
            continue
        if eq.varname == "Im":
            eq = SingleEquation(SUBEXPRESSION, "Im", dimensions=eq.dim, var_type=eq.var_type,
                                expr=Expression(membrane), flags=eq.flags)
        elif eq.varname in constant_over_dt:
            eq = SingleEquation(SUBEXPRESSION, eq.varname, dimensions=eq.dim, var_type=eq.var_type,
                                expr=Expression(constant_over_dt[eq.varname]),
                                flags=sorted(set(eq.flags) | {"constant over dt"}))
        if eq.varname in point_currents:
            eq = SingleEquation(eq.type, eq.varname, dimensions=eq.dim, var_type=eq.var_type, expr=eq.expr,
                                flags=sorted(set(eq.flags) | {"point current"}))
        lines.append(eq)
    return equations_text(lines)


def describe(neuron, initial: dict | None) -> ObjectDescription:
    tables = neuron_tables(neuron, initial)
    tables.update(morphology_tables(neuron.morphology))
    attrs = dict(group_attrs(neuron, FIELDS), model=user_equations(neuron))
    return ObjectDescription("SpatialNeuron", neuron.name, attrs, tables)


def build(description: ObjectDescription, context: BuildContext) -> SpatialNeuron:
    tables = description.tables
    morphology = morphology_from_tables(tables["morphology"], tables["morphology_points"])
    neuron = SpatialNeuron(morphology, **group_arguments(description, context))
    build_group_parts(neuron, tables, context)
    return neuron


def check(description: ObjectDescription, model, checker) -> None:
    """A tree (every parent before its children), known section kinds, point counts that add up, and as many
    compartments as the neuron has."""
    what, tables = f"'{description.name}'", description.tables
    compartments = description.attrs.get(size_field(FIELDS))
    sections, points = tables.get("morphology"), tables.get("morphology_points")
    if not sections or not points:
        raise UnsafeModelError(f"{what}: a SpatialNeuron needs its 'morphology' and 'morphology_points' tables.")
    kinds, parents, counts = sections.get("kind", []), sections.get("parent_section", []), sections.get("n", [])
    if not len(kinds) or not len(kinds) == len(parents) == len(counts):
        raise UnsafeModelError(f"{what}: the morphology table has no sections or columns of different lengths.")
    total_points = 0
    for row, (kind, parent, n) in enumerate(zip(kinds, parents, counts)):
        if str(kind) not in SECTION_KINDS:
            raise UnsafeModelError(f"{what}: unknown morphology section kind {kind!r}.")
        if not (int(parent) == -1 if row == 0 else 0 <= int(parent) < row):
            raise UnsafeModelError(f"{what}: morphology section {row} has parent {parent}; sections must follow "
                                   "their parent (the root first).")
        if not 1 <= int(n) <= int(compartments or 0) or (str(kind) == "Soma" and int(n) != 1):
            raise UnsafeModelError(f"{what}: morphology section {row} has {n} compartments.")
        total_points += _POINTS[str(kind)](int(n))
    for name in sections.get("name_in_parent", []):
        if str(name):
            check_name(str(name), f"{what} morphology section name")
    if sum(int(n) for n in counts) != int(-1 if compartments is None else compartments):
        raise UnsafeModelError(f"{what}: the morphology has {sum(int(n) for n in counts)} compartments, the neuron "
                               f"{compartments}.")
    if any(len(points.get(key, [])) != total_points for key in ("diameter", "length", "x", "y", "z")):
        raise UnsafeModelError(f"{what}: the morphology's sections need {total_points} points in every column of "
                               "'morphology_points'.")


#: What a SpatialNeuron defines besides the user's equations.
NAMES = frozenset({"v", "Im", "Ic", "length", "distance", "area", "volume", "diameter", "Cm", "Ri", "r_length_1",
                   "r_length_2", "x", "y", "z", "time_constant", "space_constant"})

KIND = Kind("SpatialNeuron", describe=describe, build=build, stage=Stage.GROUPS, nwb_type="SpatialNeuronModel",
            stateful=True, listed_as=frozenset({Listed.GROUP}), elements="compartments", check=check, names=NAMES,
            table_docs=tables_of("SpatialNeuronModel"), fields=FIELDS, flags=frozenset({"point current"}))
