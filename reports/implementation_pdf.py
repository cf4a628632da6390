"""The implementation report as a PDF in the Decree 30/2020/NĐ-CP layout, ready to
sign: the same words as the .docx (reports.implementation.report_blocks), laid out
with the page, fonts and tables of the compliance summary (reports/pdf.py; DejaVu,
so every Vietnamese glyph prints)."""

import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from reports import implementation as report
from reports import pdf as layout
from reports.implementation import ImplementationData, Table, Texts

FONT = layout.FONT


def _heading(pdf, data: ImplementationData, texts: Texts, today: datetime.date) -> None:
    top, left, width = pdf.get_y(), pdf.l_margin, layout.AGENCY_WIDTH
    right_width = pdf.epw - width
    lines = ([(data.parent.name.upper(), "")] if data.parent else []) + [(data.unit.name.upper(), "B")]
    for text, style in lines:
        layout._fit_font(pdf, text, style, width)
        pdf.multi_cell(width, 5, text, align="C", new_x="LEFT", new_y="NEXT")
    layout._rule(pdf, left, width, min(pdf.get_string_width(lines[-1][0]), width) / 2)
    agency_bottom = pdf.get_y()

    pdf.set_xy(left + width, top)
    nation = _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    layout._fit_font(pdf, nation, "B", right_width)
    pdf.cell(right_width, 5, nation, align="C", new_x="LEFT", new_y="NEXT")
    motto = _("Độc lập - Tự do - Hạnh phúc")
    pdf.set_font(FONT, "B", 11)
    pdf.cell(right_width, 5, motto, align="C", new_x="LEFT", new_y="NEXT")
    layout._rule(pdf, left + width, right_width, pdf.get_string_width(motto))

    pdf.set_y(max(agency_bottom, pdf.get_y()) + 4)
    pdf.set_font(FONT, "", 11)
    pdf.cell(width, 6, report.number_line(data.unit), align="C")
    pdf.cell(right_width, 6, report.place_date_line(texts, today), align="C", new_x="LMARGIN", new_y="NEXT")


def _title(pdf, data: ImplementationData) -> None:
    first, *rest = report.title_lines(data)
    pdf.ln(8)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 7, first, align="C", new_x="LMARGIN", new_y="NEXT")
    for text in rest:
        pdf.set_font(FONT, "" if text.startswith("(") else "B", 12 if not text.startswith("(") else 11)
        pdf.multi_cell(0, 6, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _table(pdf, table: Table) -> None:
    aligns = tuple(
        "CENTER" if column == 0 else "RIGHT" if column in table.numeric else "LEFT"
        for column in range(len(table.headings))
    )
    layout._table(pdf, table.headings, table.rows, table.widths, aligns, table.total)


def implementation_pdf(data: ImplementationData, texts: Texts, *, today: datetime.date) -> bytes:
    pdf = layout._Report(format="A4")
    pdf.add_font(FONT, "", str(settings.PDF_FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(settings.PDF_FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(layout.MARGIN_LEFT, layout.MARGIN_TOP, layout.MARGIN_RIGHT)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_lang("vi")
    pdf.set_title(" ".join(report.title_lines(data)[:2]))
    pdf.add_page()
    _heading(pdf, data, texts, today)
    _title(pdf, data)
    for kind, value in report.report_blocks(data, texts):
        if kind == "section":
            layout._section(pdf, value)
        elif kind == "paragraph":
            layout._paragraph(pdf, value)
        else:
            _table(pdf, value)
    layout._closing(pdf, report.recipient_lines(data, texts), *report.signer_lines(texts))
    return bytes(pdf.output())
