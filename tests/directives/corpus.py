"""The 22 documents copied from legal-database websites and their annotated fields.

tests/fixtures/corpus/ holds each text as copied (SOURCES.md says from where) and
expected.json the fields that can be read from it with certainty; a field absent
from an entry is not checked. An issuer may list several acceptable readings.
"""

import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
EXPECTED: dict[str, dict] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
CORPUS_NAMES = sorted(name for name in EXPECTED if not name.startswith("_"))


def corpus_text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def _actual(result: dict, field: str):
    references = result["references"]
    if field == "code":
        return f"{result['number']}/{result['symbol']}" if result["symbol"] else None
    if field == "references":
        return sorted({ref["code"] for ref in references if ref["code"]})
    if field == "references_by_title":
        return sorted({ref["title"] for ref in references if ref["code"] is None})
    if field == "reference_suggestions":
        return {ref["code"]: ref["suggestion"] for ref in references if ref["suggestion"]}
    if field.endswith("_count"):
        return len(result[field.removesuffix("_count")])
    return result[field]


def _wanted(expected: dict, field: str):
    value = expected[field]
    if field in ("references", "references_by_title"):
        return sorted(set(value))
    return value


def field_outcomes(name: str, result: dict) -> dict[str, tuple[bool, object, object]]:
    """field -> (matches, what the importer read, what the annotation says)."""
    outcomes = {}
    for field in EXPECTED[name]:
        got, want = _actual(result, field), _wanted(EXPECTED[name], field)
        matches = got in want if field == "issuer" and isinstance(want, list) else got == want
        outcomes[field] = (matches, got, want)
    return outcomes
