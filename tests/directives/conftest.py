import shutil
import subprocess

import pytest


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Uploads waiting for their import job go to a folder of the test's own."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def require_program(program: str, package: str, *, language: str | None = None) -> str:
    """The program's path; skip the test when it is missing, fail under CI=true."""
    from tests.conftest import IN_CI

    path = shutil.which(program)
    missing = path is None
    if not missing and language:
        listed = subprocess.run([path, "--list-langs"], capture_output=True, text=True, check=False).stdout
        missing = language not in listed.split()
    if missing:
        message = f"needs {program}{f' with {language!r}' if language else ''} (Debian package {package})"
        if IN_CI:
            pytest.fail(f"CI=true but this test {message}")
        pytest.skip(message)
    return path


@pytest.fixture
def soffice() -> str:
    return require_program("soffice", "libreoffice-writer-nogui")


@pytest.fixture
def tesseract() -> str:
    return require_program("tesseract", "tesseract-ocr tesseract-ocr-vie", language="vie")
