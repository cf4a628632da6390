"""Every page of every role, as the demo shows it, checked in one browser:

- axe-core with the WCAG 2.1 A and AA rules finds nothing;
- no id appears twice;
- at 360 px nothing scrolls sideways (the document is no wider than the window);
- each role's pages have titles of their own.

Screenshots at 1280 and 360 px go to tests/e2e/screenshots/ (git-ignored), one pair
per page, for a person to look through. The pages come from a literal list of URL
names below, filled in with the demo's objects (organization/demo.py and friends), so
a new page is added here by name.
"""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "Demo@2026"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
NARROW = {"width": 360, "height": 780}
WIDE = {"width": 1280, "height": 900}

ACCOUNTS = {
    "staff": "canbo@demo.gov.vn",
    "unit_head": "chicuctruong@demo.gov.vn",
    "inspector": "thanhtra@demo.gov.vn",
    "administrator": "quantri@demo.gov.vn",
    "superuser": "sieuquantri@demo.gov.vn",
    "anonymous": None,
}

# (URL name, the demo objects its arguments come from). Each role's list is what its
# navigation and its home page lead to.
PAGES = {
    "anonymous": [
        ("account_login", ()),
        ("account_reset_password", ()),
        ("violations:anonymous", ()),
        ("violations:anonymous_follow_up", ()),
    ],
    "staff": [
        ("home", ()),
        ("acknowledgements:mine", ()),
        ("acknowledgements:read", ("staff_assignment",)),
        ("directives:list", ()),
        ("directives:detail", ("directive",)),
        ("violations:list", ()),
        ("violations:new", ()),
        ("violations:detail", ("case",)),
        ("acknowledgements:read", ("quiz_assignment",)),
        ("social:home", ()),
        ("social:check", ()),
        ("social:requests", ()),
        ("social:request_new", ()),
        ("social:request", ("post_request",)),
        ("social:incidents", ()),
        ("social:incident_new", ()),
        ("social:incident", ("incident",)),
        ("privacy:my_data", ()),
        ("account_change_password", ()),
    ],
    "unit_head": [
        ("home", ()),
        ("acknowledgements:unit", ()),
        ("acknowledgements:report", ("directive", "branch")),
        ("acknowledgements:meetings", ()),
        ("acknowledgements:meeting_new", ()),
        ("acknowledgements:meeting", ("meeting",)),
        ("acknowledgements:meeting_record", ("meeting",)),
        ("acknowledgements:meeting_checkin", ("meeting",)),
        ("acknowledgements:on_behalf", ("pending_in_branch",)),
        ("violations:list", ()),
        ("violations:new", ()),
        ("violations:detail", ("case",)),
        ("social:requests", ()),
        ("social:request", ("post_request",)),
        ("social:delegates", ()),
        ("social:accounts", ()),
        ("social:account_new", ()),
        ("social:account", ("account",)),
        ("reports:dashboard", ()),
        ("core:outbox_run", ("nudge_run",)),
    ],
    "inspector": [
        ("home", ()),
        ("acknowledgements:unit", ()),
        ("violations:list", ()),
        ("violations:inspection_queue", ()),
        ("violations:monitoring_new", ()),
        ("violations:detail", ("case",)),
        ("violations:detail", ("anonymous_case",)),
        ("violations:denunciation_new", ()),
        ("social:oversight", ()),
        ("reports:dashboard", ()),
        ("privacy:holds", ()),
        ("audit_log", ()),
    ],
    "administrator": [
        ("home", ()),
        ("directives:list", ()),
        ("directives:import", ()),
        ("directives:import_job", ("import_job",)),
        ("directives:detail", ("directive",)),
        ("directives:detail", ("drafted",)),
        ("directives:edit", ("drafted",)),
        ("directives:version_new", ("directive",)),
        ("directives:question_new", ("drafted",)),
        ("acknowledgements:launch", ("directive",)),
        ("reports:dashboard", ()),
        ("reports:job", ("export_job",)),
        ("social:contacts", ()),
        ("social:contact_edit", ("root",)),
        ("audit_log", ()),
        ("admin:index", ()),
        ("admin:organization_person_changelist", ()),
        ("admin:organization_person_change", ("head",)),
        ("admin:organization_person_add", ()),
        ("admin:organization_person_import", ()),
        ("admin:organization_rolegrant_changelist", ()),
        ("admin:organization_rolegrant_change", ("head_grant",)),
        ("admin:organization_rolegrant_add", ()),
        ("admin:organization_unit_changelist", ()),
        ("admin:organization_unit_change", ("branch",)),
    ],
    "superuser": [
        ("home", ()),
        ("admin:index", ()),
        ("admin:organization_person_changelist", ()),
        ("admin:organization_person_change", ("head",)),
        ("admin:organization_rolegrant_changelist", ()),
        ("admin:organization_rolegrant_change", ("head_grant",)),
    ],
}

