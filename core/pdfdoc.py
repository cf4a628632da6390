"""What every PDF the portal makes tells a screen reader and a PDF/UA checker before
its first line: its title (shown in the window instead of the file name), its
language, who made it.

fpdf2 (2.8) writes no structure tree for text, only for images and outline entries,
so fully tagged PDF/UA is out of reach without another library; the title, the
language and the bookmarks are what it can give, and every PDF here has them."""

from django.conf import settings
from django.utils import translation
from fpdf import FPDF
from fpdf.prefs import ViewerPreferences


def describe(pdf: FPDF, *, title: str, subject: str = "") -> None:
    pdf.set_title(title)
    pdf.set_subject(subject or title)
    pdf.set_lang(translation.get_language() or settings.LANGUAGE_CODE)
    pdf.set_author(settings.PORTAL_NAME)
    pdf.set_creator(settings.PORTAL_NAME)
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
