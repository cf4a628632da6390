from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    """The platforms the letters name (Hà Tĩnh letter: Facebook, Zalo, TikTok,
    YouTube, Twitter, Instagram…): one list for the cases and the social app, which
    sit side by side and import nothing of each other."""

    FACEBOOK = "facebook", "Facebook"
    ZALO = "zalo", "Zalo"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    X = "x", "X/Twitter"
    INSTAGRAM = "instagram", "Instagram"
    OTHER = "other", _("Khác")
