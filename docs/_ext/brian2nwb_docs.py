"""What the docs build makes from the package and the repository, so that no page repeats them by hand:

- ``cli_parser()``: the ``brian2nwb`` command's argparse parser, for sphinx-argparse (guide/cli.md).
- ``api/generated/``: one page per name of ``brian2nwb.__all__`` (api/index.rst lists them by task; a name
  missing there is a warning, so an error under ``-W``).
- ``examples/*.ipynb``: copies of ``notebooks/*.ipynb`` (Sphinx reads sources only below ``docs/``); myst-nb
  executes them during the build, in a temporary folder.
- ``<output>/ndx-brian2/``: the file format's own reference (extensions/ndx-brian2/docs, built by hdmf-docutils
  as the extension builds it), built beside this site from a copy, in parallel with it.

The generated sources are listed in docs/.gitignore.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

DOCS = Path(__file__).resolve().parents[1]
ROOT = DOCS.parent
NOTEBOOKS = ROOT / "notebooks"
EXTENSION_DOCS = ROOT / "extensions" / "ndx-brian2" / "docs"
#: Where the format's reference goes in the built site.
FORMAT_REFERENCE = "ndx-brian2"

logger = logging.getLogger(__name__)


class _Parsed(Exception):
    def __init__(self, parser: argparse.ArgumentParser):
        super().__init__("parser captured")
        self.parser = parser


def cli_parser() -> argparse.ArgumentParser:
    """The parser ``brian2nwb.tools.cli.main`` builds (it builds it inside ``main``: taken as ``main`` is about
    to parse, nothing runs)."""
    from brian2nwb.tools import cli

    original = argparse.ArgumentParser.parse_args

    def capture(self, *args, **kwargs):
        raise _Parsed(self)

    argparse.ArgumentParser.parse_args = capture
    try:
        cli.main([])
    except _Parsed as parsed:
        return parsed.parser
    finally:
        argparse.ArgumentParser.parse_args = original
    raise RuntimeError("brian2nwb.tools.cli.main returned without parsing its arguments")


def public_names() -> list[str]:
    import brian2nwb

    return [name for name in brian2nwb.__all__ if name != "__version__"]


def write_if_changed(path: Path, text: str) -> None:
    """Keeps the file's time when its text is the same, so that Sphinx does not read it again."""
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def api_stub(name: str) -> str:
    import brian2nwb

    obj = getattr(brian2nwb, name)
    title = f"brian2nwb.{name}"
    lines = [title, "=" * len(title), "", ".. currentmodule:: brian2nwb", ""]
    if isinstance(obj, type) and issubclass(obj, BaseException):
        lines += [f".. autoexception:: {name}", "   :show-inheritance:"]
    elif isinstance(obj, type):
        members = {"RebuiltNetwork": "run_recorded, run, replay_run, next_run, part, clock",
                   "InputSource": "neuron_of_unit"}.get(name)
        lines += [f".. autoclass:: {name}", "   :show-inheritance:"]
        if members:
            lines += [f"   :members: {members}"]
    else:
        lines += [f".. autofunction:: {name}"]
    return "\n".join(lines) + "\n"


def generate_api_pages(app) -> None:
    folder = DOCS / "api" / "generated"
    names = public_names()
    for name in names:
        write_if_changed(folder / f"brian2nwb.{name}.rst", api_stub(name))
    for stale in folder.glob("brian2nwb.*.rst"):
        if stale.stem.removeprefix("brian2nwb.") not in names:
            stale.unlink()
    index = (DOCS / "api" / "index.rst").read_text()
    for name in names:
        if f"\n   {name}\n" not in index:
            logger.warning(f"brian2nwb.{name} is public (brian2nwb.__all__) but not listed in docs/api/index.rst")


def stage_notebooks(app) -> None:
    folder = DOCS / "examples"
    sources = sorted(NOTEBOOKS.glob("*.ipynb"))
    for notebook in sources:
        staged = folder / notebook.name
        if not staged.exists() or staged.read_bytes() != notebook.read_bytes():
            shutil.copyfile(notebook, staged)
    for stale in folder.glob("*.ipynb"):
        if not (NOTEBOOKS / stale.name).exists():
            stale.unlink()


def start_format_reference(app) -> None:
    """Builds the extension's docs from a copy of docs/ and spec/ (as tests/test_format_docs.py does: nothing is
    written into extensions/), in a process of its own that runs while this site is built."""
    app.brian2nwb_format_build = None
    if app.builder.format != "html":
        return
    work = Path(tempfile.mkdtemp(prefix="ndx-brian2-docs-"))
    shutil.copytree(EXTENSION_DOCS, work / "docs",
                    ignore=shutil.ignore_patterns("build", "_format_auto_docs", "_generated"))
    shutil.copytree(EXTENSION_DOCS.parent / "spec", work / "spec")
    log = open(work / "build.log", "w+")
    process = subprocess.Popen([sys.executable, "-m", "sphinx", "-b", "html", "-q", "source", "build"],
                               cwd=work / "docs", stdout=log, stderr=subprocess.STDOUT)
    app.brian2nwb_format_build = (process, work, log)


def finish_format_reference(app, exception) -> None:
    build = getattr(app, "brian2nwb_format_build", None)
    if build is None:
        return
    process, work, log = build
    try:
        if exception is not None:
            process.kill()
            process.wait()
            return
        code = process.wait()
        log.seek(0)
        output = log.read()
        if code != 0:
            raise ExtensionError(f"the ndx-brian2 reference (extensions/ndx-brian2/docs) did not build:\n"
                                 f"{output[-3000:]}")
        target = Path(app.outdir) / FORMAT_REFERENCE
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(work / "docs" / "build", target, ignore=shutil.ignore_patterns(".doctrees", ".buildinfo"))
        logger.info(f"the ndx-brian2 reference is in {FORMAT_REFERENCE}/")
    finally:
        log.close()
        shutil.rmtree(work, ignore_errors=True)


def setup(app):
    app.connect("builder-inited", generate_api_pages)
    app.connect("builder-inited", stage_notebooks)
    app.connect("builder-inited", start_format_reference)
    app.connect("build-finished", finish_format_reference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
