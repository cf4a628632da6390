"""Synthetic load data for benchmarks: a unit tree, people, published directives and,
on request, a campaign per directive with an assignment for every person.

Everything is written set-based (bulk_create in large batches, INSERT … SELECT), so
100,000 people and 5,000,000 assignments take minutes, not hours. Load data is
recognisable and removable: people at @load.example, units coded LOAD…, directives
whose symbol starts with LOAD-. `--reset` removes exactly that and builds it again.
"""

import datetime
import math
import random
import secrets
import time
import unicodedata

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from acknowledgements.models import Acknowledgement, Assignment, Campaign, ImplementationReport, Target
from acknowledgements.reminders.claims import REMINDER as REMINDER_KIND
from core.models import OutboxMessage
from directives.importer.cleaning import fold
from directives.models import Directive, DocType, Obligation, Status, Version
from organization.models import Person, Role, RoleGrant, StaffKind, Unit

EMAIL_DOMAIN = "load.example"
UNIT_CODE_PREFIX = "LOAD"
SYMBOL_PREFIX = "LOAD-"
ROOT_CODE = UNIT_CODE_PREFIX
PEOPLE_BATCH = 20_000
INSERT_BATCH = 5_000
MAX_PROVINCES = 30
ACKNOWLEDGED_SHARE = 0.6


def load_people():
    return Person.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")


def load_units():
    return Unit.objects.filter(code__startswith=UNIT_CODE_PREFIX)


def load_directives():
    return Directive.objects.filter(symbol__startswith=SYMBOL_PREFIX)


def load_root() -> Unit:
    return Unit.objects.get(code=ROOT_CODE)


def load_administrator() -> Person:
    """The load person holding the administrator role over the load root."""
    grant = RoleGrant.objects.select_related("person").filter(role=Role.ADMINISTRATOR, unit__code=ROOT_CODE).first()
    if grant is None:
        raise CommandError("Không có dữ liệu tải: hãy chạy generate_load_data trước.")
    return grant.person


def load_data_exists() -> bool:
    return load_people().exists() or load_units().exists() or load_directives().exists()


# --- deleting ---------------------------------------------------------------------------


def _raw_delete(queryset) -> int:
    """DELETE … WHERE pk IN (the queryset): one statement, no rows loaded into Python,
    no cascade. Callers delete the dependants first; a row still referenced by data
    that is not load data makes the transaction fail, which is what we want."""
    model = queryset.model
    select_sql, params = queryset.values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    sql = f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN ({select_sql})"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _delete_person_dependants(people) -> None:
    """Rows of other apps (allauth, admin log…) that cascade from a person. Load people
    normally have none, but a --reset must not fail because someone logged in as one."""
    handled = {OutboxMessage, Assignment, RoleGrant}
    for relation in Person._meta.related_objects:
        related = relation.related_model
        if related in handled or relation.many_to_many or relation.on_delete is not models.CASCADE:
            continue
        _raw_delete(related._base_manager.filter(**{f"{relation.field.name}__in": people.values("pk")}))
    for field in Person._meta.many_to_many:
        through = field.remote_field.through
        _raw_delete(through._base_manager.filter(**{f"{field.m2m_field_name()}__in": people.values("pk")}))


@transaction.atomic
def delete_load_campaigns() -> dict[str, int]:
    """Remove the campaigns of load directives with their targets, assignments and
    notices, leaving people, units and directives: the state a benchmark starts from."""
    campaigns = Campaign.objects.filter(directive__in=load_directives())
    assignments = Assignment.objects.filter(campaign__in=campaigns)
    if Acknowledgement.objects.filter(assignment__in=assignments).exists():
        raise CommandError("Có bản ghi xác nhận gắn với đợt quán triệt của dữ liệu tải; không xóa.")
    return {
        "notices": _raw_delete(OutboxMessage.objects.filter(kind=REMINDER_KIND, ref__in=assignments.values("pk"))),
        "assignments": _raw_delete(assignments),
        "targets": _raw_delete(Target.objects.filter(campaign__in=campaigns)),
        "campaigns": _raw_delete(campaigns),
    }


