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


class AppendOnly(models.Model):
    """A history row: written once, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are append-only")
