"""The implementation report as a PDF in the Decree 30/2020/NĐ-CP layout, ready to
sign: the same words as the .docx (reports.implementation.report_blocks), laid out
like the compliance summary (reports.pdf.document), a tagged PDF."""

import datetime

from reports import implementation as report
from reports.implementation import ImplementationData, Texts
from reports.pdf import document


def implementation_pdf(data: ImplementationData, texts: Texts, *, today: datetime.date) -> bytes:
    lines = report.title_lines(data)
    return document(
        title=" ".join(lines[:2]),
        unit=data.unit,
        parent=data.parent,
        number=report.number_line(data.unit),
        place_date=report.place_date_line(texts, today),
        title_lines=[(text, not text.startswith("(")) for text in lines],
        blocks=report.report_blocks(data, texts),
        recipients=report.recipient_lines(data, texts),
        signer_title=report.signer_lines(texts)[0],
        signer_name=report.signer_lines(texts)[1],
    )
