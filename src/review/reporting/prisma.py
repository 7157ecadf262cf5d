"""Drawing the PRISMA 2020 flow diagram: SVG from the boxes, PNG from the SVG.

The layout follows the template for new reviews with databases, registers and other sources:
phase bands on the left (Identification, Screening, Included), a title bar over each column
pair, the main flow downwards and what leaves it to the right. The SVG is plain text and
shapes, with no fonts or assets to fetch; PNG is the same SVG rasterised by resvg (the
``resvg-py`` wheel, no system libraries), with the first installed font of ``FONTS``.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from review.errors import UsageError
from review.reporting.data import Prisma
from review.reporting.files import write_text
from review.reporting.prisma_boxes import Box, boxes, footnotes, wrapped

W, PAD, LINE, COL_GAP, GROUP_GAP, ROW_GAP, BAND, LEFT = 280, 9, 16, 44, 56, 34, 28, 52
TITLE_Y, HEADER_Y, HEADER_H, NOTE_LINE, NOTE_WRAP = 26, 42, 28, 14, 150
ROWS = 5
PHASES = (("Identification", 0, 0), ("Screening", 1, 3), ("Included", 4, 4))
HEADERS = ("Identification of studies via databases and registers",
           "Identification of studies via other methods")  # fmt: skip
# Tried in order: macOS, Windows, then the usual Linux fonts (resvg maps no generic family).
FONTS = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', 'Noto Sans', sans-serif"
STYLE = (
    f"text{{font-family:{FONTS};font-size:12px;fill:#111}}"
    ".box{fill:#fff;stroke:#222;stroke-width:1.2}.other{fill:#f2f2f2}"
    ".band{fill:#9dc3e6;stroke:#5b87b5}.head0{fill:#ffc000;stroke:#b38600}"
    ".head1{fill:#d9d9d9;stroke:#8c8c8c}.a{stroke:#222;stroke-width:1.3;fill:none}"
    ".h{font-weight:bold}.w{font-style:italic;fill:#444}.w2{font-size:11px;fill:#555}"
    ".phase,.head{font-weight:bold;text-anchor:middle}.title{font-size:15px;font-weight:bold}"
    ".note{font-size:10.5px;fill:#333}"
)


def _x(column: int) -> int:
    group, side = divmod(column, 2)
    return LEFT + group * (2 * W + COL_GAP + GROUP_GAP) + side * (W + COL_GAP)


def height(box: Box) -> int:
    return PAD * 2 + LINE * len(wrapped(box))


def _row_tops(items: list[Box]) -> list[int]:
    tops, y = [], HEADER_Y + HEADER_H + 18
    for row in range(ROWS):
        tops.append(y)
        y += max(height(b) for b in items if b.row == row) + ROW_GAP
    return [*tops, y - ROW_GAP]


def _box_svg(box: Box, x: int, y: int) -> list[str]:
    cls = "box other" if box.column >= 2 else "box"
    out = [f'<rect x="{x}" y="{y}" width="{W}" height="{height(box)}" class="{cls}"/>']
    for i, (text, style) in enumerate(wrapped(box)):
        ty = y + PAD + LINE * (i + 1) - 4
        out.append(f'<text x="{x + PAD}" y="{ty}" class="{style}">{escape(text)}</text>')
    return out


def _arrow(points: list[tuple[int, int]]) -> str:
    path = " ".join(f"{'M' if i == 0 else 'L'}{x},{y}" for i, (x, y) in enumerate(points))
    return f'<path d="{path}" class="a" marker-end="url(#arrow)"/>'


def _arrows(items: list[Box], tops: list[int]) -> list[str]:
    at = {(b.row, b.column): b for b in items}
    out = []
    for main in (c for c in (0, 2) if (0, c) in at):
        cx = _x(main) + W // 2
        for row in range(4):
            left, right = at[(row, main)], at[(row, main + 1)]
            y = tops[row] + min(height(left), height(right)) // 2
            out.append(_arrow([(_x(main) + W, y), (_x(main + 1) - 2, y)]))
            end = tops[row + 1] - 2
            if row < 3 or main == 0:
                out.append(_arrow([(cx, tops[row] + height(left)), (cx, end)]))
            else:  # other methods feed the one included box: down, then left
                mid = tops[4] + height(at[(4, 0)]) // 2
                start = (cx, tops[row] + height(left))
                out.append(_arrow([start, (cx, mid), (_x(0) + W + 2, mid)]))
    return out


def _frame(items: list[Box], tops: list[int]) -> list[str]:
    out = []
    for label, first, last in PHASES:
        y1 = tops[first]
        y2 = tops[last] + max(height(b) for b in items if b.row == last)
        mid, cx = (y1 + y2) // 2, 10 + BAND // 2 + 4
        out.append(f'<rect x="10" y="{y1}" width="{BAND}" height="{y2 - y1}" class="band"/>')
        out.append(f'<text x="{cx}" y="{mid}" class="phase" '
                   f'transform="rotate(-90 {cx} {mid})">{label}</text>')  # fmt: skip
    for group in sorted({b.column // 2 for b in items}):
        x, width = _x(2 * group), 2 * W + COL_GAP
        out.append(f'<rect x="{x}" y="{HEADER_Y}" width="{width}" height="{HEADER_H}" '
                   f'class="head{group}"/>')  # fmt: skip
        out.append(f'<text x="{x + width // 2}" y="{HEADER_Y + 18}" class="head">'
                   f"{escape(HEADERS[group])}</text>")  # fmt: skip
    return out


def _notes(notes: list[str], top: int, width: int) -> list[str]:
    wrap = max(60, min(NOTE_WRAP, width // 6))
    lines = [part for note in notes for part in textwrap.wrap(note, wrap)]
    return [
        f'<text x="{LEFT}" y="{top + NOTE_LINE * (i + 1)}" class="note">{escape(line)}</text>'
        for i, line in enumerate(lines)
    ]


def to_svg(counts: Prisma, title: str | None = None) -> str:
    """The flow diagram as a standalone SVG document."""
    items = boxes(counts)
    tops = _row_tops(items)
    width = _x(max(b.column for b in items)) + W + 16
    notes = _notes(footnotes(counts), tops[-1] + 8, width - LEFT)
    height_ = tops[-1] + 8 + NOTE_LINE * len(notes) + 14
    heading = escape(title or f"PRISMA 2020 flow diagram: {counts.protocol}")
    body = _frame(items, tops)
    for box in items:
        body += _box_svg(box, _x(box.column), tops[box.row])
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height_}" '
        f'viewBox="0 0 {width} {height_}" role="img" aria-label="{heading}">',
        f"<title>{heading}</title>", f"<style>{STYLE}</style>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#222"/></marker></defs>',
        f'<rect width="{width}" height="{height_}" fill="#fff"/>',
        f'<text x="{LEFT}" y="{TITLE_Y}" class="title">{heading}</text>',
        *body, *_arrows(items, tops), *notes, "</svg>",
    ])  # fmt: skip


_PROBE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="2" y="15" '
    f'style="font-family:{FONTS};font-size:14px">{{}}</text></svg>'
)


@lru_cache(maxsize=2)
def font_found(system_fonts: bool = True) -> bool:
    """Whether resvg finds one of ``FONTS``: text drawn differs from no text at all."""
    import resvg_py

    def draw(text: str) -> bytes:
        svg = _PROBE.format(text)
        return bytes(resvg_py.svg_to_bytes(svg_string=svg, skip_system_fonts=not system_fonts))

    return draw("Nn") != draw("")


def rasterise(svg: str, system_fonts: bool = True) -> bytes:
    """PNG bytes of an SVG at twice its size; ``UsageError`` when no font would draw the text."""
    import resvg_py

    if not font_found(system_fonts):
        raise UsageError(
            "PNG: no font to draw the text with (looked for Helvetica, Arial, Liberation Sans, "
            "DejaVu Sans, Noto Sans); install one (Debian: apt-get install fonts-dejavu-core) "
            "or write an .svg file"
        )
    png = resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff", zoom=2,
                                skip_system_fonts=not system_fonts)  # fmt: skip
    return bytes(png)


def to_png(counts: Prisma) -> bytes:
    """The flow diagram as PNG bytes."""
    return rasterise(to_svg(counts))


def write(counts: Prisma, out: Path) -> None:
    """Write the diagram to ``out`` (``.svg`` or ``.png``), rendered in full before writing."""
    suffix = out.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise UsageError(f"{out}: the diagram is written as .svg or .png; got '{suffix or out}'")
    if suffix == ".svg":
        write_text(out, to_svg(counts) + "\n")
        return
    png = to_png(counts)
    try:
        out.write_bytes(png)
    except OSError as exc:
        raise UsageError(f"{out}: cannot write: {exc.strerror or exc}") from None
