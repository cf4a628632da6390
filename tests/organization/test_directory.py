"""Directory sync against a real OpenLDAP server: Debian's slapd, started here with
a generated slapd.conf (mdb database, core/cosine/inetorgperson schemas) on a free
port, loaded with two OUs and five people, then changed and synced again.

Without slapd the tests skip, except under CI=true, where they fail."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import ldap3
import pytest
from django.core import mail
from django.core.management import call_command

from core.models import AuditEvent, OutboxMessage
from organization.directory import DirectoryError, directory_sync, directory_sync_daily
from organization.models import Person
from tests.acknowledgements.smtp import free_port
from tests.conftest import IN_CI

SUFFIX = "dc=example,dc=gov,dc=vn"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "mat-khau-thu-muc"
SLAPD = shutil.which("slapd") or ("/usr/sbin/slapd" if Path("/usr/sbin/slapd").exists() else None)

PEOPLE = [
    # uid, OU (= unit code), cn, mail, title, employeeType, departmentNumber
    ("an", "PBC", "Nguyễn Văn An", "an@example.gov.vn", "Trưởng phòng", "công chức", "PBC"),
    ("binh", "PBC", "Trần Thị Bình", "binh@example.gov.vn", "Chuyên viên", "cc", "TBC"),
    ("cuong", "PBC", "Lê Văn Cường", "cuong@example.gov.vn", "Chuyên viên", "vc", "TBC"),
    ("dung", "VPS", "Phạm Thị Dung", "dung@example.gov.vn", "Chánh văn phòng", "cb", "VPS"),
    ("em", "VPS", "Hoàng Văn Em", "em@example.gov.vn", "Lái xe", "người lao động", "VPS"),
]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"slapd exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("slapd did not start listening")


@pytest.fixture
def slapd(tmp_path):
    """A slapd of this test alone; yields its ldap:// URL."""
    if SLAPD is None:
        message = "needs OpenLDAP's slapd (make slapd installs it)"
        if IN_CI:
            pytest.fail(f"CI=true but this test {message}")
        pytest.skip(message)
    data = tmp_path / "data"
    data.mkdir()
    config = tmp_path / "slapd.conf"
    config.write_text(
        "include /etc/ldap/schema/core.schema\n"
        "include /etc/ldap/schema/cosine.schema\n"
        "include /etc/ldap/schema/inetorgperson.schema\n"
        f"pidfile {tmp_path / 'slapd.pid'}\n"
        "modulepath /usr/lib/ldap\n"
        "moduleload back_mdb\n"
        "database mdb\n"
        "maxsize 10485760\n"
        f'suffix "{SUFFIX}"\n'
        f'rootdn "{ROOT_DN}"\n'
        f"rootpw {ROOT_PASSWORD}\n"
        f"directory {data}\n"
    )
    port = free_port()
    url = f"ldap://127.0.0.1:{port}"
    process = subprocess.Popen(
        [SLAPD, "-d", "0", "-h", f"{url}/", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_for_port(port, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def directory(slapd, settings, org):
    """The tree loaded, the portal pointed at it; yields a connection as the root DN."""
    settings.LDAP_URL = slapd
    settings.LDAP_BIND_DN, settings.LDAP_BIND_PASSWORD = ROOT_DN, ROOT_PASSWORD
    settings.LDAP_BASE_DN = SUFFIX
    settings.LDAP_UNIT_ATTRIBUTE = ""
    settings.LDAP_SYNC_UNITS = ["STTTT"]
    connection = ldap3.Connection(ldap3.Server(slapd), ROOT_DN, ROOT_PASSWORD, auto_bind=True, raise_exceptions=True)
    connection.add(SUFFIX, ["dcObject", "organization"], {"o": "Sở Thông tin và Truyền thông", "dc": "example"})
    for ou in ("PBC", "VPS"):
        connection.add(f"ou={ou},{SUFFIX}", ["organizationalUnit"], {"ou": ou})
    for uid, ou, cn, address, title, kind, department in PEOPLE:
        connection.add(
            f"uid={uid},ou={ou},{SUFFIX}", ["inetOrgPerson"],
            {"uid": uid, "cn": cn, "sn": cn.split()[-1], "mail": address, "title": title, "employeeType": kind,
             "departmentNumber": department},
        )  # fmt: skip
    yield connection
    connection.unbind()


def roster() -> list[tuple[str, str, str, str, bool]]:
    return list(
        Person.objects.order_by("email").values_list("email", "full_name", "staff_kind", "unit__code", "is_active")
    )


def test_the_first_sync_creates_everyone_in_the_unit_of_their_ou_and_invites_them(
    directory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = directory_sync()

    assert roster() == [
        ("an@example.gov.vn", "Nguyễn Văn An", "cc", "PBC", True),
        ("binh@example.gov.vn", "Trần Thị Bình", "cc", "PBC", True),
        ("cuong@example.gov.vn", "Lê Văn Cường", "vc", "PBC", True),
        ("dung@example.gov.vn", "Phạm Thị Dung", "cb", "VPS", True),
        ("em@example.gov.vn", "Hoàng Văn Em", "nld", "VPS", True),
    ]
    assert report.as_dict() == {
        "dry_run": False, "created": 5, "updated": 0, "moved": 0, "reactivated": 0, "deactivated": 0,
        "problems": 0, "invited": 5,
    }  # fmt: skip
    assert sorted(m.to[0] for m in mail.outbox) == [
        "an@example.gov.vn", "binh@example.gov.vn", "cuong@example.gov.vn", "dung@example.gov.vn", "em@example.gov.vn",
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="person_created").count() == 5


def test_a_second_sync_moves_a_person_deactivates_one_removed_and_changes_nothing_else(directory):
    directory_sync()
    directory.modify_dn(f"uid=cuong,ou=PBC,{SUFFIX}", "uid=cuong", new_superior=f"ou=VPS,{SUFFIX}")
    directory.delete(f"uid=em,ou=VPS,{SUFFIX}")
    directory.modify(f"uid=an,ou=PBC,{SUFFIX}", {"title": [(ldap3.MODIFY_REPLACE, ["Phó Giám đốc"])]})

    report = directory_sync()

    assert roster() == [
        ("an@example.gov.vn", "Nguyễn Văn An", "cc", "PBC", True),
        ("binh@example.gov.vn", "Trần Thị Bình", "cc", "PBC", True),
        ("cuong@example.gov.vn", "Lê Văn Cường", "vc", "VPS", True),
        ("dung@example.gov.vn", "Phạm Thị Dung", "cb", "VPS", True),
        ("em@example.gov.vn", "Hoàng Văn Em", "nld", "VPS", False),
    ]
    assert report.lines() == [
        "Chuyển đơn vị: cuong@example.gov.vn: PBC → VPS",
        "Cập nhật: an@example.gov.vn: position",
        "Ngừng hoạt động: em@example.gov.vn (VPS)",
    ]
    assert Person.objects.get(email="an@example.gov.vn").position == "Phó Giám đốc"
    assert list(AuditEvent.objects.filter(action="person_deactivated").values_list("target", "data")) == [
        ("em@example.gov.vn", {"changes": {"is_active": ["True", "False"]}})
    ]


def test_a_person_back_in_the_directory_is_reactivated(directory):
    directory_sync()
    directory.delete(f"uid=em,ou=VPS,{SUFFIX}")
    directory_sync()
    directory.add(
        f"uid=em,ou=VPS,{SUFFIX}", ["inetOrgPerson"],
        {"uid": "em", "cn": "Hoàng Văn Em", "sn": "Em", "mail": "em@example.gov.vn", "title": "Lái xe"},
    )  # fmt: skip

    report = directory_sync()

    assert report.reactivated == ["em@example.gov.vn"]
    assert Person.objects.get(email="em@example.gov.vn").is_active is True


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(directory, capsys):
    call_command("sync_directory", "--dry-run")

    out = capsys.readouterr().out
    assert out.splitlines() == [
        "Tạo mới: an@example.gov.vn (Nguyễn Văn An, PBC)",
        "Tạo mới: binh@example.gov.vn (Trần Thị Bình, PBC)",
        "Tạo mới: cuong@example.gov.vn (Lê Văn Cường, PBC)",
        "Tạo mới: dung@example.gov.vn (Phạm Thị Dung, VPS)",
        "Tạo mới: em@example.gov.vn (Hoàng Văn Em, VPS)",
        "Chạy thử, không thay đổi gì: 5 tạo mới, 0 chuyển đơn vị, 0 cập nhật, 0 kích hoạt lại, 0 ngừng hoạt động, "
        "0 bỏ qua, 0 thư mời.",
    ]
    assert roster() == []
    assert not OutboxMessage.objects.exists()


def test_units_can_come_from_an_attribute_instead_of_the_ou(directory, settings):
    settings.LDAP_UNIT_ATTRIBUTE = "departmentNumber"

    directory_sync()

    assert dict(Person.objects.values_list("email", "unit__code")) == {
        "an@example.gov.vn": "PBC", "binh@example.gov.vn": "TBC", "cuong@example.gov.vn": "TBC",
        "dung@example.gov.vn": "VPS", "em@example.gov.vn": "VPS",
    }  # fmt: skip


def test_people_outside_the_synced_units_and_superusers_are_never_touched(directory, org):
    outsider = Person.objects.create_user(email="ngoai@example.gov.vn", full_name="Người Ngoài", unit=org.other_agency)
    boss = Person.objects.create_superuser(email="sieu@example.gov.vn", full_name="Siêu Quản Trị")

    report = directory_sync()

    assert Person.objects.filter(pk__in=[outsider.pk, boss.pk], is_active=True).count() == 2
    assert report.deactivated == []


def test_an_entry_without_an_address_or_with_an_unknown_unit_is_skipped_and_reported(directory):
    directory.add(f"ou=KHAC,{SUFFIX}", ["organizationalUnit"], {"ou": "KHAC"})
    directory.add(f"uid=giang,ou=KHAC,{SUFFIX}", ["inetOrgPerson"],
                  {"uid": "giang", "cn": "Đỗ Giang", "sn": "Giang", "mail": "giang@example.gov.vn"})  # fmt: skip
    directory.add(f"uid=hai,ou=PBC,{SUFFIX}", ["inetOrgPerson"], {"uid": "hai", "cn": "Vũ Hải", "sn": "Hải"})

    report = directory_sync()

    assert report.problems == [
        f"uid=hai,ou=PBC,{SUFFIX}: không có e-mail.",
        "giang@example.gov.vn: không có đơn vị mã “KHAC” trong phạm vi đồng bộ.",
    ]
    assert not Person.objects.filter(email="giang@example.gov.vn").exists()


def test_an_empty_answer_deactivates_nobody(directory, settings):
    directory_sync()
    settings.LDAP_USER_FILTER = "(uid=khong-ai)"

    with pytest.raises(DirectoryError):
        directory_sync()

    assert Person.objects.filter(is_active=True).count() == 5


def test_a_wrong_bind_password_is_an_error_that_does_not_show_the_password(directory, settings):
    settings.LDAP_BIND_PASSWORD = "sai-mat-khau-bi-mat"

    with pytest.raises(DirectoryError) as error:
        directory_sync()

    assert "sai-mat-khau-bi-mat" not in str(error.value)
    assert roster() == []


def test_the_beat_job_syncs_once_a_day_after_the_hour(directory, settings):
    import datetime

    from django.utils import timezone

    settings.LDAP_SYNC_HOUR = 2
    day = timezone.localtime().replace(hour=1, minute=50)

    early = directory_sync_daily(now=day)
    first = directory_sync_daily(now=day + datetime.timedelta(minutes=15))
    again = directory_sync_daily(now=day + datetime.timedelta(minutes=30))

    assert (early, first["created"], again) == (None, 5, None)
