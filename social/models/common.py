from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    """The platforms the letters name (Hà Tĩnh letter: Facebook, Zalo, TikTok,
    YouTube, Twitter, Instagram…). The violations app has the same list; apps side
    by side do not import each other, so it is repeated here."""

    FACEBOOK = "facebook", "Facebook"
    ZALO = "zalo", "Zalo"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    X = "x", "X/Twitter"
    INSTAGRAM = "instagram", "Instagram"
    OTHER = "other", _("Khác")
