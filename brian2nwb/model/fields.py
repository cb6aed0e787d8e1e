"""What each field of a model holds: the declaration every check of a file's model is driven by.

A kind declares the attributes of its description as `Field`\\ s (their role, doc
and whether they are required); the ndx-brian2 spec is generated from them
(`brian2nwb.nwb.spec.model_type`), and the checker of a file's model
(`brian2nwb.trust.model`) checks every attribute by its role - it knows no attribute
or kind by name. Tables declare their columns the same way (`TableDoc`), so a
column of text can only reach Brian2 through the check of its role: a text
column without a declared role is refused.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.Enum):
    """What a field holds, and so how it is checked before Brian2 sees it."""

    EQUATIONS = "equations"  # Brian2 equations, one per line; re-rendered from their checked parts
    STATEMENTS = "statements"  # Brian2 statements (a reset, on_pre, run_regularly code); re-rendered
    EXPRESSION = "expression"  # one Brian2 expression (a threshold, rates, a weight); re-rendered
    NAME = "name"  # one identifier (a variable, an event, a pathway); or one of ``choices``
    NAMES = "names"  # identifiers: a list, or text separated by commas
    OBJECT = "object"  # the name of another object of the same file
    METHOD = "method"  # integration method(s) registered with Brian2, comma-separated
    SLOT = "slot"  # a slot of Brian2's schedule (``when``)
    CHOICE = "choice"  # one of the words in ``choices``
    LITERAL = "literal"  # a literal value as Python writes it: True/False, a number or a name
    SIZE = "size"  # a count or an index of elements: a whole number from 0 to 2**31-1
    INTEGER = "integer"  # any whole number (an order, a run, a seed)
    TIME = "time"  # seconds: finite, not negative
    NUMBER = "number"  # a finite number
    FLAG = "flag"  # a boolean
    DIMENSIONS = "dimensions"  # 7 finite exponents of the SI base units
    TEXT = "text"  # text for people, never handed to Brian2 (a description)

    @property
    def is_text(self) -> bool:
        """Whether values of this role are text (else numbers or booleans)."""
        return self in TEXT_ROLES


TEXT_ROLES = frozenset({Role.EQUATIONS, Role.STATEMENTS, Role.EXPRESSION, Role.NAME, Role.NAMES, Role.OBJECT,
                        Role.METHOD, Role.SLOT, Role.CHOICE, Role.LITERAL, Role.TEXT})


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


#: The attributes every object has, whatever its kind (those of the ndx-brian2 ``Brian2ObjectModel``
#: besides its description).
BASE_FIELDS = (Field("clock", Role.NAME, "Name of the Brian2 clock the object runs on.", required=False),)
