"""The five source letters and their hand-checked fields (expected.json)."""

import json
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
EXPECTED: dict[str, dict] = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
SEED_NAMES = sorted(name for name in EXPECTED if not name.startswith("_"))
FONT = Path(__file__).resolve().parents[2] / "assets" / "fonts" / "DejaVuSans.ttf"


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def summary(result: dict) -> dict:
    """A parse result in the shape of expected.json."""
    references = result["references"]
    return {
        "doc_type": result["doc_type"],
        "number": result["number"],
        "symbol": result["symbol"],
        "issuer": result["issuer"],
        "place": result["place"],
        "issued_on": result["issued_on"],
        "subject": result["subject"],
        "recipients": result["recipients"],
        "obligations_count": len(result["obligations"]),
        "references": {ref["code"] for ref in references if ref["code"]},
        "references_by_title": [ref["text"] for ref in references if ref["code"] is None],
        "reference_suggestions": {ref["code"]: ref["suggestion"] for ref in references if ref["suggestion"]},
        "distribution_count": len(result["distribution"]),
        "signer_title": result["signer_title"],
        "signer_name": result["signer_name"],
    }


def expected_summary(name: str) -> dict:
    """expected.json's entry, with the lists it leaves out when they are empty."""
    expected = {"references_by_title": [], "reference_suggestions": {}, **EXPECTED[name]}
    expected["references"] = set(expected["references"])
    return expected
