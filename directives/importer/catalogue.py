"""The shipped catalogue of national documents that letters commonly cite."""

from __future__ import annotations

import copy
import json
import unicodedata
from functools import lru_cache
from pathlib import Path

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "national-documents.json"


def normalise_code(code: str) -> str:
    """Canonical form of a document code: NFC, no whitespace."""
    return "".join(unicodedata.normalize("NFC", code).split())


@lru_cache(maxsize=1)
def _load(path: str) -> dict[str, dict]:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    entries = data.get("documents", []) if isinstance(data, dict) else data
    catalogue: dict[str, dict] = {}
    for entry in entries:
        if isinstance(entry, dict) and entry.get("code"):
            code = normalise_code(entry["code"])
            catalogue[code] = {**entry, "code": code}
    return catalogue


def load_catalogue() -> dict[str, dict]:
    """Return code -> entry for every national document in the catalogue.

    The file is read once per process; callers get a copy so that merging in
    stored directives never alters the cached catalogue.
    """
    return copy.deepcopy(_load(str(CATALOGUE_PATH)))
