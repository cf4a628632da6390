"""The five source letters and their hand-checked fields (expected.json)."""

import json
from pathlib import Path

from directives import services

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
EXPECTED: dict[str, dict] = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
SEED_NAMES = sorted(name for name in EXPECTED if not name.startswith("_"))
TAX_LETTER = SEEDS / "3821-TCT-KTNB_tong-cuc-thue_2024.txt"
HA_TINH = SEEDS / "STTTT-TTBCXB_ha-tinh_2023.txt"
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


def import_seed(path: Path, *, owner_unit, by, publish: bool = True):
    draft, _ = services.draft_from_file(data=path.read_bytes(), filename=path.name, max_bytes=10**7)
    directive = services.directive_create(draft=draft, owner_unit=owner_unit, by=by)
    if publish:
        services.version_publish(version=directive.versions.get(), by=by)
    return directive
