import pytest


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Uploads waiting for their import job go to a folder of the test's own."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
