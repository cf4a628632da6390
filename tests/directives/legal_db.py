"""Seed letters as text copied from legal-database websites.

A letter laid out by Nghị định 30/2020 has two borderless two-column tables:
the header (agency | national name and motto, then number and "V/v" subject |
place and date) and the signature ("Nơi nhận" and its list | the signing
title and name). letter_parts() takes a seed apart into those cells; the two
functions below render them the ways the sites' pages copy
(tests/fixtures/corpus/ holds the real thing):

- split_cells(): every paragraph of a cell on its own line and a stray "|"
  line closing each cell; the narrow right column wraps the national name
  ("CỘNG HÒA XÃ HỘI" / "CHỦ NGHĨA VIỆT NAM") and the date after its day
  (d08, d22).
- flattened_rows(): each table row on one line, " | " between the cells and
  " |" at the end, a cell's paragraphs joined by spaces with their rules
  ("ỦY BAN NHÂN DÂN HUYỆN HẠ LANG ------- | CỘNG HÒA XÃ HỘI", the national
  name wrapped, "Nơi nhận: - Như kính gửi; - ... | CHỦ TỊCH Đoàn Quốc Chính |")
  (d11, d12, d13).
- paragraph_rows(): the sites that give each paragraph of the cells its own
  row: "ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |", then the
  agency's second line beside the motto, "Nơi nhận: | CHỦ TỊCH |", and a lone
  "|" for a row of empty cells (d02, d03, d10, d12).

Pages carry no markdown: the seeds' emphasis marks and carets are dropped,
as the copy of the rendered page holds the plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_EMPHASIS_RE = re.compile(r"\*+")
_CARET_RE = re.compile(r"\^")
_RULE_RE = re.compile(r"^[-_]{3,}$")
_MOTTO_RE = re.compile(r"^(?:CỘNG HÒA|Độc lập)")
_NUMBER_RE = re.compile(r"^Số\s*:")
_DATE_RE = re.compile(r"\bngày\b.*\bnăm\s+\d{4}")
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_NAME_WRAPPED = ["CỘNG HÒA XÃ HỘI", "CHỦ NGHĨA VIỆT NAM"]
AGENCY_RULE, MOTTO_RULE = "-------", "---------------"


@dataclass
class Letter:
    """A seed's parts, each cell a list of paragraphs."""

    agency: list[str] = field(default_factory=list)
    motto: list[str] = field(default_factory=list)
    number: list[str] = field(default_factory=list)  # "Số: ..." and the "V/v" subject under it
    date: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)  # from "Kính gửi" to the closing paragraph
    distribution: list[str] = field(default_factory=list)  # "Nơi nhận:" and its items
    signature: list[str] = field(default_factory=list)  # titles, the signing space, the name

    def header_rows(self) -> list[list[list[str]]]:
        rows = []
        if self.agency or self.motto:
            rows.append([self.agency + [AGENCY_RULE], self.motto + [MOTTO_RULE] if self.motto else []])
        rows.append([self.number, self.date])
        return rows

    def signature_rows(self) -> list[list[list[str]]]:
        return [[self.distribution, self.signature]]


def _plain(line: str) -> str:
    return _CARET_RE.sub("", _EMPHASIS_RE.sub("", line)).strip()


