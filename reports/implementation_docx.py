"""The implementation report as an editable Word document in the Decree 30/2020/NĐ-CP
layout: A4, margins 20/15/20/30 mm, Times New Roman 13; the issuing unit (under its
parent) beside the national motto, the number and the place and date; the centred
title; the body of reports.implementation.report_blocks; "Nơi nhận:" beside the
signer's block. The head edits it in Word and signs it."""

import datetime
import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports import implementation as report
from reports.implementation import ImplementationData, Table, Texts

FONT = "Times New Roman"
AGENCY_WIDTH, MOTTO_WIDTH = Mm(75), Mm(90)
CENTER, JUSTIFY, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.RIGHT


def _widths(table, widths) -> None:
    """Column widths both as the grid (LibreOffice reads it) and on every cell (Word does)."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


# What follows w:pBdr inside w:pPr (the schema fixes the order; Word refuses others).
AFTER_BORDERS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def _rule(cell, *, length, width) -> None:
    """The short solid line Decree 30 puts under the unit's name and under the motto:
    an empty paragraph indented to `length`, centred in the cell, with a bottom border."""
    paragraph = cell.add_paragraph()
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = (width - length) // 2
    borders, bottom = OxmlElement("w:pBdr"), OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *AFTER_BORDERS)
    paragraph.add_run().font.size = Pt(2)


def _line(container, text: str, *, size: float = 13, bold=False, italic=False, align=CENTER, indent=False):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
        paragraph.paragraph_format.space_after = Pt(6)
    run = paragraph.add_run(text)
    run.font.size, run.bold, run.italic = Pt(size), bold, italic
    return paragraph


def _cell_lines(cell, lines) -> None:
    """`lines` of (text, options) into a table cell, its empty first paragraph first."""
    for i, (text, options) in enumerate(lines):
        if i == 0:
            paragraph = cell.paragraphs[0]
            paragraph.alignment = options.pop("align", CENTER)
            run = paragraph.add_run(text)
            run.font.size = Pt(options.pop("size", 13))
            run.bold, run.italic = options.pop("bold", False), options.pop("italic", False)
        else:
            _line(cell, text, **options)


def _setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)


def _heading(document, data: ImplementationData, texts: Texts, today: datetime.date) -> None:
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    _widths(table, (AGENCY_WIDTH, MOTTO_WIDTH))
    agency, nation = table.rows[0].cells
    lines = [(data.parent.name.upper(), {"size": 12})] if data.parent else []
    _cell_lines(agency, [*lines, (data.unit.name.upper(), {"size": 12, "bold": True})])
    _rule(agency, length=Mm(25), width=AGENCY_WIDTH)
    _line(agency, report.number_line(data.unit))
    _cell_lines(nation, [
        (_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), {"size": 12, "bold": True}),
        (_("Độc lập - Tự do - Hạnh phúc"), {"size": 13, "bold": True}),
    ])  # fmt: skip
    _rule(nation, length=Mm(60), width=MOTTO_WIDTH)
    _line(nation, report.place_date_line(texts, today), italic=True)


def _title(document, data: ImplementationData) -> None:
    first, *rest = report.title_lines(data)
    _line(document, "")
    _line(document, first, size=14, bold=True)
    for text in rest:
        _line(document, text, size=13, bold=not text.startswith("("), italic=text.startswith("("))
    _line(document, "")


def _table(document, table: Table) -> None:
    grid = document.add_table(rows=1, cols=len(table.headings))
    grid.style = "Table Grid"
    grid.autofit = False

    def align(column: int, heading: bool):
        if heading or column == 0:  # headings and the STT column are centred
            return CENTER
        return RIGHT if column in table.numeric else WD_ALIGN_PARAGRAPH.LEFT

    def fill(cells, values, *, bold=False, heading=False):
        for column, (cell, value) in enumerate(zip(cells, values, strict=True)):
            paragraph = cell.paragraphs[0]
            paragraph.alignment = align(column, heading)
            run = paragraph.add_run(value)
            run.font.size, run.bold = Pt(11), bold

    fill(grid.rows[0].cells, table.headings, bold=True, heading=True)
    for values in table.rows:
        fill(grid.add_row().cells, values)
    if table.total is not None:
        fill(grid.add_row().cells, table.total, bold=True)
    _widths(grid, [Mm(width) for width in table.widths])
    _line(document, "", size=6)


def _closing(document, data: ImplementationData, texts: Texts) -> None:
    _line(document, "")
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    _widths(table, (Mm(80), Mm(85)))
    recipients, signer = table.rows[0].cells
    left = WD_ALIGN_PARAGRAPH.LEFT
    _cell_lines(recipients, [(_("Nơi nhận:"), {"size": 12, "bold": True, "italic": True, "align": left})]
                + [(line, {"size": 11, "align": left}) for line in report.recipient_lines(data, texts)])  # fmt: skip
    title, name = report.signer_lines(texts)
    _cell_lines(signer, [(title, {"size": 13, "bold": True})] + [("", {})] * 4 + [(name, {"size": 13, "bold": True})])


def implementation_docx(data: ImplementationData, texts: Texts, *, today: datetime.date) -> bytes:
    document = Document()
    _setup(document)
    document.core_properties.title = " ".join(report.title_lines(data)[:2])
    document.core_properties.author = texts.signer_name or data.unit.name
    document.core_properties.language = "vi-VN"
    _heading(document, data, texts, today)
    _title(document, data)
    for kind, value in report.report_blocks(data, texts):
        if kind == "section":
            _line(document, value, bold=True, align=JUSTIFY, indent=True)
        elif kind == "paragraph":
            _line(document, value, align=JUSTIFY, indent=True)
        else:
            _table(document, value)
    _closing(document, data, texts)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
