"""What each field of a model holds: the declaration every check of a file's model is driven by.

The ndx-brian2 format declares every attribute of its types and every column of their tables with a role
(`brian2nwb.model.format`); here they become `Field`\\ s. The checker of a file's model
(`brian2nwb.trust.model`) checks every attribute by its role - it knows no attribute or kind by name - and
tables declare their columns the same way (`brian2nwb.model.tables.TableDoc`), so a column of text can only
reach Brian2 through the check of its role: a text column without a declared role is refused.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .format import DECLARATIONS, lineage


class _Role(enum.Enum):
    @property
    def is_text(self) -> bool:
        """Whether values of this role are text (else numbers or booleans)."""
        return DECLARATIONS["roles"][self.value]["text"]

    @property
    def doc(self) -> str:
        """What values of this role hold."""
        return DECLARATIONS["roles"][self.value]["doc"]


#: What a field holds, and so how it is checked before Brian2 sees it: one member per role the format declares
#: (``Role.EQUATIONS``, ``Role.EXPRESSION``, ``Role.NAME``, ``Role.OBJECT``, ``Role.SIZE``, ``Role.TIME``...).
Role = _Role("Role", {name.upper(): name for name in DECLARATIONS["roles"]}, module=__name__)

TEXT_ROLES = frozenset(role for role in Role if role.is_text)


@dataclass(frozen=True)
class Field:
    """One attribute of a description, or one column of a table.

    Attributes
    ----------
    name : str
        The attribute's or column's name.
    role : Role
        What it holds.
    doc : str
        What it means, for the file's readers.
    required : bool
        Whether every description of the kind has it (attributes only).
    choices : tuple of str
        The words a `Role.CHOICE` may be, or words a `Role.NAME` may be besides a name
        (such as ``""``).
    """

    name: str
    role: Role
    doc: str
    required: bool = True
    choices: tuple = ()

    @classmethod
    def declared(cls, entry: dict) -> Field:
        """The field of a declaration of ``ndx-brian2.fields.json``."""
        return cls(entry["name"], Role(entry["role"]), entry["doc"], entry.get("required", True),
                   tuple(entry.get("choices", ())))


def fields_of(nwb_type: str, below: str | None = "Brian2ObjectModel") -> tuple[Field, ...]:
    """The attributes ``nwb_type`` declares and those of the ndx-brian2 types it extends (down to, not
    including, ``below``), as `Field`\\ s."""
    return tuple(Field.declared(entry) for declaration in lineage(nwb_type, below)
                 for entry in declaration["attributes"])


#: The attributes every object has, whatever its kind (those of ``Brian2ObjectModel`` besides its description).
BASE_FIELDS = tuple(field for field in fields_of("Brian2ObjectModel", below=None) if field.name != "description")


def size_field(fields: tuple[Field, ...]) -> str | None:
    """The name of the field that holds an object's number of elements (its role is `Role.ELEMENTS`; Brian2's
    ``N``), or None for a kind without one."""
    return next((field.name for field in fields if field.role is Role.ELEMENTS), None)
