"""The demo organisation: a tax administration of about 40 people and one account per
role. Idempotent: running it again changes nothing."""

from django.db import transaction

from organization import services
from organization.models import Person, Role, StaffKind, Unit

UNITS = [
    # code, name, parent code
    ("TCT", "Tổng cục Thuế", None),
    ("TCT-VP", "Văn phòng Tổng cục Thuế", "TCT"),
    ("TCT-KTNB", "Vụ Kiểm tra nội bộ", "TCT"),
    ("CT-HN", "Cục Thuế TP Hà Nội", "TCT"),
    ("CCT-BD", "Chi cục Thuế quận Ba Đình", "CT-HN"),
    ("CCT-CG", "Chi cục Thuế quận Cầu Giấy", "CT-HN"),
]

# email, full name, position, unit, role held over which unit
ACCOUNTS = [
    ("quantri@demo.gov.vn", "Nguyễn Thị Hồng Nhung", "Chuyên viên Văn phòng", "TCT-VP", Role.ADMINISTRATOR, "TCT"),
    ("thanhtra@demo.gov.vn", "Trần Quốc Bảo", "Kiểm tra viên chính", "TCT-KTNB", Role.INSPECTOR, "TCT"),
    ("cuctruong@demo.gov.vn", "Lê Văn Thắng", "Cục trưởng", "CT-HN", Role.UNIT_HEAD, "CT-HN"),
    ("chicuctruong@demo.gov.vn", "Phạm Minh Tuấn", "Chi cục trưởng", "CCT-BD", Role.UNIT_HEAD, "CCT-BD"),
    ("canbo@demo.gov.vn", "Hoàng Thị Mai", "Công chức thuế", "CCT-BD", None, None),
]

_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
_MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Quốc", "Thu", "Đức", "Ngọc", "Hữu", "Bích"]
_GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Nam",
    "Oanh",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Trang",
    "Vân",
    "Yến",
]
_POSITIONS = ["Công chức thuế", "Kiểm tra viên thuế", "Chuyên viên", "Nhân viên hợp đồng", "Đội trưởng"]
_KINDS = [StaffKind.CIVIL_SERVANT, StaffKind.CIVIL_SERVANT, StaffKind.CIVIL_SERVANT, StaffKind.WORKER, StaffKind.CADRE]
STAFF_PER_UNIT = 6


def _unit(code: str, name: str, parent: Unit | None) -> Unit:
    existing = Unit.objects.filter(code=code).first()
    return existing or services.unit_create(name=name, code=code, parent=parent)


def _person(email: str, full_name: str, position: str, unit: Unit, kind: str, password: str | None) -> Person:
    person = Person.objects.filter(email=email).first()
    if person is None:
        person = services.person_create(
            email=email, full_name=full_name, unit=unit, position=position, staff_kind=kind, password=password
        )
    elif password and not person.check_password(password):
        person.set_password(password)
        person.save(update_fields=["password"])
    return person


@transaction.atomic
def seed_organization(*, password: str) -> list[Person]:
    """Build the demo tree and people; returns the role accounts in ACCOUNTS order."""
    units: dict[str, Unit] = {}
    for code, name, parent in UNITS:
        units[code] = _unit(code, name, units.get(parent))

    accounts = []
    for email, full_name, position, unit_code, role, scope in ACCOUNTS:
        kind = StaffKind.CADRE if role == Role.UNIT_HEAD else StaffKind.CIVIL_SERVANT
        person = _person(email, full_name, position, units[unit_code], kind, password)
        if role:
            services.role_grant(person=person, role=role, unit=units[scope])
        accounts.append(person)

    number = 0
    for code, _name, _parent in UNITS:
        for _ in range(STAFF_PER_UNIT):
            full_name = f"{_FAMILY[number % 12]} {_MIDDLE[number % 10]} {_GIVEN[(number * 7) % 21]}"
            _person(
                f"canbo{number + 1:02d}@demo.gov.vn",
                full_name,
                _POSITIONS[number % 5],
                units[code],
                _KINDS[number % 5],
                None,
            )
            number += 1
    return accounts
