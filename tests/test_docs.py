"""The documentation site (docs/): it builds with warnings as errors (every cross-reference resolves), executing
the notebooks on the way; every internal link and anchor of the built pages resolves; every public name has its
API page and every subcommand of the command its options; the README stays short and its links resolve; and
headless Chromium renders the home page, a user-guide page and an API page.

The site is built once per test session (shared by pytest-xdist's workers), in a process of its own with this
interpreter, as CI builds it on a clean checkout. No simulation here but the notebooks'."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import brian2nwb
from helpers import headless_chromium

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: The site's pages that Chromium opens: the home page, a user-guide page, an API page.
RENDERED = {"index.html": "brian2nwb", "guide/rebuilding.html": "Rebuilding and re-running",
            "api/generated/brian2nwb.to_nwb.html": "brian2nwb.to_nwb"}


def build(root: Path) -> dict:
    """``sphinx-build -W --keep-going -b html docs <root>/html``; what happened, as ``result.json`` says."""
    environment = dict(os.environ)
    environment.pop("MPLBACKEND", None)  # the notebooks' kernels draw their figures inline
    started = time.monotonic()
    process = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", str(DOCS),
                              str(root / "html")], capture_output=True, text=True, env=environment, cwd=ROOT)
    result = {"returncode": process.returncode, "seconds": round(time.monotonic() - started, 1),
              "stderr": process.stderr[-6000:], "executed": re.findall(r"Executed notebook in [\d.]+ seconds",
                                                                        process.stdout + process.stderr)}
    (root / "result.json").write_text(json.dumps(result))
    return result


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The built site. Under pytest-xdist the first worker to get here builds it (a lock in the run's shared
    temporary folder) and the others use it."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        import fcntl

        root = tmp_path_factory.getbasetemp().parent / "docs-site"
        root.mkdir(exist_ok=True)
        with open(root / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            done = root / "result.json"
            result = json.loads(done.read_text()) if done.exists() else build(root)
    else:
        root = tmp_path_factory.mktemp("docs-site")
        result = build(root)
    print(f"\ndocs built in {result['seconds']} s into {root / 'html'} ({', '.join(result['executed'])})")
    assert result["returncode"] == 0, result["stderr"]
    return root / "html"


class Page(HTMLParser):
    """The links (``href``, ``src``) and the ids of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(name):
                self.ids.add(attrs[name])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "link" and attrs.get("rel") in ("preconnect", "dns-prefetch")):
                self.links.append(attrs[name])


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


#: Known broken links of the ndx-brian2 reference, which this site includes as that package builds it: its
#: index.rst lists the Python module index, which Sphinx writes only when a module is documented.
KNOWN_BROKEN = {("ndx-brian2/index.html", "py-modindex.html")}


def test_every_internal_link_and_anchor_resolves(site):
    # every page; _static holds the theme's files (a template among them), no page
    pages = {path: parse(path) for path in site.rglob("*.html") if "_static" not in path.relative_to(site).parts}
    assert len(pages) > 30
    broken = []
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:", "data:")):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if (str(path.relative_to(site)), link) in KNOWN_BROKEN:
                continue
            if not target.exists():
                broken.append(f"{path.relative_to(site)}: {link} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path.relative_to(site)}: {link} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_every_page_of_the_docs_is_built(site):
    sources = [path for path in DOCS.rglob("*") if path.suffix in (".md", ".rst", ".ipynb")
               and "_build" not in path.parts and path.name != "README.md"]
    missing = [str(path.relative_to(DOCS)) for path in sources
               if not (site / path.relative_to(DOCS).with_suffix(".html")).exists()]
    assert not missing, missing
    assert (site / "ndx-brian2" / "format.html").exists(), "the format's reference is part of the site"


def test_every_public_name_has_an_api_page(site):
    index = (site / "api" / "index.html").read_text()
    for name in brian2nwb.__all__:
        if name == "__version__":
            continue
        page = site / "api" / "generated" / f"brian2nwb.{name}.html"
        assert page.exists(), name
        assert f'id="brian2nwb.{name}"' in page.read_text(), name
        assert f'href="generated/brian2nwb.{name}.html#brian2nwb.{name}"' in index, name
    text = (site / "api" / "generated" / "brian2nwb.from_nwb.html").read_text()
    assert "Parameters" in text and "trust_code" in text and "InvalidFileError" in text  # numpydoc's sections


def test_every_subcommand_is_listed_with_its_options(site):
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        from brian2nwb_docs import cli_parser
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    page = (site / "guide" / "cli.html").read_text()
    parser = cli_parser()
    commands = next(action for action in parser._actions if action.choices and action.dest == "command")
    assert len(commands.choices) >= 8
    starts = {name: page.index(f'<section id="brian2nwb-{name}">') for name in commands.choices}
    ends = sorted(starts.values())[1:] + [len(page)]
    for name, subparser in commands.choices.items():
        section = page[starts[name]:next(end for end in ends if end > starts[name])]
        listed = {option for text in re.findall(r"<kbd>([^<]*)</kbd>", section) for option in text.split(", ")}
        expected = {option for action in subparser._actions for option in action.option_strings} - {"-h", "--help"}
        expected |= {action.metavar or action.dest for action in subparser._actions if not action.option_strings}
        assert expected <= listed, (name, expected - listed)
        assert subparser.description.split(" ")[0] in section, name


def test_notebooks_appear_with_their_outputs(site):
    for notebook in NOTEBOOKS:
        page = (site / "examples" / f"{notebook.stem}.html").read_text()
        assert page.count('class="cell_output') >= 2, notebook.name
    quickstart = (site / "examples" / "01_quickstart.html").read_text()
    assert re.search(r'<img[^>]+src="[^"]*\.png"', quickstart), "the quick start's figure"
    assert "spikes" in quickstart and "threshold:" in quickstart


def test_the_readme_is_short_and_its_links_resolve():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.encode()) <= 10 * 1024
    links = re.findall(r"\]\(([^)\s]+)\)", readme)
    local = [link for link in links if not urlsplit(link).scheme]
    assert any(link.startswith("docs/") for link in local)
    missing = [link for link in local if not (ROOT / unquote(urlsplit(link).path)).exists()]
    assert not missing, missing


@pytest.mark.browser
def test_pages_render_in_headless_chromium(site, tmp_path):
    chromium = [*headless_chromium(tmp_path / "profile"), "--hide-scrollbars"]
    shots = tmp_path / "screenshots"
    shots.mkdir()
    for page, title in RENDERED.items():
        url = (site / page).as_uri()
        dom = subprocess.run([*chromium, "--dump-dom", url], capture_output=True, text=True, timeout=120)
        assert dom.returncode == 0, dom.stderr[-2000:]
        assert "<title>" in dom.stdout and title in dom.stdout.split("<title>", 1)[1].split("</title>", 1)[0], page
        main = dom.stdout.split('<main id="main-content"', 1)
        assert len(main) == 2 and f"<h1>{title}" in main[1], page  # the theme laid out the page, its title in it
        shot = shots / (page.replace("/", "_").removesuffix(".html") + ".png")
        picture = subprocess.run([*chromium, "--window-size=1280,1000", f"--screenshot={shot}", url],
                                 capture_output=True, text=True, timeout=120)
        assert picture.returncode == 0, picture.stderr[-2000:]
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000, shot
    print(f"\nscreenshots of the site: {shots}")
