"""What the model's tables and their columns mean: the tables the ndx-brian2 format declares, as `TableDoc`\\ s.

Every table of an object type (its state, its group tables, its kind's own) and of the network is declared by
the format with its columns and their roles (`brian2nwb.model.format`); a kind's `table_docs` are those of its
type. Tables named after a step (``step_<k>_<table>``) and the index arrays of linked variables
(``link_<variable>_index``) are described from the tables they stand for. State columns are variables,
described from their name, unit and the kind of element they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fields import Field
from .format import lineage


@dataclass(frozen=True)
class TableDoc:
    """The description of a table and of its columns, by column name (each a `Field` with its role:
    `brian2nwb.model.fields`); the checker of a file's model checks every declared column by it. ``other``
    describes columns not listed (variables, per-pathway delays: numbers only), if a table may have any."""

    doc: str
    columns: dict[str, Field] = field(default_factory=dict)
    other: str | None = None

    def column(self, name: str) -> str | None:
        """The doc of column ``name`` (None for a column the table does not declare)."""
        if name in self.columns:
            return self.columns[name].doc
        return self.other

    def field(self, name: str) -> Field | None:
        """The declared `Field` of column ``name``; None for an undeclared one (numbers only)."""
        return self.columns.get(name)

    @classmethod
    def declared(cls, entry: dict) -> TableDoc:
        """The table of a declaration of ``ndx-brian2.fields.json``."""
        return cls(entry["doc"], {column["name"]: Field.declared(column) for column in entry["columns"]},
                   entry.get("other"))


def tables_of(nwb_type: str) -> dict[str, TableDoc]:
    """The tables ``nwb_type`` and the ndx-brian2 types it extends declare, by name."""
    return {table["name"]: TableDoc.declared(table) for declaration in lineage(nwb_type)
            for table in declaration["tables"]}


#: The network's tables (in /general/brian2).
NETWORK_TABLES = tables_of("Brian2Simulation")


def state_doc(table: str, elements: str) -> TableDoc | None:
    """The doc of a state table set at a step (``step_<k>_state``, ``step_<k>_shared_state``)."""
    step, _, rest = table[len("step_"):].partition("_") if table.startswith("step_") else ("", "", "")
    if rest not in ("state", "shared_state"):
        return None
    per = f"Variables, one row per {elements[:-1] or 'element'}"
    what = "Shared (scalar) variables" if rest == "shared_state" else per
    return TableDoc(f"{what}, as the user set them at step {step} of the network's 'steps' table (only those that "
                    "changed).")


def variable_doc(column: str, unit: str, elements: str, shared: bool) -> str:
    """The doc of a state column: a Brian2 variable."""
    per = "its one value" if shared else f"one value per {elements[:-1] or 'element'}"
    unit = "dimensionless" if unit == "dimensionless" else f"in {unit}"
    return f"The Brian2 variable '{column}', {unit} ({per}), exactly as Brian2 held it."


def find(table: str, kind_docs: dict, elements: str) -> TableDoc:
    """The doc of an object's table: its kind's (``kind_docs``), a table set at a step, a linked variable's index
    array, or a plain one."""
    if table in kind_docs:
        return kind_docs[table]
    step, _, rest = table[len("step_"):].partition("_") if table.startswith("step_") else ("", "", "")
    if rest in kind_docs:  # what a 'configure' step replaced: the kind's table, as it was set then
        return TableDoc(f"{kind_docs[rest].doc} As the user set it at step {step} of the network's 'steps' table.",
                        kind_docs[rest].columns, kind_docs[rest].other)
    if table.startswith("link_") and table.endswith("_index"):
        variable = table[len("link_"):-len("_index")]
        return TableDoc(f"The index array of the linked variable '{variable}': element k reads element index[k] "
                        "of the target.", other="Index in the target group.")
    return state_doc(table, elements) or TableDoc(f"The table '{table}'.")
