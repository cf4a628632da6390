"""Seed letters rebuilt as Word writes them: automatic numbering and bullets.

A person typing a directive in Word does not type "1." or "-": they press the
numbering or bullet button, and the paragraph only names a list (numId) and a
level (ilvl) defined in numbering.xml. write_word_letter() turns each typed
list line of a seed into such a paragraph, with numbering.xml written as Word
writes it (abstract lists, levels with format, start and level text).
The extras add what real files carry around the text: a tracked change, a
"DỰ THẢO" text box, a footnote, hidden text, a page header and footer, soft
line breaks and non-breaking spaces. write_decree30_docx() lays a seed out as
Nghị định 30/2020 has it: header and signature in borderless two-column
tables, Times New Roman.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NUMBERED_RE = re.compile(r"^(\d{1,2})\.\s+(.*)$")
_LETTERED_RE = re.compile(r"^([a-zđ])\)\s+(.*)$")
_DASH_RE = re.compile(r"^[-–]\s+(.*)$")
_PLUS_RE = re.compile(r"^\+\s+(.*)$")

# Word's own "1." / "a)" list, and two bullet lists: the dash style many agencies
# use, and Word's default (a Symbol-font dot, "o" below it).
NUMBERING_XML = f"""<w:numbering xmlns:w="{W}">
  <w:abstractNum w:abstractNumId="10">
    <w:multiLevelType w:val="hybridMultilevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="{{start}}"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>
      <w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="567"/></w:pPr></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/>
      <w:lvlJc w:val="left"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="20">
    <w:multiLevelType w:val="hybridMultilevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/>
      <w:lvlJc w:val="left"/><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/></w:rPr></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="+"/>
      <w:lvlJc w:val="left"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="30">
    <w:multiLevelType w:val="hybridMultilevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/>
      <w:lvlJc w:val="left"/><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/>
      <w:lvlJc w:val="left"/><w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/></w:rPr></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="20"/></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="30"/></w:num>