# Filters change the title too: these query strings are visited besides the bare pages.
FILTERED = {
    "staff": [("directives:detail", ("revised",), "?v=1")],
    "unit_head": [("violations:list", (), "?state=confirmed")],
    "inspector": [("reports:dashboard", (), "?unit=CCT-BD")],
    "administrator": [("directives:diff", ("revised",), "?from=1&to=2")],
}


@dataclass
class Finding:
    url: str
    what: str

    def __str__(self):
        return f"{self.url}: {self.what}"


@pytest.fixture
def demo(settings, tmp_path):
    """The demo as `manage.py seed_demo` builds it, plus what it leaves out: a
    superuser, a draft, a second version, a meeting, an incident, an export, an
    upload waiting to be read and a head's nudges."""
    from acknowledgements import meetings
    from acknowledgements import services as ack_services
    from acknowledgements.demo import seed_campaigns
    from acknowledgements.models import Assignment, Campaign
    from core import sends
    from directives import services as directive_services
    from directives.demo import seed_directives
    from directives.models import ImportJob
    from organization.demo import seed_organization
    from organization.models import Person, Role, RoleGrant, Unit
    from reports import services as report_services
    from reports.selectors import Filters
    from social import services as social_services
    from social.demo import seed_social
    from social.models import OfficialAccount, PostRequest
    from violations.demo import seed_cases
    from violations.models import Report

    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    accounts = seed_organization(password=PASSWORD)
    root = Unit.objects.get(code="TCT")
    directives = seed_directives(owner_unit=root, by=accounts[0])
    seed_campaigns(root=root, by=accounts[0], directives=directives)
    head = Person.objects.get(email=ACCOUNTS["unit_head"])
    staff = Person.objects.get(email=ACCOUNTS["staff"])
    seed_cases(
        head=head, reporter=staff,
        subject=Person.objects.filter(unit=head.unit, grants__isnull=True).exclude(email=staff.email).first(),
        unit=head.unit,
    )  # fmt: skip
    seed_social()
    Person.objects.create_superuser(email=ACCOUNTS["superuser"], password=PASSWORD, full_name="Hồ Siêu Quản Trị")
    admin = Person.objects.get(email=ACCOUNTS["administrator"])
    directive, revised, drafted = directives[0], directives[1], directives[2]
    # A material second version with a quiz, published: staff see "phiên bản 2" and answer.
    version = directive_services.version_create(
        directive=revised, text=revised.versions.get().text + "\n\n4. Báo cáo kết quả trước ngày 30 hằng tháng.",
        change_note="Thêm nghĩa vụ báo cáo hằng tháng.", is_material=True, by=admin,
    )  # fmt: skip
    directive_services.question_add(
        version=version, prompt="Cán bộ báo cáo kết quả vào ngày nào?",
        choices=["Ngày 30 hằng tháng", "Cuối năm", "Không phải báo cáo"], answer=0,
    )  # fmt: skip
    directive_services.version_publish(version=version, by=admin)
    directive_services.version_create(
        directive=drafted, text=drafted.versions.get().text + "\n\nSửa lỗi chính tả.",
        change_note="Sửa lỗi chính tả.", is_material=False, by=admin,
    )  # fmt: skip
    meeting = meetings.meeting_plan(
        by=head, campaigns=Campaign.objects.filter(directive=directive), units=[head.unit],
        held_at=timezone.now() + datetime.timedelta(days=1), place="Phòng họp tầng 2", chair=head.full_name,
        select_all=True,
    )  # fmt: skip
    incident = social_services.incident_report(
        by=staff, kind="own_compromised", platform="facebook", account_name="facebook.com/hoang.thi.mai",
        what_happened="Tài khoản nhắn tin vay tiền bạn bè.", noticed_at=timezone.now() - datetime.timedelta(hours=1),
    )  # fmt: skip
    job, _created = report_services.export_job_request(
        person=admin, kind="summary", format="xlsx", filters=Filters(unit=root)
    )
    pending = Assignment.objects.filter(person__unit=head.unit, acknowledged_at__isnull=True).exclude(person=head)
    ack_services.assignments_nudge(by=head, people=[a.person for a in pending[:3]])
    return {
        "import_job": ImportJob.objects.create(created_by=admin, unit=admin.unit, filename="cong-van-quet.pdf"),
        "nudge_run": SimpleNamespace(pk=sends.latest_run_of(kind="ack_nudge", by=head)),
        "directive": directive,
        "revised": revised,
        "drafted": drafted,
        "head": head,
        "branch": head.unit,
        "root": root,
        "staff_assignment": Assignment.objects.filter(person=staff, campaign__directive=directive).first(),
        "quiz_assignment": Assignment.objects.filter(person=staff, campaign__directive=revised).first(),
        "pending_in_branch": Assignment.objects.filter(
            person__unit=head.unit, campaign__directive=directive, acknowledged_at__isnull=True
        )
        .exclude(person=head)
        .first(),
        "case": Report.objects.exclude(channel="anonymous").get(),
        "anonymous_case": Report.objects.get(channel="anonymous"),
        "post_request": PostRequest.objects.first(),
        "account": OfficialAccount.objects.first(),
        "meeting": meeting,
        "incident": incident,
        "export_job": job,
        "head_grant": RoleGrant.objects.get(person=head, role=Role.UNIT_HEAD),
    }


