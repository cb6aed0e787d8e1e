"""Fast tier (no simulation): the package's folders are the pipeline, and data flows one way through them.

Every import of a brian2nwb module (at the top of a module or inside a function) goes to the same layer or a
lower one; Brian2's private attributes are touched in the Brian2 adapter (`brian2nwb/brian/`) only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "brian2nwb"

#: The layers, lowest first. A module may import its own layer and the layers before it.
LAYERS = [
    {"errors", "progress", "version"},  # what everything may use
    {"model"},  # plain data: descriptions, fields, the run timeline, table docs
    {"brian"},  # the Brian2 adapter: the only code that touches Brian2's internals
    {"nwb"},  # the NWB side: extension, mapping, results layout, metadata, atomic writes
    {"trust"},  # checks of a file: its container, its model, its steps
    {"kinds"},  # one module per Brian2 kind, and the registry
    {"verbs"},  # snapshot, to_nwb, from_nwb, the rebuilt network, checkpoints
    {"sweep"},  # parameter exploration on Dask
    {"__init__"},  # the public API
    {"tools", "__main__"},  # the command, summaries, plots, the example, reading spikes back
]


def layer_of(module: str) -> int:
    top = module.split(".")[0]
    for k, names in enumerate(LAYERS):
        if top in names:
            return k
    raise AssertionError(f"brian2nwb.{module} is in no layer: add its folder to LAYERS (and to the map in docs/contributing.md)")


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1] + ("__init__",)
        yield ".".join(parts), path


def imported(module: str, path: Path):
    """The brian2nwb modules ``module`` imports (dotted, without ``brian2nwb.``), with their line."""
    package = module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module == "brian2nwb":  # the public API, or a module of the package's top level
                for alias in node.names:
                    yield (alias.name if (PACKAGE / alias.name).exists() or (PACKAGE / f"{alias.name}.py").exists()
                           else "__init__"), node.lineno
                continue
            elif node.module and node.module.split(".")[0] == "brian2nwb":
                target = node.module.partition(".")[2]
            else:
                continue
            if target == "" or (node.module is None and node.level):  # from . import x: x is the module
                for alias in node.names:
                    yield (f"{target}.{alias.name}" if target else alias.name), node.lineno
            else:
                yield target, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("brian2nwb."):
                    yield alias.name.partition(".")[2], node.lineno


def test_every_module_is_in_a_layer():
    found = {module.split(".")[0] for module, _ in modules()}
    assert found <= set().union(*LAYERS), found - set().union(*LAYERS)


@pytest.mark.parametrize("module, path", list(modules()), ids=[m for m, _ in modules()])
def test_no_module_imports_a_higher_layer(module, path):
    own = layer_of(module)
    for target, line in imported(module, path):
        if target.split(".")[0] == "__version__":
            continue
        assert layer_of(target) <= own, (f"brian2nwb.{module} (line {line}) imports brian2nwb.{target}, a higher "
                                         "layer")


def own_private_names() -> set[str]:
    """Private names brian2nwb defines itself (functions, classes, attributes it assigns)."""
    names = set()
    for _, path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and isinstance(
                    node.value, ast.Name) and node.value.id in ("self", "cls"):
                names.add(node.attr)  # an attribute of our own classes (obj._x = ... on a Brian2 object is not)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return {name for name in names if name.startswith("_")}


def accessed_names(tree: ast.AST):
    """Names of attributes read or written (``obj._x``, ``getattr(obj, "_x")``) and keys looked up
    (``variables["_x"]``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
                "getattr", "hasattr", "setattr") and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
            yield str(node.args[1].value)
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            yield str(node.slice.value)


def test_brian2_private_attributes_are_touched_in_the_adapter_only():
    """An attribute that starts with '_' and that brian2nwb does not define is Brian2's private attribute (or
    a variable's private name, such as ``_synaptic_pre``): only modules of brian2nwb/brian/ may use it."""
    ours = own_private_names()
    outside = {}
    for module, path in modules():
        if module.split(".")[0] == "brian":
            continue
        for name in accessed_names(ast.parse(path.read_text())):
            if name.startswith("_") and not name.startswith("__") and name not in ours:
                outside.setdefault(module, set()).add(name)
    assert not outside, f"Brian2's private names outside brian2nwb/brian/: {outside}"