</w:numbering>"""
NUMBERED, DASHES, SYMBOL_BULLETS = "1", "2", "3"

TEXT_BOX = (
    f'<w:r xmlns:w="{W}" xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape style="width:80pt;height:24pt">'
    "<v:textbox><w:txbxContent><w:p><w:r><w:t>DỰ THẢO</w:t></w:r></w:p></w:txbxContent></v:textbox>"
    "</v:shape></w:pict></w:r>"
)
FOOTNOTE_REFERENCE = f'<w:r xmlns:w="{W}"><w:footnoteReference w:id="1"/></w:r>'
HIDDEN_RUN = f'<w:r xmlns:w="{W}"><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve"> (ghi chú ẩn)</w:t></w:r>'


def _number(paragraph, num_id: str, level: int) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(parse_xml(f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def _list_line(line: str) -> tuple[str, int, str] | None:
    """(kind, level, text without its typed marker) for a typed list line."""
    for pattern, kind, level in (
        (_NUMBERED_RE, "numbered", 0),
        (_LETTERED_RE, "numbered", 1),
        (_DASH_RE, "bullet", 0),
        (_PLUS_RE, "bullet", 1),
    ):
        match = pattern.match(line)
        if match:
            return kind, level, match.groups()[-1]
    return None


def _tracked_change(paragraph) -> None:
    """The paragraph's last word becomes a tracked insertion replacing a deleted word."""
    run = paragraph.runs[-1]._r
    text = run.find(qn("w:t")).text
    head, _space, last = text.rpartition(" ")
    if not head:
        return
    run.find(qn("w:t")).text = head + " "
    run.find(qn("w:t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.addnext(
        parse_xml(
            f'<w:ins xmlns:w="{W}" w:id="901" w:author="Văn thư" w:date="2024-08-27T10:00:00Z">'
            f"<w:r><w:t>{last}</w:t></w:r></w:ins>"
        )
    )
    run.addnext(
        parse_xml(
            f'<w:del xmlns:w="{W}" w:id="902" w:author="Văn thư" w:date="2024-08-27T10:00:00Z">'
            "<w:r><w:delText>cũ </w:delText></w:r></w:del>"
        )
    )


def _soft_break(paragraph) -> None:
    """A Shift+Enter in the middle of a long line, as people wrap subjects by hand."""
    run = paragraph.runs[-1]._r
    t = run.find(qn("w:t"))
    words = t.text.split(" ")
    if len(words) < 6:
        return
    middle = len(words) // 2
    t.text = " ".join(words[:middle])
    second = copy.deepcopy(t)
    second.text = " ".join(words[middle:])
    t.addnext(parse_xml(f'<w:br xmlns:w="{W}"/>'))
    run.append(second)


def write_word_letter(path: Path, lines: list[str], *, bullets: str = DASHES, extras: bool = False) -> Path:
    """The seed's lines as a Word file with automatic numbering and bullet lists."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    first_number = next((int(m.group(1)) for line in lines if (m := _NUMBERED_RE.match(line))), 1)
    for child in parse_xml(NUMBERING_XML.replace("{start}", str(first_number))):
        numbering.append(child)
    subject_done = changed = False
    for line in lines:
        listed = _list_line(line)
        if listed:
            kind, level, text = listed
            paragraph = document.add_paragraph(text)
            _number(paragraph, NUMBERED if kind == "numbered" else bullets, level)
        else:
            if extras:
                line = line.replace("Số: ", "Số:\u00a0")
            paragraph = document.add_paragraph(line)
        if not extras or not line:
            continue
        if not subject_done and line.startswith("V/v"):
            _soft_break(paragraph)
            subject_done = True
        elif listed and listed[0] == "numbered" and not changed:
            _tracked_change(paragraph)
            paragraph._p.append(parse_xml(FOOTNOTE_REFERENCE))
            paragraph._p.append(parse_xml(HIDDEN_RUN))
            changed = True
    if extras:
        document.paragraphs[0]._p.append(parse_xml(TEXT_BOX))
        section = document.sections[0]
        section.header.paragraphs[0].text = "DỰ THẢO - Trang 1"
        section.footer.paragraphs[0].text = "1"
    document.save(path)
    return path


def _font(run, size: float, *, bold: bool = False, italic: bool = False) -> None:
    run.font.name = "Times New Roman"
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Times New Roman")


def _borderless(table) -> None:
    borders = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    table._tbl.tblPr.append(parse_xml(f'<w:tblBorders xmlns:w="{W}">{borders}</w:tblBorders>'))


def _cell(cell, paragraphs: list[str], *, size: float, bold: bool = False, centre: bool = True) -> None:
    """A cell's paragraphs; a rule line becomes the short line drawn under a header name."""
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    for text in paragraphs:
        paragraph = cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.LEFT
        if text.startswith("---"):  # Word draws it as a bottom border, not as text
            paragraph._p.get_or_add_pPr().append(
                parse_xml(f'<w:pBdr xmlns:w="{W}"><w:bottom w:val="single" w:sz="6" w:space="1"/></w:pBdr>')
            )
            continue
        _font(paragraph.add_run(text), size, bold=bold or text.isupper(), italic=", ngày" in text)
    if not cell.paragraphs:
        cell.add_paragraph()


def write_decree30_docx(path: Path, text: str, *, numbering: bool = False) -> Path:
    """The seed laid out by Nghị định 30/2020: a borderless two-column header table
    (agency | national name and motto; number and "V/v" subject | place and date),
    the body in Times New Roman 14, and the signature table ("Nơi nhận" and its
    list in 12 | the title and the name). With numbering, the body's "1."/"-"/"+"
    lines are Word list paragraphs as in write_word_letter()."""
    from tests.directives.legal_db import letter_parts

    letter = letter_parts(text)
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Times New Roman")
    if numbering:
        element = document.part.numbering_part.element
        for child in list(element):
            element.remove(child)
        first = next((int(m.group(1)) for line in letter.body if (m := _NUMBERED_RE.match(line))), 1)
        for child in parse_xml(NUMBERING_XML.replace("{start}", str(first))):
            element.append(child)
    header = document.add_table(rows=0, cols=2)
    _borderless(header)
    for left, right in letter.header_rows():
        row = header.add_row().cells
        _cell(row[0], left, size=13)
        _cell(row[1], right, size=13)
    for line in letter.body:
        listed = _list_line(line) if numbering else None
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(28)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _font(paragraph.add_run(listed[2] if listed else line), 14)
        if listed:
            _number(paragraph, NUMBERED if listed[0] == "numbered" else DASHES, listed[1])
    signature = document.add_table(rows=1, cols=2)
    _borderless(signature)
    distribution, signer = signature.rows[0].cells
    _cell(distribution, letter.distribution, size=12, centre=False)
    _cell(signer, letter.signature, size=14, bold=True)
    document.save(path)
    return path
