"""Importer for Vietnamese official letters on social-media conduct.

read_document() turns an uploaded .txt/.docx/.pdf into text; parse() extracts
the letter's fields (number, issuer, date, subject, obligations, cited
documents, ...) for the user to check before saving.
"""

from .catalogue import load_catalogue
from .parser import FIELDS, parse
from .reading import DocumentError, read_document

__all__ = ["FIELDS", "DocumentError", "load_catalogue", "parse", "read_document"]
