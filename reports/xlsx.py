"""A streaming XLSX writer that writes the SpreadsheetML itself: each sheet's XML goes
straight into its deflate stream in the zip, row after row, so memory stays flat and
no temporary sheet files are written (XlsxWriter's constant_memory mode keeps every
sheet in a temporary file and copies it at close). The sheets are deflated by ISA-L
(python-isal), which writes the same deflate format as zlib at level 1 about ten
times as fast with files of the same size (bench/bench_scale.py measured it). Rows arrive either as Python
values (`Sheet.write`) or as ready `<row>` lines of XML that PostgreSQL produced
(`Sheet.write_xml`, see reports/copy.py). bench/bench_scale.py measured it against
XlsxWriter and a Rust-backed writer.

Styles: 0 plain, 1 header (bold, grey, wrapped), 2 date, 3 date and time. Each sheet
has its first row frozen and an autofilter over its table."""

import datetime
import io
import zipfile
from xml.sax.saxutils import quoteattr

from isal import isal_zlib

EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
HEADER, DATE, DATETIME = 1, 2, 3
# Characters XML 1.0 cannot hold are dropped; the three markup ones are escaped.
_ESCAPES = {n: None for n in (*range(0, 9), 11, 12, *range(14, 32))} | {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
}
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

STYLES = f"""{DECLARATION}<styleSheet {NS}>
<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFE7E6E6"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""  # noqa: E501


def escape(text: str) -> str:
    return text.translate(_ESCAPES)


def cell(value, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f"<c{s}/>"
    if isinstance(value, datetime.datetime):
        return f'<c s="{DATETIME}"><v>{(value - EXCEL_EPOCH).total_seconds() / 86400:.8f}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c s="{DATE}"><v>{(value - EXCEL_EPOCH.date()).days}</v></c>'
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float):
        return f"<c{s}><v>{value}</v></c>"
    return f'<c{s} t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Sheet:
    """One worksheet open for writing; rows go out as they come."""

    def __init__(self, book: "Workbook", name: str, widths: list[int]):
        self.book, self.name, self.rows = book, name, 0
        self.filter: tuple[int, int, int] | None = None  # first row, last row, columns
        self.index = len(book.sheets) + 1
        entry = book.zip.open(f"xl/worksheets/sheet{self.index}.xml", "w")
        # zipfile has no hook for another deflater; its write handle calls this object's
        # compress() and flush() (were it renamed, zlib would deflate as before).
        entry._compressor = isal_zlib.compressobj(book.compresslevel, isal_zlib.DEFLATED, -15)
        # Rows written one by one reach the deflater 64 KB at a time (ISA-L is slow on small pieces).
        self._stream = io.BufferedWriter(entry, buffer_size=1 << 16)
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w + 0.7109375}" customWidth="1"/>' for i, w in enumerate(widths, 1)
        )
        self._stream.write(
            (
                f'{DECLARATION}<worksheet {NS} {NS_R}><sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
            ).encode()
        )

    def write(self, values, style: int = 0) -> None:
        self._stream.write(("<row>" + "".join(cell(v, style) for v in values) + "</row>\n").encode())
        self.rows += 1

    def write_xml(self, data: bytes, rows: int) -> None:
        """`rows` complete `<row>` elements, as PostgreSQL wrote them."""
        self._stream.write(data)
        self.rows += rows

    def table(self, headers: list[str], rows) -> None:
        """A header row, the rows, and the autofilter over them."""
        first = self.rows + 1
        self.write(headers, HEADER)
        for values in rows:
            self.write(values)
        self.set_filter(first, len(headers))

    def set_filter(self, first: int, columns: int) -> None:
        if self.filter is None:
            self.filter = (first, max(first, self.rows), columns)

    def close(self) -> None:
        tail = "</sheetData>"
        if self.filter:
            tail += f'<autoFilter ref="{self.filter_ref()}"/>'
        self._stream.write((tail + "</worksheet>").encode())
        self._stream.close()

    def filter_ref(self, absolute: bool = False) -> str:
        first, last, columns = self.filter
        d = "$" if absolute else ""
        return f"{d}A{d}{first}:{d}{column_letters(columns)}{d}{last}"


class Workbook:
    """Sheets are written one after another (a zip holds one open entry at a time);
    `close()` writes the parts that list them."""

    def __init__(self, out, compresslevel: int = 1):
        # Level 1 (of ISA-L's 0-3): the sheet XML still deflates about 25-fold; level 0
        # makes files a third larger in the same time, level 3 is five times slower.
        self.compresslevel = compresslevel
        self.zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self.sheets: list[Sheet] = []
        self._open: Sheet | None = None

    def sheet(self, name: str, widths: list[int]) -> Sheet:
        if self._open:
            self._open.close()
        self._open = Sheet(self, name[:31], widths)
        self.sheets.append(self._open)
        return self._open

    def close(self) -> None:
        if self._open:
            self._open.close()
            self._open = None
        sheets = "".join(
            f'<sheet name={quoteattr(s.name)} sheetId="{s.index}" r:id="rId{s.index}"/>' for s in self.sheets
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{s.index - 1}" hidden="1">'
            f"{escape(chr(39) + s.name.replace(chr(39), chr(39) * 2) + chr(39))}!{s.filter_ref(absolute=True)}"
            "</definedName>"
            for s in self.sheets
            if s.filter
        )
        defined = f"<definedNames>{names}</definedNames>" if names else ""
        self.zip.writestr(
            "xl/workbook.xml",
            f'{DECLARATION}<workbook {NS} {NS_R}><bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets>{defined}</workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{s.index}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet{s.index}.xml"/>'
            for s in self.sheets
        )
        styles_id = len(self.sheets) + 1
        self.zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{rels}<Relationship Id="rId{styles_id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/></Relationships>',
        )
        self.zip.writestr("xl/styles.xml", STYLES)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{s.index}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for s in self.sheets
        )
        self.zip.writestr(
            "[Content_Types].xml",
            f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self.zip.writestr(
            "_rels/.rels",
            f'{DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        self.zip.close()
