import unicodedata

from django.core.exceptions import ValidationError


def clean_text(value: str) -> str:
    """Word pastes decomposed Vietnamese (NFD): store and match the composed form."""
    return unicodedata.normalize("NFC", value or "").replace("\x00", "").strip()


def required(value: str, message: str) -> str:
    value = clean_text(value)
    if not value:
        raise ValidationError(message)
    return value
