"""``Subgroup`` (``group[a:b]``, also the sections of a SpatialNeuron): a view of neurons ``start`` to
``stop - 1`` of its source group, with its own ``run_regularly`` operations."""

from __future__ import annotations

from brian2.groups.subgroup import Subgroup

from ..brian.build import BuildContext, build_group_parts
from ..brian.describe import regular_operations
from ..errors import UnsafeModelError
from ..model.description import ObjectDescription
from ..model.fields import fields_of
from ..model.tables import tables_of
from .kind import Kind, Listed, Stage


def describe(subgroup, initial: dict | None) -> ObjectDescription:
    tables = {}
    regular = regular_operations(subgroup)
    if regular:
        tables["run_regularly"] = {"operation": [o.name for o in regular], "code": [o.abstract_code for o in regular]}
    return ObjectDescription("Subgroup", subgroup.name, {"source": subgroup.source.name,
                                                         "start": int(subgroup.start), "stop": int(subgroup.stop)},
                             tables)


def build(description: ObjectDescription, context: BuildContext) -> Subgroup:
    attrs = description.attrs
    subgroup = Subgroup(context.objects[attrs["source"]], attrs["start"], attrs["stop"], name=description.name)
    build_group_parts(subgroup, description.tables, context)
    return subgroup


def check(description: ObjectDescription, model, checker) -> None:
    attrs = description.attrs
    start, stop = int(attrs["start"]), int(attrs["stop"])
    source_size = model.sizes.get(attrs["source"])
    if not 0 <= start <= stop or (source_size is not None and stop > int(source_size)):
        raise UnsafeModelError(f"'{description.name}': neurons {start} to {stop} are not part of "
                               f"'{attrs['source']}'.")


KIND = Kind("Subgroup", describe=describe, build=build, stage=Stage.VIEWS, nwb_type="SubgroupModel",
            listed_as=frozenset({Listed.GROUP}), check=check, fields=fields_of("SubgroupModel"),
            table_docs=tables_of("SubgroupModel"))