@transaction.atomic
def delete_load_data() -> dict[str, int]:
    """Remove the load data and everything hanging from it (campaigns, assignments,
    notices, grants). Refuses when acknowledgement records point at load assignments:
    those are links of the tamper-evident chain, and deleting one breaks it."""
    people = load_people()
    units = load_units()
    directives = load_directives()
    campaigns = Campaign.objects.filter(directive__in=directives)
    assignments = Assignment.objects.filter(Q(person__in=people) | Q(campaign__in=campaigns))
    if Acknowledgement.objects.filter(assignment__in=assignments).exists():
        raise CommandError(
            "Có bản ghi xác nhận (Acknowledgement) gắn với dữ liệu tải; xóa chúng sẽ làm đứt chuỗi băm. Không xóa."
        )
    counts = {}
    counts["notices"] = _raw_delete(
        OutboxMessage.objects.filter(Q(recipient__in=people) | Q(kind=REMINDER_KIND, ref__in=assignments.values("pk")))
    )
    counts["assignments"] = _raw_delete(assignments)
    _raw_delete(Target.objects.filter(Q(campaign__in=campaigns) | Q(unit__in=units)))
    counts["campaigns"] = _raw_delete(campaigns)
    _raw_delete(ImplementationReport.objects.filter(Q(directive__in=directives) | Q(unit__in=units)))
    # A few dozen directives: the ORM's cascade (versions, obligations, references)
    # is the simplest correct way, and references from other directives are nulled.
    _total, deleted = directives.delete()
    counts["directives"] = deleted.get(Directive._meta.label, 0)
    _raw_delete(RoleGrant.objects.filter(Q(person__in=people) | Q(unit__in=units)))
    _delete_person_dependants(people)
    counts["people"] = _raw_delete(people)
    counts["units"] = _raw_delete(units)
    return counts


# --- names and texts --------------------------------------------------------------------

# Family names roughly in their Vietnamese frequencies (per cent).
FAMILY = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 4),
    ("Huỳnh", 3),
    ("Phan", 4),
    ("Vũ", 3),
    ("Võ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 1),
    ("Ngô", 1),
    ("Dương", 1),
    ("Lý", 1),
    ("Đinh", 1),
    ("Trịnh", 1),
    ("Mai", 1),
    ("Lương", 1),
]
MIDDLE = {
    "m": ["Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Thanh", "Xuân", "Đình", "Quang", "Tuấn", "Hoàng"],
    "f": ["Thị", "Thị", "Ngọc", "Thu", "Thanh", "Bích", "Kim", "Thùy", "Phương", "Minh", "Hồng", "Mỹ"],
}
GIVEN = {
    "m": [
        "An", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
        "Khánh", "Khoa", "Kiên", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Sơn",
        "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tú", "Tuấn", "Việt", "Vinh",
    ],
    "f": [
        "Anh", "Châu", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương",
        "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương",
        "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang", "Uyên", "Vân", "Yến",
    ],
}  # fmt: skip
PROVINCES = [
    "Hà Nội", "Hải Phòng", "Quảng Ninh", "Bắc Ninh", "Hưng Yên", "Thái Nguyên", "Lạng Sơn", "Lào Cai",
    "Tuyên Quang", "Phú Thọ", "Ninh Bình", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Huế",
    "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Đắk Lắk", "Khánh Hòa", "Lâm Đồng", "Đồng Nai", "Tây Ninh",
    "TP Hồ Chí Minh", "Đồng Tháp", "Vĩnh Long", "An Giang", "Cần Thơ", "Cà Mau", "Điện Biên", "Sơn La",
    "Lai Châu", "Cao Bằng",
]  # fmt: skip
# Kinds of staff with their share (per cent) and the positions they hold.
KINDS = [
    (StaffKind.CIVIL_SERVANT, 55, ["Công chức thuế", "Kiểm tra viên thuế", "Chuyên viên", "Kiểm soát viên thuế"]),
    (StaffKind.PUBLIC_EMPLOYEE, 20, ["Viên chức", "Chuyên viên công nghệ thông tin", "Kế toán viên"]),
    (StaffKind.WORKER, 15, ["Nhân viên hợp đồng", "Nhân viên văn thư", "Lái xe", "Bảo vệ"]),
    (StaffKind.CADRE, 10, ["Phó Đội trưởng", "Đội trưởng", "Phó Chi cục trưởng"]),
]
HEAD_TITLES = {1: "Tổng cục trưởng", 2: "Cục trưởng", 3: "Chi cục trưởng"}

