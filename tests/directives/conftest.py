from pathlib import Path

import pytest

from directives import services

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
TAX_LETTER = SEEDS / "3821-TCT-KTNB_tong-cuc-thue_2024.txt"
HA_TINH = SEEDS / "STTTT-TTBCXB_ha-tinh_2023.txt"


def import_seed(path: Path, *, owner_unit, by, publish: bool = True):
    draft, _ = services.draft_from_file(data=path.read_bytes(), filename=path.name, max_bytes=10**7)
    directive = services.directive_create(draft=draft, owner_unit=owner_unit, by=by)
    if publish:
        services.version_publish(version=directive.versions.get(), by=by)
    return directive


@pytest.fixture
def tax_letter(cast, org):
    """The tax letter, published by the agency."""
    return import_seed(TAX_LETTER, owner_unit=org.agency, by=cast.administrator)
