"""Brian2 objects rebuilt from plain descriptions (see `describe`).

One build function per kind (referenced by the registry). They run after
`safety` has checked the whole model, in `BUILD_ORDER`, so that every object an
object refers to (its source, target or monitored group) exists already.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from brian2 import (
    Clock,
    EventMonitor,
    Hz,
    NeuronGroup,
    PoissonGroup,
    PoissonInput,
    PopulationRateMonitor,
    Quantity,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    defaultclock,
    linked_var,
    second,
)
from brian2.groups.subgroup import Subgroup
from brian2.units.fundamentalunits import get_or_create_dimension

from .describe import ObjectDescription

#: Kinds in the order they are built: groups before what connects or watches them.
BUILD_ORDER = ["NeuronGroup", "PoissonGroup", "SpikeGeneratorGroup", "Subgroup", "Synapses", "PoissonInput",
               "SpikeMonitor", "EventMonitor", "StateMonitor", "PopulationRateMonitor"]


@dataclass
class BuildContext:
    """What building needs besides the object's own description.

    Attributes
    ----------
    clocks : dict
        Clocks by name (``defaultclock`` is Brian2's own).
    objects : dict
        Objects built so far, by name.
    namespaces : dict
        Group-specific namespaces (identifier -> value) by group name.
    schedule : dict
        Rows of the schedule table by object name.
    replay : dict
        Group name -> (neuron indices, spike times in seconds) to play back instead.
    finish : list
        Callables run once every object exists (linked variables).
    """

    clocks: dict
    objects: dict = field(default_factory=dict)
    namespaces: dict = field(default_factory=dict)
    schedule: dict = field(default_factory=dict)
    replay: dict = field(default_factory=dict)
    finish: list = field(default_factory=list)

    def clock(self, name: str | None) -> Clock:
        return self.clocks.get(name, defaultclock) if name else defaultclock

    def namespace(self, name: str) -> dict | None:
        return self.namespaces.get(name)


def quantity(value, dimensions) -> Quantity | float:
    """A value in SI units with its dimension (exact: no unit strings are parsed)."""
    dims = np.asarray(dimensions, dtype=np.float64)
    return Quantity(value, dim=get_or_create_dimension(dims)) if dims.any() else value


def method_argument(method: str):
    """``"exact"`` or Brian2's list of candidates when the file holds several."""
    names = [name.strip() for name in method.split(",")]
    return names[0] if len(names) == 1 else tuple(names)


def dtype_argument(tables: dict) -> dict | None:
    """Brian2's ``dtype`` argument for variables that were not float64."""
    rows = _rows(tables.get("dtypes"))
    return {row["variable"]: np.dtype(str(row["dtype"])) for row in rows} or None


def _rows(table: dict) -> list[dict]:
    if not table:
        return []
    length = len(next(iter(table.values())))
    return [{key: values[k] for key, values in table.items()} for k in range(length)]


def build_neuron_group(description: ObjectDescription, context: BuildContext) -> NeuronGroup:
    attrs, tables = description.attrs, description.tables
    events = {row["event"]: row["condition"] for row in _rows(tables.get("events"))}
    if "refractory" in attrs:
        refractory = attrs["refractory"]
    elif "refractory_time" in attrs:
        refractory = attrs["refractory_time"] * second
    else:
        refractory = False
    group = NeuronGroup(
        attrs["N"], attrs["model"], method=method_argument(attrs["method"]), threshold=attrs.get("threshold"),
        reset=attrs.get("reset"), refractory=refractory, events=events or None,
        namespace=context.namespace(description.name), clock=context.clock(attrs.get("clock")),
        dtype=dtype_argument(tables), name=description.name,
    )
    for row in _rows(tables.get("events")):
        if row["code"]:
            group.run_on_event(row["event"], row["code"])
    for row in _rows(tables.get("run_regularly")):
        clock = context.clock(context.schedule.get(row["operation"], {}).get("clock"))
        group.run_regularly(row["code"], clock=clock, name=row["operation"])
    for row in _rows(tables.get("links")):
        context.finish.append(lambda row=row: setattr(
            group, row["variable"], linked_var(context.objects[row["target"]], row["target_variable"])))
    return group


def build_subgroup(description: ObjectDescription, context: BuildContext) -> Subgroup:
    attrs = description.attrs
    return Subgroup(context.objects[attrs["source"]], attrs["start"], attrs["stop"], name=description.name)


def build_synapses(description: ObjectDescription, context: BuildContext) -> Synapses:
    attrs, tables = description.attrs, description.tables
    pathways = _rows(tables.get("pathways"))
    on_pre = {p["pathway"]: p["code"] for p in pathways if p["prepost"] == "pre"}
    on_post = {p["pathway"]: p["code"] for p in pathways if p["prepost"] == "post"}
    delays = {p["pathway"]: p["delay"] * second for p in pathways if not p["per_synapse_delay"]}
    events = {p["pathway"]: p["event"] for p in pathways if p["event"] != "spike"}
    kwargs = {}
    if "method" in attrs:
        kwargs["method"] = method_argument(attrs["method"])
    synapses = Synapses(
        context.objects[attrs["source"]], context.objects[attrs["target"]], attrs["model"] or None,
        on_pre=on_pre or None, on_post=on_post or None, delay=delays or None, on_event=events or "spike",
        multisynaptic_index=attrs.get("multisynaptic_index"), namespace=context.namespace(description.name),
        clock=context.clock(attrs.get("clock")), dtype=dtype_argument(tables), name=description.name, **kwargs,
    )
    connectivity = tables.get("connectivity", {})
    i = np.asarray(connectivity.get("i", np.zeros(0, dtype=np.int64)), dtype=np.int32)
    j = np.asarray(connectivity.get("j", np.zeros(0, dtype=np.int64)), dtype=np.int32)
    synapses.connect(i=i, j=j)
    for pathway in pathways:
        column = connectivity.get(f"delay_{pathway['pathway']}")
        if column is not None:
            getattr(synapses, pathway["pathway"]).variables["delay"].set_value(np.asarray(column))
    return synapses


def build_poisson_group(description: ObjectDescription, context: BuildContext):
    attrs = description.attrs
    if description.name in context.replay:
        indices, times = context.replay[description.name]
        return SpikeGeneratorGroup(attrs["N"], indices, times * second, clock=context.clock(attrs.get("clock")),
                                   name=description.name)
    rates = attrs.get("rates", 0 * Hz)
    return PoissonGroup(attrs["N"], rates, clock=context.clock(attrs.get("clock")),
                        namespace=context.namespace(description.name), name=description.name)


def build_spike_generator(description: ObjectDescription, context: BuildContext) -> SpikeGeneratorGroup:
    attrs, spikes = description.attrs, description.tables["spikes"]
    return SpikeGeneratorGroup(attrs["N"], spikes["neuron_index"], np.asarray(spikes["time"]) * second,
                               period=attrs["period"] * second, sorted=True,
                               clock=context.clock(attrs.get("clock")), name=description.name)


def build_poisson_input(description: ObjectDescription, context: BuildContext) -> PoissonInput:
    attrs = description.attrs
    weight = attrs["weight"] if "weight" in attrs else quantity(attrs["weight_value"], attrs["weight_dimensions"])
    poisson_input = PoissonInput(context.objects[attrs["target"]], attrs["target_var"], attrs["N"],
                                 attrs["rate"] * Hz, weight)
    poisson_input._name = description.name  # PoissonInput takes no name in Brian2 2.9; ties break by name
    return poisson_input


def build_monitor(description: ObjectDescription, context: BuildContext):
    attrs, kind = description.attrs, description.kind
    source = context.objects[attrs["source"]]
    variables = list(attrs.get("variables", []))
    if kind == "SpikeMonitor":
        return SpikeMonitor(source, variables=variables or None, record=attrs.get("record", True),
                            name=description.name)
    if kind == "EventMonitor":
        return EventMonitor(source, attrs["event"], variables=variables or None, record=attrs.get("record", True),
                            name=description.name)
    if kind == "StateMonitor":
        record = True if attrs.get("record") else np.asarray(description.tables["recorded"]["index"])
        return StateMonitor(source, variables, record=record, clock=context.clock(attrs.get("clock")),
                            name=description.name)
    return PopulationRateMonitor(source, name=description.name)


def apply_state(obj, per_element: dict, shared: dict) -> None:
    """Set ``obj``'s variables to stored values (raw SI, exactly as stored)."""
    for name, values in list(per_element.items()) + list(shared.items()):
        variable = obj.variables[name]
        values = np.asarray(values)
        if values.size != variable.size:
            raise ValueError(f"'{obj.name}.{name}' has {variable.size} values; the file holds {values.size}.")
        variable.set_value(values.astype(variable.dtype, copy=False))