SUBJECTS = [
    "Về việc quán triệt quy tắc ứng xử trên mạng xã hội",
    "Về việc tăng cường kỷ luật, kỷ cương khi sử dụng mạng xã hội",
    "Về việc bảo vệ bí mật nhà nước trên không gian mạng",
    "Về việc chấn chỉnh việc đăng tải thông tin công việc cơ quan",
    "Về việc phòng, chống thông tin xấu độc, sai sự thật",
    "Về việc sử dụng mạng xã hội trong giờ làm việc",
    "Về việc báo cáo tài khoản mạng xã hội bị chiếm đoạt, giả mạo",
]
PARAGRAPHS = [
    "Thực hiện Quyết định số 874/QĐ-BTTTT ngày 17/6/2021 của Bộ trưởng Bộ Thông tin và Truyền thông ban hành "
    "Bộ Quy tắc ứng xử trên mạng xã hội, Nghị định số 72/2013/NĐ-CP và Luật An ninh mạng năm 2018, "
    "để nâng cao ý thức trách nhiệm của cán bộ, công chức, viên chức và người lao động khi tham gia mạng xã hội,",
    "Trong thời gian qua, một số cán bộ, công chức đã đăng tải, chia sẻ thông tin liên quan đến công việc của cơ "
    "quan khi chưa được thủ trưởng đơn vị cho phép, bình luận thiếu chuẩn mực, gây ảnh hưởng đến uy tín của ngành.",
    "Thủ trưởng các đơn vị chịu trách nhiệm trước lãnh đạo cấp trên nếu để xảy ra vi phạm tại đơn vị mình quản "
    "lý; kịp thời phát hiện, nhắc nhở, chấn chỉnh và xử lý nghiêm các trường hợp vi phạm theo quy định.",
    "Mọi thông tin phản ánh, kiến nghị của người dân, doanh nghiệp trên mạng xã hội phải được tiếp nhận, xác "
    "minh và trả lời theo đúng quy trình, không tự ý phát ngôn khi chưa được giao nhiệm vụ.",
    "Không sử dụng mạng xã hội vào mục đích cá nhân trong giờ làm việc; không đăng tải hình ảnh, tài liệu có "
    "nội dung bí mật nhà nước, thông tin nội bộ, hồ sơ của người nộp thuế.",
]
OBLIGATIONS = [
    "Quán triệt đến toàn thể cán bộ, công chức, viên chức và người lao động nội dung Bộ Quy tắc ứng xử trên mạng "
    "xã hội; tổ chức ký cam kết thực hiện.",
    "Không đăng tải, chia sẻ thông tin sai sự thật, chưa được kiểm chứng, xúc phạm danh dự, nhân phẩm của tổ "
    "chức, cá nhân.",
    "Không đăng tải thông tin, hình ảnh về công việc của cơ quan khi chưa được thủ trưởng đơn vị cho phép.",
    "Kịp thời báo cáo thủ trưởng đơn vị khi tài khoản mạng xã hội cá nhân bị chiếm đoạt, giả mạo.",
    "Không tham gia các nhóm, trang có nội dung chống phá chủ trương, đường lối của Đảng, chính sách, pháp luật "
    "của Nhà nước.",
    "Thủ trưởng các đơn vị tổ chức kiểm tra, giám sát việc thực hiện và báo cáo kết quả về Tổng cục trước ngày "
    "30 hằng tháng.",
    "Đường dây nóng tiếp nhận phản ánh: mọi trường hợp vi phạm được báo cáo qua hộp thư điện tử của Tổ kiểm tra "
    "giám sát.",
]
DOC_TYPES = [(DocType.OFFICIAL_LETTER, "TCT-VP"), (DocType.DIRECTIVE, "CT-TCT"), (DocType.PLAN, "KH-TCT")]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _weighted(items: list[tuple]) -> list:
    return [item for item, weight, *_ in items for _ in range(weight)]


def _full_name(rng: random.Random, families: list[str]) -> str:
    gender = rng.choice("mf")
    return _nfc(f"{rng.choice(families)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}")


