"""The PRISMA 2020 flow diagram (new reviews; databases, registers and imports) as SVG.

``boxes`` turns the counts into labelled boxes on a two-column grid (main flow on the left,
what leaves it on the right); ``to_svg`` draws them with plain SVG text, no fonts or assets
to fetch. PNG needs the optional ``cairosvg`` package (and the system cairo library).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from review.errors import UsageError
from review.reporting.data import Prisma
from review.screening.codes import DECISIONS

WIDTH, GAP, LEFT, TOP, LINE, PAD, BAND = 330, 60, 50, 50, 17, 10, 30
MAX_REASONS = 8
PHASES = ("Identification", "Screening", "Screening", "Screening", "Included")


@dataclass(frozen=True)
class Box:
    """One box: a bold heading, ``n = ...`` and detail lines, in a row and column of the grid."""

    row: int
    column: int
    heading: str
    n: int
    details: tuple[str, ...] = ()

    @property
    def height(self) -> int:
        return PAD * 2 + LINE * (2 + len(self.details))


def _reasons(reasons: dict[str, int]) -> tuple[str, ...]:
    ranked = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    lines = [f"{code}: {n}" for code, n in ranked[:MAX_REASONS]]
    rest = sum(n for _, n in ranked[MAX_REASONS:])
    return (*lines, f"other reasons: {rest}") if rest else tuple(lines)


def boxes(c: Prisma) -> list[Box]:
    """The diagram's boxes for one protocol's counts."""
    ta, ft = c.stages.get("title_abstract", {}), c.stages.get("full_text", {})
    ta_why, ft_why = (
        _reasons(c.reasons.get("title_abstract", {})),
        _reasons(c.reasons.get("full_text", {})),
    )
    screened = sum(ta.get(d, 0) for d in DECISIONS)
    assessed = sum(ft.get(d, 0) for d in DECISIONS)
    waiting = c.count("overall", "include") - ft.get("include", 0)
    sources = tuple(f"{name}: {n}" for name, n in sorted(c.by_source.items()))
    return [
        Box(0, 0, "Records identified", c.identified, sources),
        Box(0, 1, "Duplicate records removed", c.duplicates),
        Box(1, 0, "Records screened (title/abstract)", screened,
            (f"not screened yet: {c.not_screened}",) if c.not_screened else ()),
        Box(1, 1, "Records excluded", ta.get("exclude", 0), ta_why),
        Box(2, 0, "Reports sought for full text", ta.get("include", 0),
            (f"not assessed yet: {waiting}",) if waiting else ()),
        Box(2, 1, "Awaiting a reviewer (uncertain)", ta.get("uncertain", 0),
            (f"reviewers disagree: {ta.get('conflicts', 0)}",) if ta.get("conflicts") else ()),
        Box(3, 0, "Reports assessed (full text)", assessed,
            (f"uncertain: {ft.get('uncertain', 0)}",) if ft.get("uncertain") else ()),
        Box(3, 1, "Reports excluded", ft.get("exclude", 0), ft_why),
        Box(4, 0, "Studies included in review", ft.get("include", 0)),
    ]  # fmt: skip


def _row_tops(items: list[Box]) -> list[int]:
    heights = [max(b.height for b in items if b.row == row) for row in range(len(PHASES))]
    tops, y = [], TOP
    for height in heights:
        tops.append(y)
        y += height + GAP // 2
    return [*tops, y]


def _box_svg(box: Box, x: int, y: int) -> list[str]:
    lines = [f'<rect x="{x}" y="{y}" width="{WIDTH}" height="{box.height}" class="box"/>']
    texts = [(box.heading, "h"), (f"n = {box.n}", "n"), *((d, "d") for d in box.details)]
    for i, (text, cls) in enumerate(texts):
        ty = y + PAD + LINE * (i + 1) - 4
        lines.append(f'<text x="{x + PAD}" y="{ty}" class="{cls}">{escape(text)}</text>')
    return lines


def _arrow(x1: int, y1: int, x2: int, y2: int) -> str:
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="a" marker-end="url(#arrow)"/>'


def _bands(tops: list[int]) -> list[str]:
    out = []
    for label in dict.fromkeys(PHASES):
        rows = [i for i, phase in enumerate(PHASES) if phase == label]
        y1, y2 = tops[rows[0]], tops[rows[-1] + 1] - GAP // 2
        mid = (y1 + y2) // 2
        out.append(f'<rect x="10" y="{y1}" width="{BAND}" height="{y2 - y1}" class="band"/>')
        out.append(
            f'<text x="{10 + BAND // 2 + 5}" y="{mid}" class="phase" '
            f'transform="rotate(-90 {10 + BAND // 2 + 5} {mid})">{label}</text>'
        )
    return out


STYLE = (
    ".box{fill:#fff;stroke:#333;stroke-width:1.2}.band{fill:#dbe8f5;stroke:#6a8fb5}"
    ".a{stroke:#333;stroke-width:1.2}text{font-family:Helvetica,Arial,sans-serif;"
    "font-size:12px;fill:#111}.h{font-weight:bold}.n{font-weight:bold;fill:#1a4f8b}"
    ".phase{font-weight:bold;text-anchor:middle}.title{font-size:15px;font-weight:bold}"
)


def to_svg(counts: Prisma, title: str | None = None) -> str:
    """The flow diagram as a standalone SVG document."""
    items = boxes(counts)
    tops = _row_tops(items)
    x = [LEFT, LEFT + WIDTH + GAP]
    body: list[str] = _bands(tops)
    for box in items:
        body += _box_svg(box, x[box.column], tops[box.row])
    for row in range(len(PHASES)):
        left = next(b for b in items if b.row == row and b.column == 0)
        mid_y = tops[row] + left.height // 2
        if any(b.row == row and b.column == 1 for b in items):
            body.append(_arrow(x[0] + WIDTH, mid_y, x[1] - 2, mid_y))
        if row + 1 < len(PHASES):
            cx = x[0] + WIDTH // 2
            body.append(_arrow(cx, tops[row] + left.height, cx, tops[row + 1] - 2))
    width, height = x[1] + WIDTH + 20, tops[-1]
    heading = escape(title or f"PRISMA 2020 flow diagram: {counts.protocol}")
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{heading}">',
        f"<title>{heading}</title>",
        f"<style>{STYLE}</style>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>',
        f'<text x="{LEFT}" y="30" class="title">{heading}</text>',
        *body,
        "</svg>",
    ])  # fmt: skip


def write(counts: Prisma, out: Path) -> None:
    """Write the diagram to ``out``: ``.svg``, or ``.png`` when cairosvg is installed."""
    suffix = out.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise UsageError(f"{out}: the diagram is written as .svg (or .png); got '{suffix or out}'")
    svg = to_svg(counts)
    if suffix == ".svg":
        out.write_text(svg + "\n", encoding="utf-8")
        return
    try:
        import cairosvg
    except (ImportError, OSError):
        raise UsageError(
            f"{out}: PNG needs the optional cairosvg package and the system cairo library "
            "(pip install cairosvg); write an .svg file instead"
        ) from None
    cairosvg.svg2png(bytestring=svg.encode("utf-8"), write_to=str(out))