def letter_parts(text: str) -> Letter:
    """The seed's header, body and signature cells, in reading order."""
    lines = [_plain(line) for line in text.split("\n")]
    letter = Letter()
    start = next(i for i, line in enumerate(lines) if line.startswith("Kính gửi"))
    front = lines[:start]
    index = 0
    while index < len(front):
        line = front[index]
        index += 1
        if not line or _RULE_RE.match(line):
            continue
        if _MOTTO_RE.match(line):
            letter.motto.append(line)
        elif _NUMBER_RE.match(line):
            letter.number.insert(0, line)
        elif line.startswith("V/v"):
            letter.number.append(line)
            while index < len(front) and front[index] and not _DATE_RE.search(front[index]):
                letter.number.append(front[index])
                index += 1
        elif _DATE_RE.search(line):
            letter.date.append(line)
        else:
            letter.agency.append(line)
    end = max(i for i, line in enumerate(lines) if line.startswith("Nơi nhận"))
    letter.body = lines[start:end]
    tail = [line for line in lines[end:] if line]
    last_item = max(i for i, line in enumerate(tail) if line.startswith("-"))
    block = tail[last_item + 1 :]
    # Initials of the typist ("PML") stay under the list; the first capitals line is a title.
    first_title = next(i for i, line in enumerate(block) if line.isupper() and len(line) > 4)
    letter.distribution = tail[: last_item + 1] + block[:first_title]
    # Word's signature cell: the titles, blank paragraphs for the signature, the name.
    letter.signature = block[first_title:-1] + ["", ""] + block[-1:]
    return letter


def _wrap_national_name(cell: list[str]) -> list[str]:
    """The narrow right column breaks the national name in two (d08, d12, d13, d22)."""
    return [part for line in cell for part in (NATIONAL_NAME_WRAPPED if line == NATIONAL_NAME else [line])]


def _wrap_date(cell: list[str]) -> list[str]:
    """The narrow date column breaks the line before "tháng" (d22: "ngày 26" / "tháng 4 năm 2023")."""
    wrapped = []
    for line in cell:
        head, sep, rest = line.partition(" tháng")
        wrapped.extend([head, "tháng" + rest] if sep and _DATE_RE.search(line) else [line])
    return wrapped


def split_cells(text: str) -> str:
    """The seed as copied from a page that puts each cell's paragraphs on their own lines."""
    letter = letter_parts(text)
    out: list[str] = []

    def table(rows: list[list[list[str]]]) -> None:
        for row in rows:
            for left, cell in enumerate(row):
                if left == 1:
                    cell = _wrap_date(_wrap_national_name(cell))
                out.extend(cell)
                out.append("|")

    table(letter.header_rows())
    out.extend(letter.body)
    table(letter.signature_rows())
    return "\n".join(out) + "\n"


def flattened_rows(text: str) -> str:
    """The seed as copied from a page that writes each table row on one line, "A | B |":
    a cell's paragraphs joined by spaces, rules kept (d11), and the national name
    wrapped by the narrow column (d12, d13)."""
    letter = letter_parts(text)
    out: list[str] = []

    def table(rows: list[list[list[str]]]) -> None:
        for row in rows:
            cells = [" ".join(part for part in cell if part) for cell in row]
            line = " ".join(f"{cell} |" if cell else "|" for cell in cells)
            head, wrapped, rest = line.partition(NATIONAL_NAME_WRAPPED[0] + " ")
            out.extend([head + NATIONAL_NAME_WRAPPED[0], rest] if wrapped else [line])

    table(letter.header_rows())
    out.extend(letter.body)
    table(letter.signature_rows())
    return "\n".join(out) + "\n"


def paragraph_rows(text: str) -> str:
    """The seed as copied from a page that lays each table out one row per paragraph,
    "ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |" then "HUYỆN HẠ LANG |
    Độc lập - Tự do - Hạnh phúc |", and "Nơi nhận: | CHỦ TỊCH |" (d02, d03, d10, d12)."""
    letter = letter_parts(text)
    out: list[str] = []

    def table(rows: list[list[list[str]]]) -> None:
        for row in rows:
            for position in range(max(len(cell) for cell in row)):
                cells = [cell[position] if position < len(cell) else "" for cell in row]
                out.append(" ".join(f"{cell} |" if cell else "|" for cell in cells) if any(cells) else "|")

    table(letter.header_rows())
    out.extend(letter.body)
    table(letter.signature_rows())
    return "\n".join(out) + "\n"


LAYOUTS = {"split-cells": split_cells, "flattened-rows": flattened_rows, "paragraph-rows": paragraph_rows}