def directive_text(*, number: int, symbol: str, subject: str, issued: datetime.date, rng: random.Random) -> tuple:
    """A directive of a few KB in the shape of the seed letters; returns the text and
    its numbered obligations."""
    obligations = rng.sample(OBLIGATIONS, k=min(len(OBLIGATIONS), rng.randint(4, 7)))
    lines = [
        "BỘ TÀI CHÍNH",
        "TỔNG CỤC THUẾ (DỮ LIỆU TẢI)",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {number}/{symbol}",
        f"Hà Nội, ngày {issued.day} tháng {issued.month} năm {issued.year}",
        f"V/v {subject.removeprefix('Về việc ')}",
        "Kính gửi: Các Cục Thuế khu vực; các Chi cục Thuế trực thuộc.",
        "",
    ]
    # The grounds first, then the rest in a varying order.
    rest = rng.sample(PARAGRAPHS[1:], k=len(PARAGRAPHS) - 1)
    lines += [PARAGRAPHS[0], *rest]
    lines.append("Tổng cục Thuế yêu cầu các đơn vị thực hiện nghiêm các nội dung sau:")
    lines += [f"{i}. {text}" for i, text in enumerate(obligations, start=1)]
    # Repeat guidance so the text is a few kilobytes, as the real letters are.
    lines += rng.sample(PARAGRAPHS, k=len(PARAGRAPHS))
    lines += [
        "Trong quá trình thực hiện, nếu có vướng mắc, các đơn vị phản ánh về Tổng cục Thuế (qua Vụ Kiểm tra nội bộ) "
        "để được hướng dẫn.",
        "Nơi nhận:",
        "- Như trên;",
        "- Lãnh đạo Tổng cục;",
        "- Lưu: VT, KTNB.",
        "KT. TỔNG CỤC TRƯỞNG",
        "PHÓ TỔNG CỤC TRƯỞNG",
        "Nguyễn Văn Tải",
    ]
    return _nfc("\n".join(lines)), obligations


# --- building ---------------------------------------------------------------------------


