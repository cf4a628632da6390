"""python manage.py import_directive PATH [--dry-run] [--json]."""

import json

import pytest
from django.core.management import CommandError, call_command

from directives.models import Directive
from tests.directives.seeds import TAX_LETTER

KEYS = {
    "doc_type", "number", "symbol", "issuer", "place", "issued_on", "subject", "recipients",
    "obligations", "references", "distribution", "signer_title", "signer_name", "warnings",
}  # fmt: skip


def test_a_dry_run_prints_one_json_object_and_saves_nothing(db, capsys):
    call_command("import_directive", str(TAX_LETTER), "--dry-run", "--json")

    result = json.loads(capsys.readouterr().out)
    assert set(result) == KEYS
    assert (result["number"], result["symbol"], result["issued_on"]) == ("3821", "TCT-KTNB", "2024-08-28")
    assert result["references"][0]["suggestion"] == "874/QĐ-BTTTT"
    assert set(result["references"][0]) == {"code", "kind", "date", "title", "text", "resolved_to", "suggestion"}
    assert not Directive.objects.exists()


def test_without_dry_run_it_saves_a_draft_in_the_named_unit(org, capsys):
    call_command("import_directive", str(TAX_LETTER), "--json", "--unit", "STTTT")

    directive = Directive.objects.get()
    assert json.loads(capsys.readouterr().out)["id"] == directive.pk
    assert (directive.owner_unit, directive.status, directive.code) == (org.agency, "draft", "3821/TCT-KTNB")


def test_a_bad_file_stops_with_the_reason(db, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4 not a real pdf")

    with pytest.raises(CommandError, match="PDF"):
        call_command("import_directive", str(path), "--dry-run", "--json")
