"""What the model's tables and their columns mean, written into the file for its readers.

`TableDoc` holds a table's description and its columns'. The tables every kind
may have (state, group parts) and the network's tables are described here; a kind
describes its own tables in its `Kind.table_docs`. State columns are variables,
described from their name, unit and the kind of element they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fields import Field, Role
from .timeline import ACTIONS


@dataclass(frozen=True)
class TableDoc:
    """The description of a table and of its columns, by column name: a column's entry is its doc, or
    ``(role, doc)`` / ``(role, doc, choices)`` for a column whose role is declared (`brian2nwb.model.fields`):
    every column of text, and every column of a network table, has one, and the checker of a file's model
    checks the column by it. ``other`` describes columns not listed (``{column}`` is replaced by the
    column's name)."""

    doc: str
    columns: dict = field(default_factory=dict)
    other: str | None = None

    def column(self, name: str) -> str | None:
        if name in self.columns:
            entry = self.columns[name]
            return entry if isinstance(entry, str) else entry[1]
        return self.other.format(column=name) if self.other else None

    def field(self, name: str) -> Field | None:
        """The declared `Field` of column ``name``; None for an undeclared one (numbers only)."""
        entry = self.columns.get(name)
        if entry is None or isinstance(entry, str):
            return None
        return Field(name, entry[0], entry[1], required=False, choices=tuple(entry[2]) if len(entry) > 2 else ())


def state_doc(table: str, elements: str) -> TableDoc | None:
    """The doc of a state table (``final_state``, ``initial_shared_state``, ``step_<k>_state``...)."""
    shared = "shared" in table
    what = "Shared (scalar) variables" if shared else f"Variables, one row per {elements[:-1] or 'element'}"
    if table.startswith("final_"):
        return TableDoc(f"{what}, at the end of the recording (raw values in SI base units).")
    if table.startswith("initial_"):
        rest = "." if shared else "; variables missing here had the values they have in final_state."
        return TableDoc(f"{what}, when the object joined the network (t=0 for most){rest}")
    if table.startswith("step_"):
        step = table[len("step_"):].partition("_")[0]
        return TableDoc(f"{what}, as the user set them at step {step} of the network's 'steps' table (only "
                        "those that changed).")
    return None


def variable_doc(column: str, unit: str, elements: str, shared: bool) -> str:
    """The doc of a state column: a Brian2 variable."""
    per = "its one value" if shared else f"one value per {elements[:-1] or 'element'}"
    unit = "dimensionless" if unit == "dimensionless" else f"in {unit}"
    return f"The Brian2 variable '{column}', {unit} ({per}), exactly as Brian2 held it."


#: Kinds of rows of the identifiers table, and the numpy types of constants.
IDENTIFIER_KINDS = ("constant", "timed_array", "binomial", "function")
INPUT_KINDS = ("spikes", "waveform")
CONSTANT_TYPES = ("float64", "float32", "float16", "longdouble", "int64", "int32", "int16", "int8", "uint64",
                  "uint32", "uint16", "uint8", "bool", "")

#: The floating-point types Brian2 variables may have.
FLOAT_TYPES = ("float16", "float32", "float64", "longdouble")

#: Tables any group may have (see `describe.group_tables`).
GROUP_TABLES = {
    "dtypes": TableDoc("Variables declared with a floating-point type other than float64 (Brian2's dtype "
                       "argument).", {"variable": (Role.NAME, "Name of the variable."),
                                      "dtype": (Role.CHOICE, "Its numpy type, e.g. float32.", FLOAT_TYPES)}),
    "method_options": TableDoc("Options of the integration method (Brian2's method_options argument).",
                               {"option": (Role.NAME, "Name of the option."),
                                "type": (Role.CHOICE, "Its type: bool, int, float or str.",
                                         ("bool", "int", "float", "str")),
                                "value": (Role.LITERAL, "Its value, as Python writes it.")}),
    "run_regularly": TableDoc("Operations Brian2 runs regularly on the group (run_regularly); their clock, when "
                              "and order are in the network's 'schedule' table.",
                              {"operation": (Role.NAME, "Name of the operation (its Brian2 object)."),
                               "code": (Role.STATEMENTS, "Its code: Brian2 statements run on every element.")}),
    "links": TableDoc("Linked variables: each is the variable of another group (read and written there).",
                      {"variable": (Role.NAME, "The linked variable of this group."),
                       "target": (Role.OBJECT, "The group it links to."),
                       "target_variable": (Role.NAME, "The variable it links to."),
                       "index": (Role.NAME, "How elements map: empty for Brian2's own indexing, 'array' for the "
                                            "index array in 'link_<variable>_index', else the name of an integer "
                                            "variable of this group.", ("", "array"))}),
}

#: The network's tables (in /general/brian2).
NETWORK_TABLES = {
    "clocks": TableDoc("The Brian2 clocks of the network.", {"clock": (Role.NAME, "Name of the clock."),
                                                             "dt": (Role.TIME, "Its time step in seconds.")}),
    "schedule": TableDoc(
        "Every object of the network and its parts (state updaters, thresholders, pathways...), in the order "
        "Brian2 schedules them with 'when' and 'order'.",
        {"object": (Role.NAME, "Name of the object or part."), "owner": (Role.NAME, "The object it is a part of (itself for an object)."),
         "kind": (Role.NAME, "Its Brian2 class."), "clock": (Role.NAME, "Name of the clock it runs on."),
         "when": (Role.SLOT, "Its slot in Brian2's schedule (e.g. 'groups', 'thresholds', 'before_synapses')."),
         "order": (Role.INTEGER, "Its order within the slot (ties are broken by name)."),
         "active": (Role.FLAG, "Whether it was active when it joined the network (later switches are in 'steps')."),
         "member": (Role.FLAG, "Whether its owner was in the network at the first run (objects that join later have an "
                   "'add' step; others are only referred to, e.g. a subgroup).")}),
    "identifiers": TableDoc(
        "External identifiers the model code used (constants and TimedArrays), per run.",
        {"identifier": (Role.NAME, "The name the code uses."),
         "scope": (Role.NAME, "Where Brian2 found it: a group's own namespace (the group's name) or 'run' (the run's namespace "
                  "or the script's variables)."),
         "run": (Role.INTEGER, "The run (row of 'runs') it was used in."),
         "kind": (Role.CHOICE, "'constant', 'timed_array' (its values are the series named in 'reference' in /stimulus), "
                 "'binomial' (the row named in 'reference' of 'binomials') or 'function' (Python code, not stored).", IDENTIFIER_KINDS),
         "value": (Role.NUMBER, "A constant's value in SI base units; a TimedArray's dt in seconds."),
         "dimensions": (Role.DIMENSIONS, "The constant's dimension as exponents of metre, kilogram, second, ampere, kelvin, mole, "
                       "candela."),
         "dtype": (Role.CHOICE, "The constant's numpy type.", CONSTANT_TYPES),
         "reference": (Role.TEXT, "The TimedArray's series, the BinomialFunction's row, or the function's "
                                 "name.")}),
    "input_sources": TableDoc(
        "Inputs made from other NWB files (brian2nwb.spikes_from_nwb, timed_array_from_nwb): where each came from. "
        "The inputs themselves are in this file (the SpikeGeneratorGroup's spikes, the TimedArray's values).",
        {"object": (Role.NAME, "The SpikeGeneratorGroup, or the TimedArray (by its name in this file)."),
         "kind": (Role.CHOICE, "'spikes' (a SpikeGeneratorGroup's trains) or 'waveform' (a TimedArray's values).",
                  INPUT_KINDS),
         "source": (Role.TEXT, "The source file's path or URL, as given when it was read."),
         "identifier": (Role.TEXT, "The source file's NWB identifier."),
         "path": (Role.TEXT, "The object read, by its path in the source file."),
         "selection": (Role.TEXT, "What was selected and how, as JSON: unit ids in the order of the generator's "
                                  "neurons, column filters, windows or intervals and where they start, offset, dt, "
                                  "the collision or resampling method, the unit."),
         "checksum": (Role.TEXT, "sha256 of the arrays handed to Brian2 (spikes: neuron indices as int32, then times in "
                                 "seconds as float64; waveforms: values in SI base units as float64).")}),
    "sweep_point": TableDoc(
        "The point of a parameter sweep (brian2nwb.explore) this simulation is: one row per parameter.",
        {"sweep": (Role.TEXT, "Name of the sweep (its output folder)."), "point": (Role.TEXT, "Id of the point (also the session_id)."),
         "seed": (Role.INTEGER, "The seed of the point's runs (run k seeded with seed + k); -1 for the source's random states."),
         "parameter": (Role.TEXT, "Name of the parameter (an external constant of the model, or a builder's argument)."),
         "value": (Role.NUMBER, "Its value in SI base units (NaN if not a number: see 'text')."),
         "unit": (Role.TEXT, "The SI unit of 'value' ('' for a plain number)."), "text": (Role.TEXT, "The value as written by Python.")}),
    "runs": TableDoc("Every run() of the recording, in order (those a restore() undid included).",
                     {"start_time": (Role.TIME, "Simulated time at its start, in seconds."),
                      "duration": (Role.TIME, "Simulated time it ran, in seconds (shorter than asked if stop() ended it)."),
                      "seed": (Role.INTEGER, "The random seed brian2nwb set before it (snapshot(seed=...)); -1 for none: its random "
                              "state is in 'random_states'.")}),
    "steps": TableDoc(
        "What happened to the network, in order (brian2nwb.model.timeline): "
        + "; ".join(f"{name}: {action.doc}" for name, action in ACTIONS.items())
        + ". A setting that changed has a step where it was first seen, setting its first value; the model "
          "holds the values at the end.",
        {"action": (Role.CHOICE, "What happened.", tuple(ACTIONS)), "target": (Role.TEXT, "The object, part, clock, stored state or preference it concerns."),
         "run": (Role.INTEGER, "For 'run', the row in 'runs'; else -1."),
         "value": (Role.TEXT, "The value a setting took ('dt': seconds; 'schedule': slots, comma-separated; 'preference': "
                  "its value), as text; else empty.")}),
    "binomials": TableDoc("Brian2 BinomialFunctions the model code calls (the identifiers table refers to them "
                          "by name).", {"function": (Role.NAME, "Its name here."), "n": (Role.INTEGER, "Number of trials."),
                                        "p": (Role.NUMBER, "Probability of success."),
                                        "approximate": (Role.FLAG, "Whether Brian2 approximates it by a normal distribution.")}),
    "slots": TableDoc("The network's schedule when the file was written: Brian2's slots in the order they run "
                      "(each with its before_ and after_ variants).",
                      {"slot": (Role.SLOT, "Name of a slot of Brian2's schedule (objects are placed in slots by 'when').")}),
    "preferences": TableDoc("The Brian2 preferences that change results, as they were when the file was written "
                            "(from_nwb sets them).",
                            {"preference": (Role.TEXT, "The preference's Brian2 name (e.g. legacy.refractory_timing)."),
                             "value": (Role.TEXT, "Its value as text (True/False, or a numpy type name such as float64).")}),
    "random_states": TableDoc(
        "The state of Brian2's random numbers at the start of a run (and, in a row numbered after the last run, "
        "at the end of the recording, where a continuation starts): numpy's Mersenne Twister and, for the Cython "
        "target, the blocks of numbers drawn ahead.",
        {"run": (Role.INTEGER, "The run (row of 'runs'); the number of runs for the state at the end."), "mt_keys": (Role.INTEGER, "The Mersenne Twister's 624 keys."),
         "mt_pos": (Role.INTEGER, "Its position."), "has_gauss": (Role.INTEGER, "Whether a Gaussian number is cached."),
         "cached_gaussian": (Role.NUMBER, "The cached Gaussian number."),
         "rand_index": (Role.INTEGER, "Position in the block of rand() numbers in use (0: none in use)."),
         "randn_index": (Role.INTEGER, "Position in the block of randn() numbers in use (0: none in use)."),
         "rand_block": (Role.INTEGER, "Row of that block in 'random_blocks' (-1: none)."),
         "randn_block": (Role.INTEGER, "Row of that block in 'random_blocks' (-1: none).")}),
    "random_blocks": TableDoc("Blocks of random numbers the Cython target had drawn ahead.",
                              {"values": (Role.NUMBER, "The numbers of one block.")}),
}


def find(table: str, kind_docs: dict, elements: str) -> TableDoc:
    """The doc of an object's table: the kind's own, a group table's, a state table's, or a plain one."""
    for docs in (kind_docs, GROUP_TABLES, NETWORK_TABLES):
        if table in docs:
            return docs[table]
    step, _, rest = table[len("step_"):].partition("_") if table.startswith("step_") else ("", "", "")
    if rest in kind_docs:  # what a 'configure' step replaced: the kind's table, as it was set then
        return TableDoc(f"{kind_docs[rest].doc} As the user set it at step {step} of the network's 'steps' table.",
                        kind_docs[rest].columns, kind_docs[rest].other)
    if table.startswith("link_") and table.endswith("_index"):
        variable = table[len("link_"):-len("_index")]
        return TableDoc(f"The index array of the linked variable '{variable}': element k reads element index[k] "
                        "of the target.", {"index": "Index in the target group."})
    return state_doc(table, elements) or TableDoc(f"The table '{table}'.")