def urls_for(role: str, demo: dict) -> list[str]:
    entries = [(name, args, "") for name, args in PAGES[role]] + FILTERED.get(role, [])
    return [reverse(name, args=[demo[key].pk for key in args]) + query for name, args, query in entries]


def screenshot_name(role: str, url: str, width: int) -> str:
    slug = re.sub(r"[^\w]+", "-", url).strip("-") or "root"
    return f"{role}-{slug}-{width}.png"


def check_page(page, axe, url: str) -> tuple[list[Finding], str]:
    """Visit `url` at 1280 then 360 px; what is wrong with it, and its title."""
    findings = []
    page.set_viewport_size(WIDE)
    response = page.goto(url)
    if (
        response is None
        or response.status != 200
        or page.url.split("?")[0].endswith("/accounts/login/") != (url.startswith("/accounts/login/"))
    ):
        return [Finding(url, f"HTTP {response.status if response else '?'}, at {page.url}")], ""
    results = axe.run(page, options=AXE_OPTIONS).response
    for violation in results["violations"]:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        findings.append(Finding(url, f"axe {violation['id']} ({len(violation['nodes'])}): {targets}"))
    duplicates = page.evaluate(
        """() => { const seen = {}; for (const e of document.querySelectorAll('[id]')) seen[e.id] = (seen[e.id] || 0) + 1;
                   return Object.keys(seen).filter(id => seen[id] > 1); }"""
    )
    if duplicates:
        findings.append(Finding(url, f"duplicate ids: {', '.join(duplicates)}"))
    unreachable = page.evaluate(UNREACHABLE)
    if unreachable:
        findings.append(Finding(url, f"controls the keyboard cannot reach: {unreachable}"))
    loose = page.evaluate(LOOSE_RADIOS)
    if loose:
        findings.append(Finding(url, f"radios outside a fieldset with a legend: {loose}"))
    small = page.evaluate(SMALL_TARGETS)
    if small:
        findings.append(Finding(url, f"checkboxes or radios smaller than 24 x 24 px: {small}"))
    title = page.title()
    return findings, title