def _tree_shape(units: int) -> tuple[int, list[int]]:
    """Number of provinces under the root and, per province, its number of districts."""
    if units <= 1:
        return 0, []
    provinces = max(1, min(MAX_PROVINCES, round(math.sqrt(units - 1))))
    districts = units - 1 - provinces
    return provinces, [districts // provinces + (1 if k < districts % provinces else 0) for k in range(provinces)]


def build_units(units: int) -> list[int]:
    """The tree with its materialised paths computed here, as treebeard's MP_Node would:
    the load root after the last existing root, children numbered in name order (the
    names of siblings differ only by a zero-padded number, so every collation sorts
    them alike). Returns the unit ids, root first."""
    provinces, districts = _tree_shape(units)
    last_root = Unit.objects.get_last_root_node()
    root_step = Unit._str2int(last_root.path[: Unit.steplen]) + 1 if last_root else 1
    root_path = Unit._get_path(None, 1, root_step)
    rows = [Unit(code=ROOT_CODE, name="Tổng cục Thuế (dữ liệu tải)", path=root_path, depth=1, numchild=provinces)]
    p_width = max(2, len(str(provinces)))
    for k in range(provinces):
        province = PROVINCES[k % len(PROVINCES)]
        p_code = f"{ROOT_CODE}-{k + 1:0{p_width}d}"
        p_path = Unit._get_path(root_path, 2, k + 1)
        rows.append(
            Unit(
                code=p_code,
                name=_nfc(f"Cục Thuế khu vực {k + 1:0{p_width}d} – {province}"),
                path=p_path,
                depth=2,
                numchild=districts[k],
            )
        )
        d_width = max(2, len(str(districts[k])))
        for j in range(districts[k]):
            rows.append(
                Unit(
                    code=f"{p_code}-{j + 1:0{d_width}d}",
                    name=_nfc(f"Chi cục Thuế khu vực {j + 1:0{d_width}d} – {province}"),
                    path=Unit._get_path(p_path, 3, j + 1),
                    depth=3,
                    numchild=0,
                )
            )
    Unit.objects.bulk_create(rows, batch_size=INSERT_BATCH)
    ids = dict(load_units().values_list("code", "id"))
    return [ids[row.code] for row in rows]


def build_people(people: int, unit_ids: list[int], rng: random.Random, progress) -> Person:
    """People spread evenly over the units, person i in unit i mod N; the first person
    of each unit heads it, the second and third of the root administer and inspect the
    whole tree (the root's head does it when there are too few people). Returns the
    administrator."""
    families = _weighted(FAMILY)
    kinds = _weighted(KINDS)
    positions = {kind: titles for kind, _share, titles in KINDS}
    depths = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "depth"))
    n_units = len(unit_ids)
    now = timezone.now()
    width = max(6, len(str(people)))

    def email(i: int) -> str:
        return f"load{i + 1:0{width}d}@{EMAIL_DOMAIN}"

    for start in range(0, people, PEOPLE_BATCH):
        batch = []
        for i in range(start, min(people, start + PEOPLE_BATCH)):
            unit_id = unit_ids[i % n_units]
            if i < n_units:
                kind, position = StaffKind.CADRE, HEAD_TITLES.get(depths[unit_id], "Trưởng đơn vị")
            elif i == n_units:
                kind, position = StaffKind.CIVIL_SERVANT, "Chuyên viên Văn phòng"
            elif i == 2 * n_units:
                kind, position = StaffKind.CIVIL_SERVANT, "Kiểm tra viên chính"
            else:
                kind = rng.choice(kinds)
                position = rng.choice(positions[kind])
            batch.append(
                Person(
                    email=email(i),
                    full_name=_full_name(rng, families),
                    position=position,
                    staff_kind=kind,
                    unit_id=unit_id,
                    is_active=True,
                    is_superuser=False,
                    date_joined=now,
                    # Unusable, as set_unusable_password() makes it, without the cost
                    # of a hasher call per person.
                    password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
                )
            )
        Person.objects.bulk_create(batch, batch_size=INSERT_BATCH)
        progress(min(people, start + PEOPLE_BATCH))

    wanted = [*range(min(people, n_units)), *(i for i in (n_units, 2 * n_units) if i < people)]
    ids = dict(load_people().filter(email__in=[email(i) for i in wanted]).values_list("email", "pk"))
    heads = {unit_ids[i]: ids[email(i)] for i in range(min(people, n_units))}
    administrator = ids.get(email(n_units), heads[unit_ids[0]])
    inspector = ids.get(email(2 * n_units), administrator)
    grants = [RoleGrant(person_id=person, role=Role.UNIT_HEAD, unit_id=unit) for unit, person in heads.items()]
    grants.append(RoleGrant(person_id=administrator, role=Role.ADMINISTRATOR, unit_id=unit_ids[0]))
    grants.append(RoleGrant(person_id=inspector, role=Role.INSPECTOR, unit_id=unit_ids[0]))
    RoleGrant.objects.bulk_create(grants, batch_size=INSERT_BATCH)
    return Person.objects.get(pk=administrator)


