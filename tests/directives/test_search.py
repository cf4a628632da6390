"""Search ignores Vietnamese accents, on SQLite and on PostgreSQL."""

import pytest
from django.db import connection

from directives import selectors
from directives.models import Directive
from tests.directives.seeds import HA_TINH, import_seed


@pytest.fixture
def two_letters(cast, org, tax_letter):
    return tax_letter, import_seed(HA_TINH, owner_unit=org.agency, by=cast.administrator)


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("mang xa hoi", {"3821/TCT-KTNB", ""}),
        ("chấn chỉnh", {"3821/TCT-KTNB"}),
        ("CHAN CHINH", {"3821/TCT-KTNB"}),
        ("Dau Tung Lam", {""}),
        ("mang xa", {"3821/TCT-KTNB", ""}),
        ("ang xa", set()),
        ("khong co tu nay", set()),
    ],
)
def test_words_without_accents_find_the_documents(two_letters, query, codes):
    found = selectors.search(Directive.objects.all(), query)

    assert {d.code for d in found} == codes


@pytest.mark.postgres
def test_postgresql_has_the_trigram_index_for_the_search(two_letters):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'directive_search_trgm'")
        (definition,) = cursor.fetchone()

    assert "gin_trgm_ops" in definition