def test_every_page_of_every_role_passes_axe_fits_360_px_and_has_its_own_title(browser, live_server, settings, demo):
    from axe_playwright_python.sync_playwright import Axe

    # The live server speaks plain HTTP; production cookies are Secure.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    SCREENSHOTS.mkdir(exist_ok=True)
    axe = Axe()
    findings: list[Finding] = []
    for role, email in ACCOUNTS.items():
        context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport=WIDE)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if email:
            log_in(page, email, PASSWORD)
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
        titles: dict[str, str] = {}
        for url in urls_for(role, demo):
            found, title = check_page(page, axe, url)
            findings += [Finding(f"{role} {finding.url}", finding.what) for finding in found]
            if not title:
                continue
            if title in titles:
                findings.append(Finding(f"{role} {url}", f"title {title!r} is also {titles[title]}'s"))
            titles[title] = url
            page.screenshot(path=str(SCREENSHOTS / screenshot_name(role, url, 1280)), full_page=True)
            page.set_viewport_size(NARROW)
            width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            if width[0] > width[1]:
                wide = page.evaluate(WIDEST_ELEMENTS)
                findings.append(Finding(f"{role} {url}", f"scrolls sideways at 360 px ({width[0]} px): {wide}"))
            tiny = page.evaluate(SMALL_CHART_TEXT)
            if tiny:
                findings.append(Finding(f"{role} {url}", f"chart text under 14 px at 360 px: {tiny}"))
            page.screenshot(path=str(SCREENSHOTS / screenshot_name(role, url, 360)), full_page=True)
        context.close()
    assert not findings, f"{len(findings)} findings:\n" + "\n".join(map(str, findings))


# Visible controls taken out of the Tab order (tabindex="-1"), which only a mouse reaches
# (the admin's autocomplete hides its select behind a focusable select2 box).
UNREACHABLE = """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
  .filter(e => e.getClientRects().length && !e.disabled && e.tabIndex < 0 && !e.closest('[inert]')
               && !e.classList.contains('select2-hidden-accessible'))  // its select2 box takes the focus
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + (e.name || e.textContent.trim().slice(0, 20)))
  .join(', ')"""

# Each group of radios (a quiz question, a yes/no) is a fieldset whose legend asks it.
LOOSE_RADIOS = """() => [...new Set([...document.querySelectorAll('input[type=radio]')].map(r => r.name))]
  .filter(name => { const f = document.querySelector(`input[type=radio][name="${name}"]`).closest('fieldset');
                    return !f || !f.querySelector('legend'); }).join(', ')"""

# Checkboxes and radios drawn smaller than 24 x 24 px (the admin's own are Django's).
SMALL_TARGETS = """() => [...document.querySelectorAll('input[type=checkbox], input[type=radio]')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width && (r.width < 24 || r.height < 24); })
  .slice(0, 5).map(e => e.name || e.id).join(', ')"""

# Chart text as drawn: its font size times the SVG's scale on screen.
SMALL_CHART_TEXT = """() => [...document.querySelectorAll('svg text')]
  .map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a])
  .filter(([, px]) => px < 13.95).slice(0, 3).map(([text, px]) => `${text} (${px.toFixed(1)} px)`).join('; ')"""

# The deepest elements whose right edge passes the window, to say what to fix.
WIDEST_ELEMENTS = """() => {
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
      out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''));
  }
  return [...new Set(out)].slice(0, 5).join(', ');
}"""


# For each control reached with Tab: the contrast between its focus outline and the
# background it is drawn on (the first ancestor with a background colour).
FOCUS_CONTRAST = """() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const e = document.activeElement, style = getComputedStyle(e);
  let node = e.parentElement, bg = [255, 255, 255];
  while (node) { const c = rgb(getComputedStyle(node).backgroundColor); if (c.length === 3 || c[3] > 0) { bg = c.slice(0, 3); break; } node = node.parentElement; }
  const [a, b] = [lum(rgb(style.outlineColor).slice(0, 3)), lum(bg)].sort((x, y) => y - x);
  return [e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + (e.textContent || e.name || '').trim().slice(0, 30),
          style.outlineStyle, parseFloat(style.outlineWidth), (a + 0.05) / (b + 0.05)];
}"""


def test_the_keyboard_focus_ring_has_3_to_1_contrast_on_every_control_it_reaches(page, cast):
    problems = []
    for email in (None, cast.staff.email):
        if email:
            log_in(page, email, cast.password)
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
        for url in ("/accounts/login/", "/violations/anonymous/") if email is None else ("/", "/violations/"):
            page.goto(url)
            for _ in range(25):
                page.keyboard.press("Tab")
                if page.evaluate("() => document.activeElement === document.body"):
                    break
                what, style, width, ratio = page.evaluate(FOCUS_CONTRAST)
                if style == "none" or width < 2 or ratio < 3:
                    problems.append(f"{url} {what}: {style} {width}px, {ratio:.1f}:1")
    assert not problems, "\n".join(problems)
