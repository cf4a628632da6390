"""Where to report a hijacked or fake account, per platform: the platforms' own
help pages (checked 2026; they move, so they are data here, one place to fix), and
the national channels the letters name."""

from django.utils.translation import gettext_lazy as _

# platform: (hacked account form, impersonation form). Zalo has no web form we could
# confirm: the checklist then says to use the report function in the app.
PLATFORM_FORMS = {
    "facebook": ("https://www.facebook.com/hacked", "https://www.facebook.com/help/contact/295309487309948"),
    "tiktok": ("https://www.tiktok.com/legal/report/feedback", "https://www.tiktok.com/legal/report/impersonation"),
    "youtube": (
        "https://support.google.com/accounts/answer/6294825",
        "https://support.google.com/youtube/answer/2801947",
    ),
    "x": ("https://help.x.com/forms/hacked", "https://help.x.com/forms/impersonation"),
    "instagram": ("https://www.instagram.com/hacked/", "https://help.instagram.com/contact/636276399721841"),
}
# The Vietnam Anti-Fake News Centre's reporting site, for fake content spread from the account.
FAKE_NEWS_SITE = "https://tingia.gov.vn"
POLICE_NOTE = _(
    "Phòng An ninh mạng và phòng chống tội phạm sử dụng công nghệ cao (PA05), Công an tỉnh, hoặc cơ quan công an "
    "địa phương (Công văn của Sở Thông tin và Truyền thông Hà Tĩnh)."
)


def form_for(platform: str, impersonation: bool) -> str:
    forms = PLATFORM_FORMS.get(platform)
    if forms is None:
        return ""
    return forms[1] if impersonation else forms[0]
