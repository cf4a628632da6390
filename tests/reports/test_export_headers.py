"""Export downloads carry personal data: no browser or proxy may keep a copy."""

import pytest
from django.urls import reverse

FORMATS = [
    ("assignments", "csv"),
    ("cases", "csv"),
    ("summary", "csv"),
    ("summary", "xlsx"),
    ("summary", "pdf"),
    ("summary", "json"),
]


@pytest.mark.parametrize(("kind", "fmt"), FORMATS)
def test_every_export_download_is_marked_no_store(client, cast, campaign, kind, fmt):
    client.force_login(cast.inspector)

    response = client.get(reverse("reports:export", args=[kind, fmt]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
