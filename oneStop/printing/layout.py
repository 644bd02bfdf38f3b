"""Page geometry and the drawing primitives the forms share: the national header block of
Decree 30/2020 (rules §2, §7), wrapped rich text, rules and simple tables, with a cursor that
moves down the page and starts a new page when the next block does not fit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Sequence

from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from oneStop.printing import fonts
from oneStop.printing.fonts import SERIF, SERIF_BOLD, SERIF_BOLD_ITALIC, SERIF_ITALIC, printable

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Paper:
    """A paper size with its margins and type sizes. A4 follows Decree 30/2020 (§7); A5, the
    usual size of the counter slips, keeps the proportions at a smaller scale."""

    name: str
    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float
    body: float  # body text size, points
    heading: float  # national name, issuing body
    title: float

    @property
    def usable_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def leading(self) -> float:
        return self.body * 1.25


PAPERS: dict[str, Paper] = {
    "A4": Paper("A4", *A4, top=20 * mm, bottom=20 * mm, left=30 * mm, right=15 * mm, body=13, heading=12.5, title=14),
    "A5": Paper("A5", *A5, top=9 * mm, bottom=9 * mm, left=15 * mm, right=10 * mm, body=10, heading=9.5, title=11.5),
    "A4L": Paper(
        "A4L", *landscape(A4), top=15 * mm, bottom=15 * mm, left=20 * mm, right=15 * mm, body=11, heading=12, title=14
    ),
}


def paper(name: str) -> Paper:
    try:
        return PAPERS[name.upper()]
    except KeyError:
        raise ValueError(f"unknown paper {name!r}") from None


def vn_date(when: datetime | None, place: str = "") -> str:
    """The place-and-date line of the header.

    >>> vn_date(datetime(2026, 11, 3), "Quảng Phú")
    'Quảng Phú, ngày 03 tháng 11 năm 2026'
    >>> vn_date(None)
    'ngày ..... tháng ..... năm .........'
    """
    text = f"ngày {when:%d} tháng {when:%m} năm {when:%Y}" if when else "ngày ..... tháng ..... năm ........."
    return f"{place}, {text}" if place else text


def vn_time(when: datetime) -> str:
    """Time of day and date written out, as on the slips.

    >>> vn_time(datetime(2026, 11, 23, 9, 5))
    '09 giờ 05 phút, ngày 23 tháng 11 năm 2026'
    """
    return f"{when:%H} giờ {when:%M} phút, ngày {when:%d} tháng {when:%m} năm {when:%Y}"


def money(amount: int) -> str:
    """Whole đồng with dots between thousands.

    >>> money(1250000)
    '1.250.000 đồng'
    >>> money(0)
    '0 đồng'
    """
    return f"{amount:,}".replace(",", ".") + " đồng"


Run = tuple[str, str]  # (text, font name)


def fit_size(text: str, font: str, size: float, width: float, *, minimum: float = 6.0) -> float:
    """The largest size ≤ ``size`` at which ``text`` fits on one line of ``width``."""
    w = stringWidth(text, font, size)
    if w <= width:
        return size
    return max(minimum, size * width / w * 0.999)


def wrap_runs(runs: Sequence[Run], size: float, width: float, first_width: float | None = None) -> list[list[Run]]:
    """Break rich text (runs of one font each) into lines no wider than ``width``
    (``first_width`` for the first line). Words longer than a line are cut."""
    lines: list[list[Run]] = [[]]
    limit = first_width if first_width is not None else width
    used = 0.0
    for text, font in runs:
        text = printable(text, font)
        space = stringWidth(" ", font, size)
        for index, word in enumerate(text.split(" ")):
            if index > 0:
                # keep the space attached to the previous word's line
                if used > 0:
                    if used + space > limit:
                        lines.append([])
                        limit, used = width, 0.0
                    else:
                        lines[-1].append((" ", font))
                        used += space
            if not word:
                continue
            w = stringWidth(word, font, size)
            if used + w > limit and used > 0:
                while lines[-1] and lines[-1][-1][0] == " ":
                    lines[-1].pop()
                lines.append([])
                limit, used = width, 0.0
            while w > limit:  # a word longer than the line: cut it
                cut = len(word)
                while cut > 1 and stringWidth(word[:cut], font, size) > limit - used:
                    cut -= 1
                lines[-1].append((word[:cut], font))
                lines.append([])
                limit, used = width, 0.0
                word = word[cut:]
                w = stringWidth(word, font, size)
            lines[-1].append((word, font))
            used += w
    return [_merge(line) for line in lines] or [[]]


def _merge(line: list[Run]) -> list[Run]:
    """Adjacent runs of one font joined, so each line is drawn with as few strings as possible
    (and reads back from the PDF as whole words)."""
    merged: list[Run] = []
    for text, font in line:
        if merged and merged[-1][1] == font:
            merged[-1] = (merged[-1][0] + text, font)
        else:
            merged.append((text, font))
    return merged


def runs_width(line: Sequence[Run], size: float) -> float:
    return sum(stringWidth(t, f, size) for t, f in line)


class PageWriter:
    """A cursor on a canvas. ``y`` is the baseline of the next line, moving down the page.

    ``on_new_page`` draws whatever a continuation page needs (a short heading, a copy marker)
    and is called after ``showPage`` when a block does not fit.
    """

    def __init__(self, canvas: Canvas, paper: Paper, on_new_page: Callable[["PageWriter"], None] | None = None):
        fonts.register()
        self.c = canvas
        self.paper = paper
        self.on_new_page = on_new_page
        self.x = paper.left
        self.width = paper.usable_width
        self.y = paper.height - paper.top
        self.pages = 1
        #: vertical spacing factor (1 = normal): a form that must fit on one sheet tightens it
        self.spacing = 1.0

    # -- page flow ---------------------------------------------------------------------------
    @property
    def bottom(self) -> float:
        return self.paper.bottom

    def room(self) -> float:
        return self.y - self.bottom

    def new_page(self) -> None:
        self.c.showPage()
        self.pages += 1
        self.y = self.paper.height - self.paper.top
        if self.on_new_page:
            self.on_new_page(self)

    def ensure(self, height: float) -> None:
        if height > self.room():
            self.new_page()

    def skip(self, height: float) -> None:
        self.y -= height

    # -- text ----------------------------------------------------------------------------------
    def line(
        self,
        text: str,
        *,
        font: str = SERIF,
        size: float | None = None,
        align: str = "left",
        x: float | None = None,
        width: float | None = None,
        leading: float | None = None,
    ) -> None:
        self.rich([(text, font)], size=size, align=align, x=x, width=width, leading=leading)

    def rich(
        self,
        runs: Sequence[Run],
        *,
        size: float | None = None,
        align: str = "left",
        x: float | None = None,
        width: float | None = None,
        indent: float = 0.0,
        leading: float | None = None,
    ) -> None:
        """Wrapped rich text; continuation lines start ``indent`` to the right of ``x``."""
        size = size or self.paper.body
        leading = leading or size * (1 + 0.25 * self.spacing)
        x = self.x if x is None else x
        width = self.width if width is None else width
        lines = wrap_runs(runs, size, width - indent, first_width=width)
        for number, line in enumerate(lines):
            self.ensure(leading * 0.8)
            lx = x if number == 0 else x + indent
            lw = width if number == 0 else width - indent
            self.draw_runs(line, lx, self.y - size, size, align=align, width=lw)
            self.y -= leading

    def draw_runs(self, line: Sequence[Run], x: float, baseline: float, size: float, *, align: str = "left", width: float = 0) -> None:
        total = runs_width(line, size)
        if align == "center":
            x += (width - total) / 2
        elif align == "right":
            x += width - total
        for text, font in line:
            self.c.setFont(font, size)
            self.c.drawString(x, baseline, text)
            x += stringWidth(text, font, size)

    def rule(self, x0: float, x1: float, y: float | None = None, *, width: float = 0.6) -> None:
        self.c.setLineWidth(width)
        y = self.y if y is None else y
        self.c.line(x0, y, x1, y)

    # -- the national header -------------------------------------------------------------------
    def header(self, managing_agency: str, unit: str, place_and_date: str, *, form_number: str = "",
               number: str = "") -> None:
        """Left: managing agency and receiving unit (bold), a short rule. Right: the national
        name, the motto with a full-length rule, the place and date in italics. ``number``: the
        document's "Số: …", in the left column on the date's line, as an administrative document
        places it (under the unit when the unit's name reaches lower), shrunk to 70 % to stay on
        one line there before it wraps within the column."""
        p = self.paper
        size = p.heading
        top = self.y
        if form_number:
            small = p.body * 0.85
            self.c.setFont(SERIF_ITALIC, small)
            self.c.drawRightString(p.width - p.right, p.height - p.top + small * 0.2, printable(form_number, SERIF_ITALIC))
        left_w = self.width * 0.40
        right_x = self.x + left_w
        right_w = self.width - left_w

        # right column
        nation_size = fit_size(NATION, SERIF_BOLD, size, right_w)
        motto_size = fit_size(MOTTO, SERIF_BOLD, size + 0.5, right_w)
        y = top - nation_size
        self.c.setFont(SERIF_BOLD, nation_size)
        self.c.drawCentredString(right_x + right_w / 2, y, NATION)
        y -= motto_size * 1.2
        self.c.setFont(SERIF_BOLD, motto_size)
        self.c.drawCentredString(right_x + right_w / 2, y, MOTTO)
        motto_w = stringWidth(MOTTO, SERIF_BOLD, motto_size)
        y -= motto_size * 0.35
        self.rule(right_x + (right_w - motto_w) / 2, right_x + (right_w + motto_w) / 2, y)
        right_bottom = y

        # left column
        y = top
        save_y = self.y
        self.y = y
        self.rich([(managing_agency.upper(), SERIF)], size=size, align="center", x=self.x, width=left_w, leading=size * 1.2)
        self.rich([(unit.upper(), SERIF_BOLD)], size=size, align="center", x=self.x, width=left_w, leading=size * 1.2)
        y = self.y + size * 0.2 - size * 0.4
        short = left_w * 0.35
        self.rule(self.x + (left_w - short) / 2, self.x + (left_w + short) / 2, y)
        left_bottom = y
        self.y = save_y

        # place and date under the right column
        date_size = p.body
        y = right_bottom - date_size * 1.6
        self.c.setFont(SERIF_ITALIC, fit_size(place_and_date, SERIF_ITALIC, date_size, right_w))
        self.c.drawCentredString(right_x + right_w / 2, y, printable(place_and_date, SERIF_ITALIC))
        if number:
            text = f"Số: {number}"
            number_size = fit_size(text, SERIF, date_size, left_w, minimum=date_size * 0.7)
            if stringWidth(text, SERIF, number_size) <= left_w:
                number_y = min(y, left_bottom - date_size * 1.3)
                self.c.setFont(SERIF, number_size)
                self.c.drawCentredString(self.x + left_w / 2, number_y, printable(text, SERIF))
                left_bottom = number_y
            else:
                save_y, self.y = self.y, left_bottom - date_size * 0.3
                self.rich([(text, SERIF)], size=number_size, align="center", x=self.x, width=left_w)
                left_bottom, self.y = self.y + number_size * 0.3, save_y
        self.y = min(left_bottom, y) - p.body * 1.2

    # -- tables ----------------------------------------------------------------------------------
    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        size: float | None = None,
        align: Sequence[str] | None = None,
        min_heights: Sequence[float] | None = None,
        after_row: Callable[[int, list[float], float, float], None] | None = None,
    ) -> None:
        """A ruled table; ``widths`` are fractions of the usable width. The header row is
        repeated when the table continues on a new page. ``min_heights`` reserves room in a row
        (for a barcode, say) and ``after_row(index, column_lefts, top, height)`` draws into it."""
        size = size or self.paper.body
        pad = size * 0.3 * (0.5 + 0.5 * self.spacing)
        leading = size * 1.2
        cols = [w * self.width for w in widths]
        align = align or ["left"] * len(headers)

        def cell_lines(texts: Sequence[str], font: str) -> list[list[list[Run]]]:
            cells = []
            for text, w in zip(texts, cols):
                lines: list[list[Run]] = []
                for paragraph in str(text).split("\n"):
                    lines.extend(wrap_runs([(paragraph, font)], size, w - 2 * pad))
                cells.append(lines)
            return cells

        def draw_row(lines: list[list[list[Run]]], height: float, aligns: Sequence[str]) -> None:
            top = self.y
            x = self.x
            self.c.setLineWidth(0.5)
            for col, (cell, w) in enumerate(zip(lines, cols)):
                self.c.rect(x, top - height, w, height, stroke=1, fill=0)
                for n, line in enumerate(cell):
                    self.draw_runs(line, x + pad, top - pad - size * 0.9 - n * leading, size, align=aligns[col], width=w - 2 * pad)
                x += w
            self.y = top - height

        def row_height(lines: list[list[list[Run]]]) -> float:
            return max(len(cell) for cell in lines) * leading + 2 * pad - (leading - size)

        header_lines = cell_lines(headers, SERIF_BOLD)
        header_h = row_height(header_lines)
        self.ensure(header_h + leading * 2)
        draw_row(header_lines, header_h, ["center"] * len(headers))
        lefts = [self.x + sum(cols[:i]) for i in range(len(cols))]
        for index, row in enumerate(rows):
            lines = cell_lines(row, SERIF)
            h = row_height(lines)
            if min_heights is not None:
                h = max(h, min_heights[index])
            if h > self.room():
                self.new_page()
                draw_row(header_lines, header_h, ["center"] * len(headers))
            top = self.y
            draw_row(lines, h, align)
            if after_row is not None:
                after_row(index, lefts, top, h)
        self.y -= size * 0.6 * self.spacing

    # -- signatures ----------------------------------------------------------------------------
    def signatures(self, blocks: Sequence[tuple[str, ...]], *, space: float | None = None) -> None:
        """Side-by-side signature blocks: (title, name printed under the signature[, the note
        under the title, "(Ký và ghi rõ họ tên)" by default]). A long name (an organisation's)
        wraps within its own block at the body size, never running into the next block nor
        shrunk out of reading."""
        p = self.paper
        space = space if space is not None else p.body * 3.6 * max(self.spacing, 0.75)
        w = self.width / len(blocks)
        name_leading = p.body * 1.2
        names = [wrap_runs([(block[1], SERIF_BOLD)], p.body, w - 4) if block[1] else [] for block in blocks]
        lines = max((len(n) for n in names), default=1) or 1
        need = p.body * 2.6 + space + p.body * 0.3 + lines * name_leading
        self.ensure(need)
        top = self.y
        for i, block in enumerate(blocks):
            title = block[0]
            note = block[2] if len(block) > 2 else "(Ký và ghi rõ họ tên)"
            if not title:
                continue  # an empty block keeps its place (the signature sits on the right)
            cx = self.x + w * i + w / 2
            y = top - p.body
            self.c.setFont(SERIF_BOLD, fit_size(title, SERIF_BOLD, p.body, w - 4))
            self.c.drawCentredString(cx, y, printable(title, SERIF_BOLD))
            y -= p.body * 1.25
            self.c.setFont(SERIF_ITALIC, p.body * 0.9)
            self.c.drawCentredString(cx, y, printable(note, SERIF_ITALIC))
            y -= space
            for line in names[i]:
                self.draw_runs(line, self.x + w * i + 2, y, p.body, align="center", width=w - 4)
                y -= name_leading
        self.y = top - need

    def watermark(self, text: str) -> None:
        """Large light diagonal text behind the page content."""
        p = self.paper
        self.c.saveState()
        self.c.setFillColorRGB(0.85, 0.85, 0.85)
        size = p.width / 7
        self.c.setFont(SERIF_BOLD, size)
        self.c.translate(p.width / 2, p.height / 2)
        self.c.rotate(35)
        self.c.drawCentredString(0, -size / 3, printable(text, SERIF_BOLD))
        self.c.restoreState()


__all__ = [
    "PAPERS",
    "Paper",
    "PageWriter",
    "SERIF",
    "SERIF_BOLD",
    "SERIF_ITALIC",
    "SERIF_BOLD_ITALIC",
    "fit_size",
    "money",
    "paper",
    "vn_date",
    "vn_time",
    "wrap_runs",
]
