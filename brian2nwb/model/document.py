"""A small document (headings, paragraphs, lists, tables, code, equations, figures) rendered as Markdown or
as one self-contained HTML page.

The model card (`brian2nwb.verbs.card`) is built once as a `Document` and written
both ways: Markdown into the file and for ``brian2nwb describe --markdown``
(equations in LaTeX between ``$$``, as brian2tools' ``mdexport`` writes them),
HTML for ``--html`` (equations in MathML, which browsers draw without a script;
figures as embedded PNG). Text may hold `code` spans in backquotes; everything
else in it is literal (escaped in HTML).
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Code:
    text: str
    language: str = ""


@dataclass
class Equation:
    """One displayed equation: LaTeX for Markdown, MathML for HTML."""

    latex: str
    mathml: str


@dataclass
class TableBlock:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Figure:
    """A PNG image (HTML only: Markdown written into a file keeps no pictures)."""

    png: bytes
    caption: str


@dataclass
class Document:
    title: str
    blocks: list = field(default_factory=list)

    def add(self, *blocks) -> None:
        self.blocks.extend(blocks)

    def to_markdown(self) -> str:
        """The document as Markdown (figures left out)."""
        parts = [f"# {self.title}"]
        for block in self.blocks:
            text = _MARKDOWN[type(block)](block)
            if text:
                parts.append(text)
        return "\n\n".join(parts) + "\n"

    def to_html(self) -> str:
        """The document as one HTML page that needs nothing else: no script, no style sheet, no image file."""
        body = "\n".join(_HTML[type(block)](block) for block in self.blocks)
        return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                f"<title>{html.escape(self.title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
                f"<h1>{html.escape(self.title)}</h1>\n{body}\n</body>\n</html>\n")


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown_code(block: Code) -> str:
    longest = max((len(run) for run in re.findall(r"`+", block.text)), default=0)
    fence = "`" * max(3, longest + 1)  # longer than any run of backticks in the code: the code cannot end it
    return f"{fence}{block.language}\n{block.text}\n{fence}"


_MARKDOWN = {
    Heading: lambda block: f"{'#' * (block.level + 1)} {block.text}",
    Paragraph: lambda block: block.text,
    Bullets: lambda block: "\n".join(f"- {item}" for item in block.items),
    Code: _markdown_code,
    Equation: lambda block: f"$$\n{block.latex}\n$$",
    TableBlock: lambda block: "\n".join(
        ["| " + " | ".join(map(_markdown_cell, block.header)) + " |", "|" + "---|" * len(block.header)]
        + ["| " + " | ".join(map(_markdown_cell, row)) + " |" for row in block.rows]),
    Figure: lambda block: "",
}


def inline_html(text: str) -> str:
    """Escaped text with its `code` spans as <code>."""
    pieces = re.split(r"`([^`]*)`", text)
    return "".join(f"<code>{html.escape(piece)}</code>" if index % 2 else html.escape(piece)
                   for index, piece in enumerate(pieces))


_HTML = {
    Heading: lambda block: f"<h{block.level + 1}>{inline_html(block.text)}</h{block.level + 1}>",
    Paragraph: lambda block: f"<p>{inline_html(block.text)}</p>",
    Bullets: lambda block: "<ul>" + "".join(f"<li>{inline_html(item)}</li>" for item in block.items) + "</ul>",
    Code: lambda block: f"<pre><code>{html.escape(block.text)}</code></pre>",
    Equation: lambda block: f"<div class=\"equation\">{block.mathml}</div>",
    TableBlock: lambda block: (
        "<table><thead><tr>" + "".join(f"<th>{inline_html(cell)}</th>" for cell in block.header)
        + "</tr></thead><tbody>"
        + "".join("<tr>" + "".join(f"<td>{inline_html(cell)}</td>" for cell in row) + "</tr>" for row in block.rows)
        + "</tbody></table>"),
    Figure: lambda block: (
        f"<figure><img alt=\"{html.escape(block.caption)}\" "
        f"src=\"data:image/png;base64,{base64.b64encode(block.png).decode()}\">"
        f"<figcaption>{html.escape(block.caption)}</figcaption></figure>"),
}

_STYLE = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.4}"
          "pre{background:#f4f4f4;padding:.5em;overflow-x:auto}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}.equation{margin:.5em 0}"
          "img{max-width:100%}")
