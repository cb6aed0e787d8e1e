"""Every ndx-brian2 type, attribute, table and column, declared once.

``create_extension_spec.py`` turns these declarations into the NWB spec
(``spec/ndx-brian2.extensions.yaml``) and into ``spec/ndx-brian2.fields.json``,
which says what the NWB schema language cannot: the *role* of every attribute and
table column (Brian2 equations, an expression, the name of another object, a
count, a time...). Readers that hand a file's model to Brian2 check each value by
its role (brian2nwb does; it reads the JSON and declares nothing of its own).

Only the standard library is used here: the declarations are plain data.

Conventions (those of the NWB core schema): types are CamelCase, attributes,
groups and datasets snake_case; quantities are float64 in SI base units, with
their unit beside them (a ``QuantityData`` column's ``unit`` and
``dimensions``), or in seconds and hertz where the doc says so.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The namespace and its version (semantic versioning: a patch changes docs only, a minor version adds
#: optional fields or types, a major version changes what was there; see the CHANGELOG).
NAME = "ndx-brian2"
VERSION = "1.1.0"
DOC = ("Brian2 spiking-network simulations in NWB: the whole model (groups, synapses, inputs, monitors, clocks, "
       "schedule, external constants), the run timeline, the random state and the state at the start and the end, "
       "so that the network can be rebuilt and re-run.")
AUTHORS = ["brian2nwb developers"]
CONTACTS = ["https://github.com/brian2nwb/brian2nwb/issues"]

# --- roles ----------------------------------------------------------------------------------------------------

#: What a value may be, by role: its NWB dtype, whether it is text, and what it holds. Brian2 model code is
#: Brian2's abstract code (a small language of arithmetic, comparisons and function calls), not Python.
ROLES = {
    "equations": ("text", "Brian2 equations, one per line: 'lhs = expression : unit (flags)' or "
                          "'dx/dt = expression : unit (flags)', units as products of SI base units."),
    "statements": ("text", "Brian2 statements (abstract code), one per line, e.g. a reset 'v = 0*mV'."),
    "expression": ("text", "One Brian2 expression (abstract code), e.g. a threshold 'v > 15*mV'."),
    "name": ("text", "One identifier (a variable, an event, a pathway, a clock), or one of the field's choices."),
    "names": ("text", "Identifiers, separated by commas."),
    "object": ("text", "The name of another object of the same network (a group in 'objects')."),
    "method": ("text", "Integration method(s) registered with Brian2 (e.g. 'exact', 'euler'), comma-separated."),
    "slot": ("text", "A slot of Brian2's schedule ('when'), e.g. 'groups', 'thresholds', 'before_synapses'."),
    "choice": ("text", "One of the words the field lists."),
    "literal": ("text", "A literal value as Python writes it: True, False, a number or a name."),
    "text": ("text", "Text for people (a description, a version, a path); never model code."),
    "python": ("text", "Python source code: one function definition (a NetworkOperation's function, a function the "
                       "model calls, or one they call), without decorators. A reader runs it only where its user "
                       "chose to trust it (a signature made with the reader's own key, or an explicit choice); never "
                       "by default."),
    "json": ("text", "A value as JSON: null, true/false, a number, text, or an object with one key naming what it "
                     "is: 'float' (nan, inf, -inf), 'list', 'tuple', 'dict' (text keys), 'array' (a numpy array: "
                     "dtype, shape and its little-endian bytes in base64), 'quantity' (a value and its 7 SI "
                     "dimensions), 'timed_array' (values, dt in seconds, name). Never code."),
    "elements": ("int32", "The number of elements of the object (Brian2's N): neurons, compartments; from 0 to "
                          "2**31-1."),
    "size": ("int32", "A count or an index of elements, from 0 to 2**31-1."),
    "integer": ("int64", "A whole number (an order, a run, a seed, a row); -1 where the doc says 'none'."),
    "time": ("float64", "A time or duration in seconds, finite, not negative."),
    "number": ("float64", "A number (in SI base units when it has a unit)."),
    "flag": ("bool", "True or false."),
    "dimensions": ("float64", "The exponents of the 7 SI base units (metre, kilogram, second, ampere, kelvin, "
                              "mole, candela) of a physical quantity; all zero: dimensionless."),
}

#: Brian2 model code is Brian2's abstract code, not Python.
CODE = "Brian2 abstract code, not Python"


@dataclass(frozen=True)
class Field:
    """One attribute of a type, one column of a table, or one dataset.

    ``role`` is a key of `ROLES` and gives the NWB dtype unless ``dtype`` is set. ``unit``: the column is a
    ``QuantityData`` in this SI unit (``"any"``: the unit of each column is its own, e.g. a delay or a
    variable). ``shape``: the NWB shape of an array (default: a scalar attribute, a 1-D column).
    ``choices``: the words a 'choice' may be (or a 'name' may be besides a name, such as '').
    """

    name: str
    role: str
    doc: str
    required: bool = True
    choices: tuple = ()
    unit: str | None = None
    dtype: str | None = None
    shape: tuple | None = None

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"{self.name}: unknown role {self.role!r}")


@dataclass(frozen=True)
class Table:
    """A named `Brian2Table` of an object or of the network: its columns, and what any other column holds.

    ``other``: the doc of the columns not listed (their names vary: one per variable, one per pathway); None:
    no others. ``settings``: the table never appears under its own name, only as ``step_<k>_<name>``, the value
    the user set at step k of the network's 'steps' table (e.g. a SpikeGeneratorGroup's spikes).
    """

    name: str
    doc: str
    columns: tuple = ()
    other: str | None = None
    settings: bool = False


@dataclass(frozen=True)
class Type:
    """One ndx-brian2 neurodata type: what it extends, its attributes, its named tables (groups of type
    ``Brian2Table``), its other datasets and children, and its links ``(name, target type, doc)``.

    ``datasets`` are `Field`\\ s: columns (``VectorData``) of a type that is a table (an ``EventsTable``), else
    datasets of their own (a scalar text). ``children`` are ``(name or None, type, quantity, doc)``: named or
    repeated groups or datasets of a type (``quantity`` '?', '*' or 1). A type that is a dataset
    (``dataset_type``) has the ``dtype`` of its values.
    """

    name: str
    inc: str
    doc: str
    attributes: tuple = ()
    tables: tuple = ()
    datasets: tuple = ()
    children: tuple = ()
    links: tuple = ()
    dataset_type: bool = False
    dtype: str | None = None


# --- what every group has --------------------------------------------------------------------------------------

#: The state of a stateful object: raw values of its own variables (not Brian2's internal arrays).
STATE_TABLES = (
    Table("final_state", "Variables, one row per element, at the end of the recording (raw values in SI base "
                         "units, in the variables' own dtypes).",
          other="The Brian2 variable named by the column (QuantityData when it has a unit)."),
    Table("initial_state", "Variables, one row per element, when the object joined the network (t=0 for most); "
                           "variables missing here had the values they have in final_state.",
          other="The Brian2 variable named by the column (QuantityData when it has a unit)."),
    Table("final_shared_state", "Shared (scalar) variables, one row, at the end of the recording.",
          other="The Brian2 shared variable named by the column (QuantityData when it has a unit)."),
    Table("initial_shared_state", "Shared (scalar) variables, one row, when the object joined the network.",
          other="The Brian2 shared variable named by the column (QuantityData when it has a unit)."),
)

#: Floating-point types Brian2 variables may have.
FLOAT_TYPES = ("float16", "float32", "float64", "longdouble")

RUN_REGULARLY = Table(
    "run_regularly", "Operations Brian2 runs regularly on the group (run_regularly); their clock, when and order "
                     "are in the network's 'schedule' table.",
    (Field("operation", "name", "Name of the operation (its Brian2 object)."),
     Field("code", "statements", f"Its code: Brian2 statements run on every element ({CODE}).")))

#: Tables any group (NeuronGroup, SpatialNeuron, PoissonGroup, SpikeGeneratorGroup, Synapses) may have.
GROUP_TABLES = (
    Table("dtypes", "Variables declared with a floating-point type other than float64 (Brian2's dtype argument).",
          (Field("variable", "name", "Name of the variable."),
           Field("dtype", "choice", "Its numpy type, e.g. float32.", choices=FLOAT_TYPES))),
    Table("method_options", "Options of the integration method (Brian2's method_options argument).",
          (Field("option", "name", "Name of the option."),
           Field("type", "choice", "Its type: bool, int, float or str.", choices=("bool", "int", "float", "str")),
           Field("value", "literal", "Its value, as Python writes it."))),
    RUN_REGULARLY,
    Table("links", "Linked variables: each is the variable of another group (read and written there). A link "
                   "made with an index array has its array in the table 'link_<variable>_index' (one column "
                   "'index': element k reads element index[k] of the target).",
          (Field("variable", "name", "The linked variable of this group."),
           Field("target", "object", "The group it links to."),
           Field("target_variable", "name", "The variable it links to."),
           Field("index", "name", "How elements map: empty for Brian2's own indexing, 'array' for the index array "
                                  "in 'link_<variable>_index', else the name of an integer variable of this group.",
                 choices=("", "array")))),
)

EVENTS = Table("events", "Custom events of the group (Brian2's events argument) and the code run on them.",
               (Field("event", "name", "Name of the event."),
                Field("condition", "expression", f"The condition that triggers it ({CODE})."),
                Field("code", "statements", f"The statements run when it happens (run_on_event; empty: none; "
                                            f"{CODE}).")))


def neuron_fields(elements: str) -> tuple:
    """The attributes of groups built like a NeuronGroup: size, equations, method, threshold, reset,
    refractoriness."""
    return (
        Field(f"num_{elements}", "elements", f"Number of {elements} (Brian2's N)."),
        Field("model", "equations", "The model equations as the user gave them (without Brian2's refractoriness "
                                    "wrapping), one per line."),
        Field("method", "method", "The integration method Brian2 used (a name registered with Brian2)."),
        Field("threshold", "expression", f"Threshold condition ({CODE}).", required=False),
        Field("reset", "statements", f"Reset statements ({CODE}).", required=False),
        Field("refractory", "expression", f"Refractoriness as a condition ({CODE}), when not a duration.",
              required=False),
        Field("refractory_time", "time", "Refractory period in seconds, when a duration.", required=False),
    )


# --- the network's objects --------------------------------------------------------------------------------------

SECTION_KINDS = ("Soma", "Cylinder", "Section")

MORPHOLOGY = (
    Table("morphology", "The sections of the morphology, in the order Brian2 numbers compartments (depth first, "
                        "children in the order they were attached).",
          (Field("kind", "choice", "Brian2's class of the section: Soma, Cylinder or Section.", choices=SECTION_KINDS),
           Field("type", "text", "Brian2's type of the section, e.g. 'axon' (empty: none)."),
           Field("parent_section", "integer", "Row of the parent section (-1: the root)."),
           Field("name_in_parent", "name", "The name the section has in its parent, e.g. 'dendrite' (empty: "
                                           "unnamed).", choices=("",)),
           Field("n", "size", "Number of compartments of the section."))),
    Table("morphology_points", "The points of the sections, section after section: 1 for a Soma, n+1 for other "
                               "sections (the start of the first compartment and the end of each compartment).",
          (Field("diameter", "number", "Diameter at the point (constant along a Cylinder).", unit="metre"),
           Field("length", "number", "Length of the compartment that ends at the point (NaN at the first point and "
                                     "for a Soma).", unit="metre"),
           Field("x", "number", "x coordinate, relative to the end of the parent section (NaN: no coordinates).",
                 unit="metre"),
           Field("y", "number", "y coordinate (see x).", unit="metre"),
           Field("z", "number", "z coordinate (see x).", unit="metre"))),
)

#: The columns of a table of spikes in flight in a Synapses' pathways.
IN_FLIGHT_COLUMNS = (
    Field("pathway", "name", "The pathway that delivers it."),
    Field("steps", "size", "In how many time steps of the source's clock it arrives (0: the next step the network "
                           "runs)."),
    Field("synapse", "size", "Index of the synapse (row of 'connectivity') that receives it."))

SYNAPSES_TABLES = (
    Table("connectivity", "The realised synapses, one row per synapse, in Brian2's order.",
          (Field("i", "size", "Index of the presynaptic neuron in the source group."),
           Field("j", "size", "Index of the postsynaptic neuron in the target group.")),
          other="Per-synapse delays of a pathway, in seconds (the column is 'delay_<pathway>')."),
    Table("pathways", "The synaptic pathways: the code run when a presynaptic (or postsynaptic) event arrives.",
          (Field("pathway", "name", "Name of the pathway (Brian2's on_pre/on_post key, e.g. 'pre')."),
           Field("prepost", "choice", "'pre' or 'post': which side's events trigger it.", choices=("pre", "post")),
           Field("event", "name", "The event that triggers it ('spike' or a custom event)."),
           Field("code", "statements", f"The statements run per synapse ({CODE})."),
           Field("delay", "time", "Its delay in seconds, when one delay holds for all synapses."),
           Field("per_synapse_delay", "flag", "Whether delays are per synapse (then in 'connectivity')."))),
    Table("in_flight", "Spikes in flight at the end of the recording: sent, not yet delivered (their delay had not "
                       "passed). A continuation puts them back into the pathways' queues.",
          IN_FLIGHT_COLUMNS),
    Table("initial_in_flight", "Spikes in flight when the recording started (or when the Synapses joined it), for "
                               "a recording that starts from a restored or continued state, with the columns of "
                               "'in_flight'. A re-run from the start puts them into the pathways' queues.",
          IN_FLIGHT_COLUMNS),
    Table("delays", "The one delay of each pathway whose synapses share it.",
          (Field("pathway", "name", "Name of the pathway."),
           Field("delay", "time", "Its delay in seconds (0 where delays are per synapse: see 'connectivity').")),
          settings=True),
)

SPIKE_GENERATOR_TABLES = (
    Table("spikes", "The spike trains of the group (set_spikes()), sorted by time.",
          (Field("neuron", "size", "Index of the neuron that emits the spike."),
           Field("time", "time", "Time of the spike in seconds.")), settings=True),
    Table("period", "The period of repetition of the spike trains (set_spikes()).",
          (Field("period", "time", "Period in seconds; 0 if the pattern does not repeat."),), settings=True),
)

MONITOR_KINDS = ("SpikeMonitor", "EventMonitor", "StateMonitor", "PopulationRateMonitor")

OBJECT_TYPES = (
    Type("GroupModel", "Brian2ObjectModel", "What every Brian2 group (NeuronGroup, SpatialNeuron, PoissonGroup, "
                                            "SpikeGeneratorGroup, Synapses) has: its state, the floating-point types "
                                            "of its variables, its integration options, its run_regularly "
                                            "operations and its linked variables.",
         tables=STATE_TABLES + GROUP_TABLES),
    Type("NeuronGroupModel", "GroupModel", "A Brian2 NeuronGroup.", neuron_fields("neurons"), (EVENTS,)),
    Type("SpatialNeuronModel", "GroupModel",
         "A Brian2 SpatialNeuron (a multicompartment neuron): one element per compartment. Its geometry per "
         "compartment (length, area, distance, r_length_1, ...), Cm and Ri are in the state tables.",
         neuron_fields("compartments"), (EVENTS,) + MORPHOLOGY),
    Type("SubgroupModel", "Brian2ObjectModel", "A Brian2 Subgroup (group[start:stop]): a view of neurons start to "
                                               "stop-1 of its source group, with its own run_regularly operations.",
         (Field("source", "object", "Name of the group it is part of."),
          Field("start", "size", "Index of its first neuron in the source group."),
          Field("stop", "size", "Index after its last neuron in the source group.")), (RUN_REGULARLY,)),
    Type("PoissonGroupModel", "GroupModel", "A Brian2 PoissonGroup; its rates as an expression, or as the "
                                                   "variable 'rates' of its state tables.",
         (Field("num_neurons", "elements", "Number of neurons (Brian2's N)."),
          Field("rates", "expression", f"Rates as an expression ({CODE}).", required=False))),
    Type("SpikeGeneratorGroupModel", "GroupModel", "A Brian2 SpikeGeneratorGroup; its spikes are the "
                                                          "SpikeGeneratorTable it links to (in /events).",
         (Field("num_neurons", "elements", "Number of neurons (Brian2's N)."),
          Field("period", "time", "Period of repetition in seconds; 0 if none.")),
         SPIKE_GENERATOR_TABLES,
         links=(("spikes", "SpikeGeneratorTable", "The spike trains the group emits (in /events)."),)),
    Type("SynapsesModel", "GroupModel", "A Brian2 Synapses object: its model, its realised connectivity, "
                                               "its pathways and their delays.",
         (Field("source", "object", "Name of the presynaptic group."),
          Field("target", "object", "Name of the postsynaptic group."),
          Field("model", "equations", "The synaptic model equations, one per line (see NeuronGroupModel); "
                                      "summed variables and event-driven equations included."),
          Field("method", "method", "The integration method of clock-driven equations.", required=False),
          Field("multisynaptic_index", "name", "Name of the multisynaptic index variable.", required=False)),
         SYNAPSES_TABLES),
    Type("PoissonInputModel", "Brian2ObjectModel", "A Brian2 PoissonInput: a binomially drawn input added to a "
                                                   "variable of its target every time step.",
         (Field("target", "object", "Name of the target group."),
          Field("target_variable", "name", "Name of the target variable (Brian2's target_var)."),
          Field("num_inputs", "size", "Number of independent Poisson inputs (Brian2's N)."),
          Field("rate", "number", "Rate of each input in hertz."),
          Field("weight", "expression", f"Weight as an expression ({CODE}).", required=False),
          Field("weight_value", "number", "Weight as a value in SI base units.", required=False),
          Field("weight_dimensions", "dimensions", "The dimension of weight_value.", required=False))),
    Type("NetworkOperationModel", "Brian2ObjectModel",
         "A Brian2 NetworkOperation: a Python function Brian2 calls on its clock (when, order and clock are in the "
         "network's 'schedule' table). Its code is the row of the network's 'python_code' table it names; it runs "
         "only where the reader trusts the file's code (see 'code_signature').",
         (Field("code", "name", "The row of 'python_code' (by its 'function') that holds the function."),)),
    Type("MonitorModel", "Brian2ObjectModel", "A Brian2 monitor; its recordings are in /units (SpikeMonitor), /events "
                                              "(EventMonitor) or /acquisition (StateMonitor, PopulationRateMonitor).",
         (Field("kind", "choice", "Which monitor it is.", choices=MONITOR_KINDS),
          Field("source", "object", "Name of the monitored group."),
          Field("event", "name", "Name of the monitored event (SpikeMonitor, EventMonitor).", required=False),
          Field("variables", "names", "Recorded variables, comma-separated.", required=False),
          Field("record", "flag", "SpikeMonitor/EventMonitor: whether spikes were recorded; StateMonitor: whether all "
                                  "indices were.", required=False)),
         (Table("recorded", "The elements a StateMonitor records.",
                (Field("index", "size", "Index in the monitored group of each recorded element, in the order of "
                                        "the columns of its series."),)),)),
)

# --- the network -------------------------------------------------------------------------------------------------

#: Every action a step of the recording may have, and what it means (its target, its value).
ACTIONS = {
    "run": "a run() (run: its row in 'runs')",
    "add": "an object joins the network (target: the object)",
    "remove": "an object leaves the network (target: the object)",
    "activate": "an object or part is switched on (target: the object or part)",
    "deactivate": "an object or part is switched off (target: the object or part)",
    "set": "the user set variables (target: the object; values in its step_<row>_state and step_<row>_shared_state "
           "tables)",
    "store": "Network.store() (target: a token naming the stored state, store_<k>, or recording_start for a state "
             "stored before the recording began)",
    "restore": "Network.restore() (target: the token of the store it goes back to)",
    "dt": "a clock's dt is set (target: the clock; value: seconds)",
    "schedule": "the network's schedule is set (value: its slots, comma-separated)",
    "preference": "a Brian2 preference that changes results is set (target: its name; value: its value)",
    "configure": "what the object's kind lets the user replace between runs is replaced (target: the object; e.g. a "
                 "SpikeGeneratorGroup's set_spikes(), a Synapses' connect(); values in its step_<row>_<table> "
                 "tables)",
    "sample": "a StateMonitor records one sample outside a run (target: the monitor; record_single_timestep())",
}

IDENTIFIER_KINDS = ("constant", "timed_array", "binomial", "function")
CODE_KINDS = ("operation", "function", "helper")
ENVIRONMENT_KINDS = ("object", "clock", "value", "module", "import", "code")
INPUT_KINDS = ("spikes", "waveform")
CONSTANT_TYPES = ("float64", "float32", "float16", "longdouble", "int64", "int32", "int16", "int8", "uint64",
                  "uint32", "uint16", "uint8", "bool", "")

NETWORK_TABLES = (
    Table("clocks", "The Brian2 clocks of the network.",
          (Field("clock", "name", "Name of the clock."), Field("dt", "time", "Its time step in seconds."))),
    Table("schedule", "Every object of the network and its parts (state updaters, thresholders, pathways...), as "
                      "Brian2 schedules them with 'when' and 'order'.",
          (Field("object", "name", "Name of the object or part."),
           Field("owner", "name", "The object it is a part of (itself for an object)."),
           Field("kind", "name", "Its Brian2 class."),
           Field("clock", "name", "Name of the clock it runs on."),
           Field("when", "slot", "Its slot in Brian2's schedule (e.g. 'groups', 'thresholds', 'before_synapses')."),
           Field("order", "integer", "Its order within the slot (ties are broken by name)."),
           Field("active", "flag", "Whether it was active when it joined the network (later switches are in "
                                   "'steps')."),
           Field("member", "flag", "Whether its owner was in the network at the first run (objects that join later "
                                   "have an 'add' step; others are only referred to, e.g. a subgroup)."))),
    Table("identifiers", "External identifiers the model code used (constants, TimedArrays, functions), per run.",
          (Field("identifier", "name", "The name the code uses."),
           Field("scope", "name", "Where Brian2 found it: a group's own namespace (the group's name) or 'run' (the "
                                  "run's namespace or the script's variables)."),
           Field("run", "integer", "The run (row of 'runs') it was used in."),
           Field("kind", "choice", "'constant', 'timed_array' (its values are the TimedArraySeries named in "
                                   "'reference', in /stimulus/presentation), 'binomial' (the row named in "
                                   "'reference' of 'binomials') or 'function' (Python code: its row of 'python_code' "
                                   "when it could be stored).",
                 choices=IDENTIFIER_KINDS),
           Field("value", "number", "A constant's value in SI base units; a TimedArray's dt in seconds."),
           Field("dimensions", "dimensions", "The constant's dimension.", shape=(None, 7)),
           Field("dtype", "choice", "The constant's numpy type.", choices=CONSTANT_TYPES),
           Field("reference", "text", "The TimedArray's series, the BinomialFunction's row, or the function's "
                                      "name."))),
    Table("binomials", "Brian2 BinomialFunctions the model code calls (the identifiers table refers to them by "
                       "name).",
          (Field("function", "name", "Its name here."), Field("n", "integer", "Number of trials."),
           Field("p", "number", "Probability of success."),
           Field("approximate", "flag", "Whether Brian2 approximates it by a normal distribution."))),
    Table("runs", "Every run() of the recording, in order (those a restore() undid included).",
          (Field("start_time", "time", "Simulated time at its start, in seconds."),
           Field("duration", "time", "Simulated time it ran, in seconds (shorter than asked if stop() ended it)."),
           Field("seed", "integer", "The random seed set before it (brian2nwb.snapshot(seed=...)); -1 for none: its "
                                    "random state is in 'random_states'."))),
    Table("steps", "What happened to the network, in order: "
                   + "; ".join(f"{name}: {doc}" for name, doc in ACTIONS.items())
                   + ". A setting that changed has a step where it was first seen, setting its first value; the "
                     "model holds the values at the end.",
          (Field("action", "choice", "What happened.", choices=tuple(ACTIONS)),
           Field("target", "text", "The object, part, clock, stored state or preference it concerns."),
           Field("run", "integer", "For 'run', the row in 'runs'; else -1."),
           Field("value", "text", "The value a setting took ('dt': seconds; 'schedule': slots, comma-separated; "
                                  "'preference': its value), as text; else empty."))),
    Table("slots", "The network's schedule when the file was written: Brian2's slots in the order they run (each "
                   "with a 'before' and an 'after' variant, e.g. 'before_groups').",
          (Field("slot", "slot", "Name of a slot of Brian2's schedule (objects are placed in slots by 'when')."),)),
    Table("preferences", "The Brian2 preferences that change results, as they were when the file was written.",
          (Field("preference", "text", "The preference's Brian2 name (e.g. legacy.refractory_timing)."),
           Field("value", "text", "Its value as text (True/False, or a numpy type name such as float64)."))),
    Table("random_states", "The state of Brian2's random numbers at the start of a run (and, in a row numbered "
                           "after the last run, at the end of the recording, where a continuation starts): numpy's "
                           "Mersenne Twister and, for the Cython target, the blocks of numbers drawn ahead.",
          (Field("run", "integer", "The run (row of 'runs'); the number of runs for the state at the end."),
           Field("mt_keys", "integer", "The Mersenne Twister's 624 keys.", dtype="uint32", shape=(None, 624)),
           Field("mt_pos", "integer", "Its position."),
           Field("has_gauss", "integer", "Whether a Gaussian number is cached (0 or 1)."),
           Field("cached_gaussian", "number", "The cached Gaussian number."),
           Field("rand_index", "integer", "Position in the block of rand() numbers in use (0: none in use)."),
           Field("randn_index", "integer", "Position in the block of randn() numbers in use (0: none in use)."),
           Field("rand_block", "integer", "Row of that block in 'random_blocks' (-1: none)."),
           Field("randn_block", "integer", "Row of that block in 'random_blocks' (-1: none)."))),
    Table("random_blocks", "Blocks of random numbers the Cython target had drawn ahead.",
          (Field("values", "number", "The numbers of one block.", shape=(None, None)),)),
    Table("input_sources", "Inputs made from other NWB files (brian2nwb.spikes_from_nwb, timed_array_from_nwb): where "
                           "each came from. The inputs themselves are in this file (the SpikeGeneratorGroup's spikes, "
                           "the TimedArray's values).",
          (Field("object", "name", "The SpikeGeneratorGroup, or the TimedArray (by its name in this file)."),
           Field("kind", "choice", "'spikes' (a SpikeGeneratorGroup's trains) or 'waveform' (a TimedArray's values).",
                 choices=INPUT_KINDS),
           Field("source", "text", "The source file's path or URL, as given when it was read."),
           Field("identifier", "text", "The source file's NWB identifier."),
           Field("path", "text", "The object read, by its path in the source file."),
           Field("selection", "text", "What was selected and how, as JSON: unit ids in the order of the generator's "
                                      "neurons, column filters, windows or intervals and where they start, offset, dt, "
                                      "the collision or resampling method, the unit."),
           Field("checksum", "text", "sha256 of the arrays handed to Brian2 (spikes: neuron indices as int32, then "
                                     "times in seconds as float64; waveforms: values in SI base units as float64)."))),
    Table("python_code", "Python functions of the simulation, one row each: the functions of its NetworkOperations, "
                         "the functions with a Python implementation its model code calls, and functions those call "
                         "that the script defined. They run only where the reader trusts the file's code (see "
                         "'code_signature'); what each name in them refers to is in 'python_environment'.",
          (Field("function", "name", "The row's name: the NetworkOperation's name, the identifier the model code "
                                     "calls, or (a helper) a name other rows refer to."),
           Field("kind", "choice", "'operation' (a NetworkOperation's function), 'function' (a Brian2 Function the "
                                   "model code calls, its numpy implementation) or 'helper' (a function the others "
                                   "call).", choices=CODE_KINDS),
           Field("definition", "name", "The name the source defines (its 'def')."),
           Field("source", "python", "The function's source, dedented, without its decorators."),
           Field("options", "json", "How the function is wrapped: for a 'function', Brian2's Function arguments "
                                    "(arg_units and return_unit as SI dimensions, arg_types, return_type, stateless, "
                                    "auto_vectorise, discard_units); else an empty object."))),
    Table("python_environment", "What each free name of the functions in 'python_code' refers to: one row per "
                                "function and name. Values are kept as they were when the function joined the network "
                                "and at the end of the recording.",
          (Field("function", "name", "The function (its row of 'python_code', by 'function')."),
           Field("identifier", "name", "The name its source uses."),
           Field("kind", "choice", "'object' (an object of the network, by name: 'reference'), 'clock' (a clock of "
                                   "'clocks' by name, or 'defaultclock'), 'value' (a value: "
                                   "'initial_value', 'final_value'), 'module' (an importable module, by name), "
                                   "'import' (an importable function or class, 'module:qualified.name') or 'code' "
                                   "(another row of 'python_code').", choices=ENVIRONMENT_KINDS),
           Field("reference", "text", "The object, module, 'module:qualified.name' or row it refers to. For a "
                                      "value: empty, or 'function:identifier' where the value is the very object "
                                      "another row holds (an array one function fills and another reads), so "
                                      "that a reader gives both the same object."),
           Field("closure", "flag", "Whether the name is a variable of an enclosing function (a closure) rather "
                                    "than a global of the script."),
           Field("initial_value", "json", "The value when the function joined the network (empty: not a value)."),
           Field("final_value", "json", "The value at the end of the recording (empty: not a value)."))),
    Table("sweep_point", "The point of a parameter sweep (brian2nwb.explore) this simulation is: one row per "
                         "parameter.",
          (Field("sweep", "text", "Name of the sweep (its output folder)."),
           Field("point", "text", "Id of the point (also the session_id)."),
           Field("seed", "integer", "The seed of the point's runs (run k seeded with seed + k); -1 for the source's "
                                    "random states."),
           Field("parameter", "text", "Name of the parameter (an external constant of the model, or a builder's "
                                      "argument)."),
           Field("value", "number", "Its value in SI base units (NaN if not a number: see 'text')."),
           Field("unit", "text", "The SI unit of 'value' ('' for a plain number)."),
           Field("text", "text", "The value as written by Python."))),
)

INITIAL_STATE_SOURCES = ("snapshot", "store", "none")

# --- the types -----------------------------------------------------------------------------------------------------

BASE_TYPES = (
    Type("QuantityData", "VectorData", "A table column of physical quantities from Brian2, stored as float64 in SI "
                                       "base units.",
         (Field("unit", "text", "SI unit of the values as an expression, e.g. 'volt', 'siemens/metre**2'; "
                                "'dimensionless' if dimensionless."),
          Field("dimensions", "dimensions", "The dimension of the values.")), dataset_type=True, dtype="float64"),
    Type("TimedArraySeries", "TimeSeries", "The values of a Brian2 TimedArray, in SI base units: row k holds the "
                                           "value(s) from k*dt to (k+1)*dt; 1-D TimedArrays have one column, 2-D ones "
                                           "one column per index.",
         (Field("dimensions", "dimensions", "The dimension of the values."),)),
    Type("Brian2Table", "NWBContainer",
         "A table of a Brian2 model: equally long columns (VectorData, QuantityData for physical quantities), in the "
         "order 'colnames' gives. Unlike a DynamicTable it has no 'id' column (rows are numbered 0..n-1: an id column "
         "would double the size of a large connectivity table and carry nothing), and one row is as natural as many "
         "(a group's shared variables, a network's one clock).",
         (Field("description", "text", "What the table holds."),
          Field("colnames", "names", "The names of the columns, in order.", shape=(None,))),
         children=((None, "VectorData", "*", "A column; its description says what it holds."),)),
    Type("Brian2ObjectModel", "NWBContainer",
         "One object of a Brian2 network, with what is needed to rebuild it; the group's name is the object's Brian2 "
         "name. Besides the tables its type names it may hold 'step_<k>_state' and 'step_<k>_shared_state' (variables "
         "the user set before step k of the network's 'steps' table, only those that changed), 'step_<k>_<table>' (a "
         "table the user replaced at step k, e.g. 'step_3_spikes') and 'link_<variable>_index' (see 'links').",
         (Field("description", "text", "What the object is, in a sentence."),
          Field("clock", "name", "Name of the Brian2 clock the object runs on.", required=False)),
         children=((None, "Brian2Table", "*", "Tables describing the object: its state, code and connectivity."),)),
    Type("Brian2Objects", "NWBContainer", "The objects of a Brian2 network, one group per object named after it.",
         (Field("description", "text", "What the objects are, in a sentence."),),
         children=((None, "Brian2ObjectModel", "*", "One object of the network."),)),
    Type("Brian2Simulation", "LabMetaData",
         "A Brian2 simulation: the software that ran it, how it ran, its objects and the tables that describe the "
         "whole network (clocks, schedule, constants, runs, steps, random states).",
         (Field("description", "text", "What was simulated, in a sentence."),
          Field("network", "name", "Name of the Brian2 Network."),
          Field("brian2_version", "text", "Version of Brian2 that ran the simulation."),
          Field("brian2nwb_version", "text", "Version of brian2nwb that wrote the file."),
          Field("numpy_version", "text", "Version of numpy."),
          Field("python_version", "text", "Version of Python."),
          Field("device", "name", "Brian2 device, e.g. 'runtime' or 'cpp_standalone'."),
          Field("codegen_target", "text", "Brian2 code-generation target(s), e.g. 'numpy' or 'cython'."),
          Field("dt", "time", "Time step of Brian2's default clock, in seconds."),
          Field("t_end", "time", "Simulated time at the end of the recording, in seconds."),
          Field("initial_state_source", "choice", "Where the state at t=0 came from: 'snapshot' (brian2nwb.snapshot), "
                                                  "'store' (Network.store at t=0) or 'none'.",
                required=False, choices=INITIAL_STATE_SOURCES),
          Field("code_signature", "text", "HMAC-SHA256 (hex) of the Python code in 'python_code' and what its names "
                                          "refer to ('python_environment'), made with the key of the person who "
                                          "wrote the file or vouched for it (brian2nwb keeps one per user). A "
                                          "reader runs the code only if the signature verifies with its own user's "
                                          "key, or if its user chooses to trust the file.", required=False)),
         NETWORK_TABLES,
         datasets=(Field("model_card", "text", "The model as a person reads it (Markdown, equations in LaTeX between "
                                               "$$): equations with units and flags, thresholds, resets, synaptic "
                                               "code, parameters, connectivity, inputs and runs. Written for readers; "
                                               "the network is rebuilt from the typed objects and tables, never from "
                                               "this text.", required=False),),
         children=(("objects", "Brian2Objects", "?", "The objects of the network, one group per object named after "
                                                     "it."),
                   (None, "Brian2Table", "*", "The tables of the network (those brian2nwb writes are named here)."))),
)

RESULT_TYPES = (
    Type("SpikeGeneratorTable", "EventsTable", "The spike trains a Brian2 SpikeGeneratorGroup emits, one row per spike "
                                               "(timestamp and neuron index). With a non-zero period the pattern "
                                               "repeats every period.",
         (Field("source", "name", "Name of the Brian2 SpikeGeneratorGroup."),
          Field("num_neurons", "elements", "Number of neurons of the group."),
          Field("period", "time", "Period of repetition in seconds; 0 if the pattern does not repeat.")),
         datasets=(Field("neuron", "size", "Index of the neuron of the SpikeGeneratorGroup that emits the spike.",
                         dtype="int64"),)),
    Type("EventMonitorTable", "EventsTable", "The events recorded by a Brian2 EventMonitor, one row per event: time, "
                                             "index of the element in the monitored group, and the variables recorded "
                                             "at the event (one column each).",
         (Field("monitor", "name", "Name of the Brian2 EventMonitor."),
          Field("source", "name", "Name of the monitored Brian2 group."),
          Field("event", "name", "Name of the Brian2 event that was monitored.")),
         datasets=(Field("neuron", "size", "Index in the monitored group of the element that emitted the event.",
                         dtype="int64"),)),
    Type("StateMonitorSeries", "TimeSeries",
         "One variable recorded by a Brian2 StateMonitor, in SI base units: time on axis 0, one column per recorded "
         "index of the monitored group (neurons, synapses or other elements). A monitor that records more elements "
         "than it has samples, or more than 4096 elements, is split by columns into several series (attributes 'part' "
         "and 'parts'), so that time stays the longest axis.",
         (Field("recorded_indices", "size", "Index in the monitored group of the element recorded in each column of "
                                            "data.", shape=(None,)),
          Field("monitor", "name", "Name of the Brian2 StateMonitor."),
          Field("source", "name", "Name of the monitored Brian2 group."),
          Field("variable", "name", "Name of the recorded variable."),
          Field("dimensions", "dimensions", "The dimension of the values."),
          Field("part", "size", "Position of this series among the parts of a split recording (from 0).",
                required=False),
          Field("parts", "size", "Number of series the recording is split into.", required=False))),
)

#: Every type, in the order the spec lists them.
TYPES = BASE_TYPES + OBJECT_TYPES + RESULT_TYPES
