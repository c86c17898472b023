"""Bar charts as inline SVG, drawn on the server (no JavaScript, nothing from a CDN).

Each chart is an image with a text alternative: ``role="img"`` with ``aria-labelledby`` naming
its ``<title>`` and ``<desc>``; the page shows the same numbers in a data table as well. Every
bar carries its number as text, so no meaning depends on colour. Every text is escaped here.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

BAR_COLOUR = "#1d4f91"  # 8.9:1 against white
TEXT_COLOUR = "#1a1a1a"
WIDTH = 720
LABEL_WIDTH = 360
VALUE_WIDTH = 56
ROW_HEIGHT = 28
BAR_HEIGHT = 18
FONT_SIZE = 14


@dataclass(frozen=True)
class Chart:
    """One chart: what it shows, its rows (label, number) and the SVG drawing of them."""

    id: str  # unique on the page; used for the ids of title and desc
    title: str
    description: str
    rows: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(value for _, value in self.rows)

    @property
    def svg(self) -> str:
        return bar_chart_svg(self.id, self.title, self.description, self.rows)


def describe(
    rows: tuple[tuple[str, int], ...], unit: tuple[str, str] = ("melding", "meldingen")
) -> str:
    """A one-sentence text alternative: every label with its number (unit: one, several)."""
    if not rows:
        return "Geen gegevens."
    return "; ".join(f"{label}: {value} {unit[value != 1]}" for label, value in rows) + "."


def bar_chart_svg(
    chart_id: str, title: str, description: str, rows: tuple[tuple[str, int], ...]
) -> str:
    """A horizontal bar chart: one row per (label, value), the value written after the bar."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    height = max(1, len(rows)) * ROW_HEIGHT + 8
    most = max((value for _, value in rows), default=0)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'id="{escape(chart_id)}" aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'font-family="sans-serif" font-size="{FONT_SIZE}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
    ]
    if not rows:
        parts.append(
            f'<text x="0" y="{ROW_HEIGHT - 10}" fill="{TEXT_COLOUR}">Geen gegevens.</text>'
        )
    for index, (label, value) in enumerate(rows):
        top = index * ROW_HEIGHT + 4
        baseline = top + BAR_HEIGHT - 4
        length = round(room * value / most) if most else 0
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{baseline}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{top}" width="{length}" height="{BAR_HEIGHT}" '
            f'fill="{BAR_COLOUR}"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{baseline}" '
            f'fill="{TEXT_COLOUR}">{int(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