def build_directives(count: int, *, owner: Unit, by: Person, rng: random.Random, today: datetime.date) -> list[Version]:
    """`count` published directives, each with one published version; returns the versions."""
    directives, texts = [], []
    for i in range(count):
        doc_type, symbol_tail = DOC_TYPES[i % len(DOC_TYPES)]
        number = i + 1
        symbol = f"{SYMBOL_PREFIX}{symbol_tail}"
        subject = rng.choice(SUBJECTS)
        issued = today - datetime.timedelta(days=90 - (i * 60) // max(1, count))
        text, obligations = directive_text(number=number, symbol=symbol, subject=subject, issued=issued, rng=rng)
        directive = Directive(
            owner_unit=owner,
            doc_type=doc_type,
            number=str(number),
            symbol=symbol,
            issuer="Tổng cục Thuế",
            place="Hà Nội",
            issued_on=issued.isoformat(),
            subject=_nfc(f"{subject} (đợt {number})"),
            recipients=["Các Cục Thuế khu vực", "Các Chi cục Thuế trực thuộc"],
            distribution=["Như trên", "Lãnh đạo Tổng cục", "Lưu: VT, KTNB"],
            signer_title="KT. TỔNG CỤC TRƯỞNG PHÓ TỔNG CỤC TRƯỞNG",
            signer_name="Nguyễn Văn Tải",
            status=Status.PUBLISHED,
            created_by=by,
        )
        parts = [f"{number}/{symbol}", directive.issuer, directive.subject, directive.signer_name, text]
        directive.search_document = " " + fold(" ".join(parts))
        directives.append(directive)
        texts.append((text, obligations, issued))
    Directive.objects.bulk_create(directives, batch_size=INSERT_BATCH)
    # bulk_create returns primary keys on PostgreSQL and recent SQLite; fetch them
    # anyway so that any backend works.
    ids = dict(load_directives().values_list("number", "pk"))
    versions = []
    for directive, (text, _obligations, issued) in zip(directives, texts, strict=True):
        published_at = timezone.make_aware(datetime.datetime.combine(issued, datetime.time(9, 0)))
        versions.append(
            Version(
                directive_id=ids[directive.number],
                number=1,
                text=text,
                sha256=Version.digest(text),
                published_by=by,
                published_at=published_at,
            )
        )
    Version.objects.bulk_create(versions, batch_size=INSERT_BATCH)
    version_ids = dict(Version.objects.filter(directive__in=load_directives()).values_list("directive_id", "pk"))
    Obligation.objects.bulk_create(
        (
            Obligation(version_id=version_ids[ids[directive.number]], position=i, label=str(i + 1), text=item)
            for directive, (_text, obligations, _issued) in zip(directives, texts, strict=True)
            for i, item in enumerate(obligations)
        ),
        batch_size=INSERT_BATCH,
    )
    return list(Version.objects.filter(pk__in=version_ids.values()).order_by("directive__number"))


def _acknowledged_at_sql(params: list, *, assigned_at, until, salt: int) -> str:
    """SQL for the acknowledgement time of person `p`: a fixed pseudo-random share is
    acknowledged, at a time spread between assignment and `until`. PostgreSQL spreads
    it continuously; the portable form picks one of sixteen instants."""
    share = int(ACKNOWLEDGED_SHARE * 1000)
    chosen = f"((p.id * 2654435761 + {salt}) %% 1000) < {share}"
    if connection.vendor == "postgresql":
        params += [assigned_at, until, assigned_at]
        fraction = f"(((p.id * 40503 + {salt}) %% 9973) / 9973.0)"
        return f"CASE WHEN {chosen} THEN %s::timestamptz + (%s::timestamptz - %s::timestamptz) * {fraction} END"
    buckets = 16
    adapt = connection.ops.adapt_datetimefield_value
    whens = []
    for k in range(buckets):
        whens.append(f"WHEN {k} THEN %s")
        params.append(adapt(assigned_at + (until - assigned_at) * ((k + 0.5) / buckets)))
    return f"CASE WHEN {chosen} THEN CASE ((p.id * 40503 + {salt}) %% {buckets}) {' '.join(whens)} END END"


def build_assignments(versions: list[Version], *, root: Unit, by: Person, seed: int, progress) -> int:
    """A campaign per directive aimed at the whole load tree, and one assignment per
    active person there, inserted by one INSERT … SELECT per campaign. Due dates run
    from 45 days ago to 30 days ahead, so part of the open assignments are overdue."""
    today = timezone.localdate()
    now = timezone.now()
    count = len(versions)
    campaigns = []
    for i, version in enumerate(versions):
        offset = -45 + (75 * i) // max(1, count - 1)
        campaigns.append(
            Campaign(directive_id=version.directive_id, due_on=today + datetime.timedelta(offset), created_by=by)
        )
    Campaign.objects.bulk_create(campaigns, batch_size=INSERT_BATCH)
    campaigns = list(Campaign.objects.filter(directive_id__in=[v.directive_id for v in versions]))
    by_directive = {campaign.directive_id: campaign for campaign in campaigns}
    Target.objects.bulk_create(Target(campaign=campaign, unit=root, include_subtree=True) for campaign in campaigns)

    quote = connection.ops.quote_name
    table = quote(Assignment._meta.db_table)
    people = quote(Person._meta.db_table)
    units = quote(Unit._meta.db_table)
    total = 0
    for i, version in enumerate(versions):
        campaign = by_directive[version.directive_id]
        due_at = timezone.make_aware(datetime.datetime.combine(campaign.due_on, datetime.time(17, 0)))
        assigned_at = min(due_at - datetime.timedelta(days=30), now - datetime.timedelta(days=1))
        # Acknowledgements run until ten days after the due date (late ones) or now.
        until = min(now - datetime.timedelta(minutes=5), due_at + datetime.timedelta(days=10))
        Campaign.objects.filter(pk=campaign.pk).update(created_at=assigned_at)
        params = [campaign.pk, version.pk, connection.ops.adapt_datefield_value(campaign.due_on)]
        params.append(connection.ops.adapt_datetimefield_value(assigned_at))
        acknowledged = _acknowledged_at_sql(params, assigned_at=assigned_at, until=until, salt=seed * 7919 + i * 104729)
        params.append(root.path + "%")
        sql = (
            f"INSERT INTO {table} (campaign_id, version_id, person_id, due_on, assigned_at, acknowledged_at, closed_at) "
            f"SELECT %s, %s, p.id, %s, %s, {acknowledged}, NULL "
            f"FROM {people} p JOIN {units} u ON u.id = p.unit_id "
            "WHERE u.path LIKE %s AND p.is_active"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            total += cursor.rowcount
        progress(i + 1, total)
    return total


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu tải cho benchmark: cây đơn vị, cán bộ (@load.example), văn bản đã ban hành; "
        "với --assignments thêm một đợt quán triệt cho mỗi văn bản."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=100_000)
        parser.add_argument("--units", type=int, default=1_000)
        parser.add_argument("--directives", type=int, default=50)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--assignments", action="store_true", help="Một đợt quán triệt cho mỗi văn bản, giao cho mọi người."
        )
        parser.add_argument("--reset", action="store_true", help="Xóa dữ liệu tải đã có rồi sinh lại.")
        parser.add_argument("--delete-only", action="store_true", help="Chỉ xóa dữ liệu tải, không sinh lại.")

    def handle(self, *args, **options):
        people, units, count = options["people"], options["units"], options["directives"]
        if people < 1 or units < 1 or count < 0:
            raise CommandError("--people và --units phải ít nhất là 1, --directives không âm.")
        if options["delete_only"] or options["reset"]:
            self._delete()
            if options["delete_only"]:
                return
        elif load_data_exists():
            raise CommandError("Đã có dữ liệu tải (@load.example, LOAD…). Dùng --reset để xóa và sinh lại.")

        rng = random.Random(options["seed"])
        started = time.monotonic()
        try:
            with transaction.atomic():
                unit_ids = build_units(units)
                self._say(f"Đơn vị: {len(unit_ids)}", started)
                administrator = build_people(
                    people, unit_ids, rng, lambda done: self._say(f"Cán bộ: {done}/{people}", started)
                )
                root = Unit.objects.get(pk=unit_ids[0])
                versions = build_directives(count, owner=root, by=administrator, rng=rng, today=timezone.localdate())
                self._say(f"Văn bản đã ban hành: {len(versions)}", started)
                if options["assignments"]:
                    build_assignments(
                        versions,
                        root=root,
                        by=administrator,
                        seed=options["seed"],
                        progress=lambda done, total: self._say(
                            f"Đợt quán triệt: {done}/{len(versions)}, lượt giao: {total}", started
                        ),
                    )
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        for model in (Unit, Person, RoleGrant, Directive, Version, Campaign, Assignment):
                            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        except IntegrityError as exc:
            raise CommandError(f"Không ghi được dữ liệu tải: {exc}") from exc
        self._say(f"Xong. Quản trị viên của cây tải: {administrator.email}", started)

    def _delete(self):
        started = time.monotonic()
        try:
            counts = delete_load_data()
        except IntegrityError as exc:
            raise CommandError(f"Dữ liệu khác còn tham chiếu tới dữ liệu tải: {exc}") from exc
        summary = ", ".join(f"{name}: {number}" for name, number in counts.items())
        self._say(f"Đã xóa dữ liệu tải ({summary})", started)

    def _say(self, message: str, started: float) -> None:
        self.stdout.write(f"[{time.monotonic() - started:7.1f}s] {message}")
        self.stdout.flush()
