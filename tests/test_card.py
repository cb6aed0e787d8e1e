"""The model card: every equation of every object in the Markdown (LaTeX, and Brian2 code that Brian2's
`Equations` parses back to the same equations), written into the file, printed by ``brian2nwb describe``,
and as HTML that headless Chromium renders without a console message."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import h5py
import pytest
import sympy
from brian2 import Equations
from brian2.parsing.sympytools import str_to_sympy
from helpers import SUBJECT, headless_chromium, reset_brian
from networks import branched_cell

import brian2nwb
from brian2nwb.tools.example import build_and_run

@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The README's example network and a SpatialNeuron, written."""
    folder = tmp_path_factory.mktemp("cards")
    reset_brian("numpy")
    example = brian2nwb.to_nwb(build_and_run(50.0), folder / "example.nwb", subject=SUBJECT)
    reset_brian("numpy")
    cell = brian2nwb.to_nwb(branched_cell(), folder / "cell.nwb", subject=SUBJECT)
    return {"example": example, "cell": cell}


def describe(*args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "brian2nwb", "describe", *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def stored_equations(path: Path) -> dict[str, str]:
    """{object: its equations as the file's model holds them}, read with plain h5py."""
    with h5py.File(path, "r") as file:
        return {name: group.attrs["model"] for name, group in file["general/brian2/objects"].items()
                if str(group.attrs.get("model", "")).strip()}


def card_equations(markdown: str) -> dict[str, str]:
    """{object: the Brian2 equations block of its section} of a model card."""
    found = {}
    for section in re.split(r"^### ", markdown, flags=re.M)[1:]:
        name = re.match(r"\S+ `([^`]+)`", section).group(1)
        blocks = re.findall(r"```brian2-equations\n(.*?)\n```", section, flags=re.S)
        if blocks:
            found[name] = "\n".join(blocks)
    return found


def same_equations(card: str, stored: str | Equations) -> None:
    ours, theirs = Equations(card), stored if isinstance(stored, Equations) else Equations(stored)
    assert set(ours) == set(theirs)
    for name in theirs:
        a, b = ours[name], theirs[name]
        assert (a.type, a.dim, a.var_type, set(a.flags)) == (b.type, b.dim, b.var_type, set(b.flags)), name
        if b.expr is not None:
            assert sympy.simplify(str_to_sympy(a.expr.code) - str_to_sympy(b.expr.code)) == 0, name


@pytest.mark.parametrize("which", ["example", "cell"])
def test_describe_prints_every_equation_of_every_object(files, which):
    markdown = describe(str(files[which]))
    stored = stored_equations(files[which])
    cards = card_equations(markdown)
    assert set(cards) == set(stored) and stored
    for name in stored:
        same_equations(cards[name], stored[name])
    equations = sum(len(Equations(text)) for text in stored.values())
    assert markdown.count("$$\n") == 2 * equations  # each equation also in LaTeX
    assert "\\frac{\\mathrm{d}" in markdown


def test_the_card_is_in_the_file_for_any_reader(files):
    with h5py.File(files["example"], "r") as file:
        written = file["general/brian2/model_card"][()].decode()
    assert written.startswith("# Brian2 model")
    for name, text in stored_equations(files["example"]).items():
        same_equations(card_equations(written)[name], text)
    for expected in ("threshold: `v > -50", "refractory_time: 2 ms", "v_post += w", " synapses)",
                     "TimedArray: 200 values in mV", "| 0 | 0 ms | 50 ms |"):
        assert expected.replace(" ", "") in written.replace(" ", ""), expected  # code spacing as Brian2 keeps it


def test_card_of_a_live_network_before_writing():
    net = build_and_run(10.0)
    card = brian2nwb.model_card(net)
    assert "NeuronGroup `neurons` (100 neurons)" in card
    same_equations(card_equations(card)["neurons"], net["neurons"].user_equations)


@pytest.mark.browser
def test_html_opens_in_headless_chromium_without_console_messages(files, tmp_path):
    chromium = headless_chromium(tmp_path / "profile")
    page = tmp_path / "card.html"
    describe(str(files["cell"]), "--html", "-o", str(page))
    text = page.read_text()
    assert not re.search(r"""(src|href)=["'](?!data:)""", text), "the page must not load anything"
    result = subprocess.run(
        [*chromium, "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "CONSOLE" not in result.stderr, [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    equations = sum(len(Equations(text)) for text in stored_equations(files["cell"]).values())
    assert result.stdout.count("<math") == equations  # MathML, drawn by the browser itself
    assert result.stdout.count('<img alt="') == 1 and "data:image/png;base64," in result.stdout
