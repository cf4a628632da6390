"""The inspectors' exports: every format shows the numbers stored in the database,
counted here again with plain Python over the rows."""

import csv
import datetime
import io
import json
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from pypdf import PdfReader

from acknowledgements import services as ack_services
from acknowledgements.models import Assignment
from organization.models import Person, Unit
from reports import exports, selectors
from reports.models import ExportLog
from reports.selectors import Counts, Filters, Summary
from reports.services import export_log_record
from tests.directives.seeds import SEEDS, import_seed
from tests.factories import PersonFactory, UnitFactory
from violations import services as case_services
from violations import workflow
from violations.models import Report, State

META = {"REMOTE_ADDR": "10.0.0.7", "HTTP_USER_AGENT": "pytest"}
STATUS_WORDS = {"on_time": "Đúng hạn", "late": "Muộn", "pending": "Chưa xác nhận", "overdue": "Quá hạn"}
COUNT_FIELDS = ("targeted", "acknowledged", "on_time", "late", "pending", "overdue")


@dataclass
class World:
    tax_letter: object
    ha_lang: object
    giang: Person
    khac: Person


@pytest.fixture
def world(cast, org, tax_letter) -> World:
    """Two campaigns over both agencies: acknowledged on time, late, pending and
    overdue assignments; a closed case, an overdue open case, a case in the other
    agency; one implementation report."""
    today = timezone.localdate()
    admin = cast.administrator
    ha_lang = import_seed(SEEDS / "308-UBND-TH_ha-lang_2017.txt", owner_unit=org.agency, by=admin)
    giang = PersonFactory(email="huonggiang@example.gov.vn", full_name="Nguyễn Thị Hương Giang", unit=org.department)
    khac = PersonFactory(email="khac@example.gov.vn", full_name="Hoàng Văn Khắc", unit=org.other_agency)
    in_ten_days = today + datetime.timedelta(days=10)
    ack_services.campaign_launch(directive=tax_letter, targets=[(org.agency, True)], due_on=in_ten_days, by=admin)
    ack_services.campaign_launch(
        directive=ha_lang, targets=[(org.department, True), (org.other_agency, True)], due_on=in_ten_days, by=admin
    )

    def assignment(person, directive):
        return Assignment.objects.get(person=person, version__directive=directive)

    for person, directive in [(cast.staff, tax_letter), (giang, tax_letter), (cast.unit_head, ha_lang)]:
        ack_services.acknowledgement_record(assignment=assignment(person, directive), by=person, request_meta=META)
    ack_services.acknowledgement_record(
        assignment=assignment(cast.outsider, ha_lang), by=cast.outsider, request_meta=META
    )
    # Giang acknowledged after the deadline; the inspector and the administrator have missed it.
    Assignment.objects.filter(pk=assignment(giang, tax_letter).pk).update(due_on=today - datetime.timedelta(days=3))
    Assignment.objects.filter(person__in=[cast.inspector, cast.administrator], version__directive=tax_letter).update(
        due_on=today - datetime.timedelta(days=1)
    )

    seen = timezone.now() - datetime.timedelta(days=1)
    closed = case_services.report_create(
        by=cast.unit_head, subject=cast.staff, category="working_hours", platform="facebook", seen_at=seen,
        description="Chơi game trên Facebook trong giờ làm việc.",
    )  # fmt: skip
    # The law's path for a minor breach: the person is heard, then a measure that is not
    # discipline (Kiểm điểm rút kinh nghiệm) closes the case.
    for to in (State.UNDER_REVIEW, State.HEARING):
        case_services.report_transition(report=closed, to=to, by=cast.unit_head, role=workflow.REVIEWER)
    case_services.report_explain(report=closed, by=cast.staff, text="Tôi nhận khuyết điểm, sẽ không tái phạm.")
    case_services.report_transition(report=closed, to=State.CONFIRMED, by=cast.unit_head, role=workflow.REVIEWER)
    case_services.report_transition(
        report=closed, to=State.CLOSED, by=cast.unit_head, role=workflow.REVIEWER, outcome="self_criticism"
    )
    late = case_services.report_create(
        by=cast.staff, subject=giang, category="state_secrets", platform="zalo", seen_at=seen,
        description="Chụp văn bản mật gửi lên nhóm Zalo.",
    )  # fmt: skip
    Report.objects.filter(pk=late.pk).update(review_due_on=today - datetime.timedelta(days=2))
    case_services.report_create(
        by=cast.outsider, subject=khac, category="insult", platform="tiktok", seen_at=seen,
        description="Bình luận xúc phạm đồng nghiệp.",
    )  # fmt: skip
    ack_services.implementation_report_submit(
        directive=ha_lang, unit=org.department, by=cast.unit_head, method="meeting", held_on=today
    )
    return World(tax_letter, ha_lang, giang, khac)


# Independent counts: plain Python over every stored assignment.


def status_of(assignment: Assignment, today: datetime.date) -> str:
    if assignment.acknowledged_at is None:
        return "overdue" if assignment.due_on < today else "pending"
    return "late" if timezone.localtime(assignment.acknowledged_at).date() > assignment.due_on else "on_time"


def stored_assignments(unit: Unit) -> list[Assignment]:
    rows = Assignment.objects.select_related("person__unit", "version__directive").all()
    return [a for a in rows if a.closed_at is None and a.person.unit.path.startswith(unit.path)]


def tally(assignments) -> dict[str, int]:
    today = timezone.localdate()
    counts = dict.fromkeys(COUNT_FIELDS, 0)
    for a in assignments:
        status = status_of(a, today)
        counts["targeted"] += 1
        # "pending" in the summary counts every open assignment, overdue ones included.
        counts["acknowledged" if status in ("on_time", "late") else "pending"] += 1
        if status != "pending":
            counts[status] += 1
    return counts


def expected_summary(unit: Unit) -> dict:
    """Totals, per directive code, per unit code (the unit itself or its child whose
    subtree holds the person)."""
    rows = stored_assignments(unit)
    by_directive, by_unit = defaultdict(list), defaultdict(list)
    children = {u.path: u.code for u in Unit.objects.all() if u.depth == unit.depth + 1}
    for a in rows:
        by_directive[a.version.directive.code].append(a)
        path = a.person.unit.path
        by_unit[unit.code if path == unit.path else children[path[: len(unit.path) + Unit.steplen]]].append(a)
    return {
        "totals": tally(rows),
        "by_directive": {code: tally(group) for code, group in by_directive.items()},
        "by_unit": {code: tally(group) for code, group in by_unit.items()},
    }


def as_dict(counts: Counts) -> dict[str, int]:
    return {name: getattr(counts, name) for name in COUNT_FIELDS}


def percent(counts: dict) -> int:
    return round(100 * counts["acknowledged"] / counts["targeted"]) if counts["targeted"] else 0


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


# CSV


def test_the_assignments_csv_has_a_bom_and_round_trips_every_stored_assignment(world, org):
    rows = read_csv(b"".join(exports.csv_assignments(Filters(unit=org.agency))))

    assert rows[0] == [
        "Mã đơn vị", "Đơn vị", "E-mail", "Họ và tên", "Văn bản", "Phiên bản", "Hạn xác nhận",
        "Thời điểm xác nhận", "Trạng thái", "Hình thức xác nhận",
    ]  # fmt: skip
    today = timezone.localdate()
    expected = [
        [
            a.person.unit.code, a.person.unit.name, a.person.email, a.person.full_name, a.version.directive.code,
            str(a.version.number), a.due_on.isoformat(),
            timezone.localtime(a.acknowledged_at).strftime("%Y-%m-%d %H:%M") if a.acknowledged_at else "",
            STATUS_WORDS[status_of(a, today)], "Trực tuyến" if a.acknowledged_at else "",
        ]
        for a in stored_assignments(org.agency)
    ]  # fmt: skip
    assert sorted(rows[1:]) == sorted(expected)
    assert Counter(row[8] for row in rows[1:]) == {"Đúng hạn": 2, "Muộn": 1, "Quá hạn": 2, "Chưa xác nhận": 3}
    assert ["PBC", "Phòng Bưu chính", "huonggiang@example.gov.vn", "Nguyễn Thị Hương Giang"] in [r[:4] for r in rows]


def test_the_summary_csv_has_the_directive_table_a_blank_line_then_the_unit_table(world, org):
    rows = read_csv(b"".join(exports.csv_summary(selectors.summary(Filters(unit=org.agency)))))
    expected = expected_summary(org.agency)

    blank = rows.index([])
    directives, units = rows[:blank], rows[blank + 1 :]
    assert directives[0][:3] == ["Văn bản", "Trích yếu", "Số lượt giao"]
    assert units[0][:3] == ["Mã đơn vị", "Đơn vị", "Số lượt giao"]

    def numbers(counts: dict) -> list[str]:
        return [str(counts[name]) for name in COUNT_FIELDS] + [str(percent(counts))]

    assert {row[0]: row[2:] for row in directives[1:-1]} == {
        code: numbers(counts) for code, counts in expected["by_directive"].items()
    }
    assert directives[-1] == ["Tổng cộng", "", *numbers(expected["totals"])]
    assert {row[0]: row[2:] for row in units[1:]} == {code: numbers(c) for code, c in expected["by_unit"].items()}
    assert ["PBC", "Phòng Bưu chính"] in [row[:2] for row in units]


def test_the_cases_csv_lists_each_case_in_scope_without_naming_anyone(world, org, cast):
    data = b"".join(exports.csv_cases(Filters(unit=org.agency)))
    rows = read_csv(data)

    stored = Report.objects.filter(unit__path__startswith=org.agency.path)
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(stored.values_list("id", flat=True))
    by_category = {row[2]: row for row in rows[1:]}
    assert by_category["Dùng mạng xã hội trong giờ làm việc"][4:6] == [
        "Đã xử lý, kết thúc",
        "Kiểm điểm rút kinh nghiệm",
    ]
    assert by_category["Bí mật nhà nước"][1] == "Phòng Bưu chính"
    text = data.decode("utf-8-sig")
    for person in (cast.staff, cast.unit_head, world.giang):
        assert person.full_name not in text and person.email not in text


# XLSX


def test_the_workbook_opens_with_frozen_filtered_headers_real_dates_and_the_stored_totals(world, org):
    filters = Filters(unit=org.agency)
    out = io.BytesIO()
    exports.xlsx_workbook(selectors.summary(filters), filters, out)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    expected = expected_summary(org.agency)

    assert book.sheetnames == ["Tổng hợp", "Theo đơn vị", "Cán bộ", "Vi phạm"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert sheet["A1"].font.b

    rows = list(book["Tổng hợp"].iter_rows(values_only=True))
    total = next(row for row in rows if row[0] == "Tổng cộng")
    assert list(total[2:9]) == [expected["totals"][name] for name in COUNT_FIELDS] + [percent(expected["totals"])]
    assert {row[0]: list(row[2:8]) for row in rows[1 : 1 + len(expected["by_directive"])]} == {
        code: [counts[name] for name in COUNT_FIELDS] for code, counts in expected["by_directive"].items()
    }
    units = list(book["Theo đơn vị"].iter_rows(min_row=2, values_only=True))
    assert {row[0]: list(row[2:8]) for row in units} == {
        code: [counts[name] for name in COUNT_FIELDS] for code, counts in expected["by_unit"].items()
    }

    people = book["Cán bộ"]
    assert [cell.value for cell in people[1]][:4] == ["Mã đơn vị", "Đơn vị", "E-mail", "Họ và tên"]
    assert people.max_row - 1 == expected["totals"]["targeted"]
    giang = next(row for row in people.iter_rows(min_row=2) if row[3].value == "Nguyễn Thị Hương Giang")
    assert isinstance(giang[6].value, datetime.datetime) and giang[6].is_date
    assert (
        giang[6].value.date() == Assignment.objects.get(person=world.giang, version__directive=world.tax_letter).due_on
    )
    assert isinstance(giang[7].value, datetime.datetime) and giang[8].value == "Muộn"
    cases = book["Vi phạm"]
    assert cases.max_row - 1 == Report.objects.filter(unit__path__startswith=org.agency.path).count()
    assert isinstance(cases["G2"].value, datetime.datetime) and isinstance(cases["H2"].value, datetime.datetime)


# PDF


def test_the_pdf_is_an_administrative_report_with_the_stored_numbers(world, org):
    data = exports.pdf_summary(
        selectors.summary(Filters(unit=org.agency)),
        signer_title="KT. Giám đốc\nPhó Giám đốc",
        signer_name="Nguyễn Văn Ký",
        today=datetime.date(2024, 2, 5),
    )
    text = pdf_text(data)
    totals = expected_summary(org.agency)["totals"]

    assert data.startswith(b"%PDF")
    for words in (
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "/BC-STTTT", "Hà Nội, ngày 05 tháng 02 năm 2024", "BÁO CÁO",
        "Tình hình thực hiện quán triệt văn bản về quy tắc ứng xử trên mạng xã hội",
        "Phòng Bưu chính", "Văn phòng Sở", "3821/TCT-KTNB", "308/UBND-TH",
        "Dùng mạng xã hội trong giờ làm việc", "Bí mật nhà nước", "Số hồ sơ quá hạn xem xét: 1.",
        "Nơi nhận:", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Ký",
    ):  # fmt: skip
        assert words in text, words
    assert (
        f"Tổng số lượt giao quán triệt: {totals['targeted']}; đã xác nhận: {totals['acknowledged']} "
        f"(37,5 %), trong đó đúng hạn: {totals['on_time']}, muộn: {totals['late']}; "  # 3 of 8
        f"chưa xác nhận: {totals['pending']}, trong đó quá hạn: {totals['overdue']}."
    ) in text
    # The tax letter targets the whole agency, which has not reported its dissemination.
    assert "ĐƠN VỊ CHƯA BÁO CÁO TRIỂN KHAI" in text
    assert "Sở Tư pháp" not in text and "Hoàng Văn Khắc" not in text


def test_a_long_pdf_table_breaks_across_pages_with_its_header_repeated(org):
    units = [
        (Unit(code=f"X{i}", name=f"Phòng Quản lý số {i}"), Counts(targeted=10, acknowledged=i % 10)) for i in range(90)
    ]
    data = exports.pdf_summary(Summary(filters=Filters(unit=org.department), by_unit=units))
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]

    assert len(pages) >= 3
    assert "PHÒNG BƯU CHÍNH" in pages[0] and "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in pages[0]
    assert all("Số lượt giao" in page and "Tỷ lệ (%)" in page for page in pages[1:-1])
    assert "Phòng Quản lý số 89" in " ".join(pages)


# JSON


def test_the_json_summary_holds_the_stored_numbers(world, org):
    data = exports.json_summary(selectors.summary(Filters(unit=org.agency)))
    expected = expected_summary(org.agency)

    assert json.loads(json.dumps(data)) == data
    assert {k: v for k, v in data["totals"].items() if k != "percent"} == expected["totals"]
    assert {
        row["code"]: {k: v for k, v in row["counts"].items() if k != "percent"} for row in data["by_directive"]
    } == (expected["by_directive"])
    assert {row["code"]: {k: v for k, v in row["counts"].items() if k != "percent"} for row in data["by_unit"]} == (
        expected["by_unit"]
    )
    assert data["overdue_cases"] == 1
    assert [(row["directive"], row["unit"]) for row in data["missing_reports"]] == [("3821/TCT-KTNB", "STTTT")]
    assert {row["label"]: row["count"] for row in data["violations_by"]["category"]} == {
        "Dùng mạng xã hội trong giờ làm việc": 1, "Bí mật nhà nước": 1,
    }  # fmt: skip


# Streaming


def test_the_assignments_csv_reads_nothing_until_rows_are_asked_for(
    world, org, monkeypatch, django_assert_num_queries, django_assert_max_num_queries
):
    taken, assignment_rows = [], selectors.assignment_rows

    def counting_rows(filters, **kwargs):
        for row in assignment_rows(filters, **kwargs):
            taken.append(row)
            yield row

    monkeypatch.setattr(selectors, "assignment_rows", counting_rows)
    monkeypatch.setattr(exports, "CSV_CHUNK_ROWS", 2)
    total = len(stored_assignments(org.agency))

    chunks = exports.csv_assignments(Filters(unit=org.agency))
    with django_assert_num_queries(0):
        header = next(chunks)
    assert header.startswith(b"\xef\xbb\xbf") and header.count(b"\n") == 1
    with django_assert_max_num_queries(1):
        first = next(chunks)
    assert first.count(b"\n") == 2
    assert len(taken) == 2 < total
    chunks.close()


def test_a_large_assignments_csv_comes_in_chunks_of_500_rows(cast, org, tax_letter, django_assert_max_num_queries):
    Person.objects.bulk_create(
        Person(email=f"nguoi{i}@example.gov.vn", full_name=f"Trần Thị Số {i}", unit=org.team) for i in range(1100)
    )
    due = timezone.localdate() + datetime.timedelta(days=5)
    ack_services.campaign_launch(directive=tax_letter, targets=[(org.agency, True)], due_on=due, by=cast.administrator)

    with django_assert_max_num_queries(2):
        chunks = list(exports.csv_assignments(Filters(unit=org.agency)))

    rows_per_chunk = [chunk.count(b"\r\n") for chunk in chunks]
    assert rows_per_chunk == [1, 500, 500, 1104 - 1000]
    assert len(read_csv(b"".join(chunks))) == 1 + 1104


# Scope


def test_an_export_for_the_other_agency_holds_none_of_the_agencys_people(world, org, cast):
    filters = Filters(unit=org.other_agency)
    text = b"".join(exports.csv_assignments(filters)).decode("utf-8-sig")
    summary = selectors.summary(filters)

    agency_people = Person.objects.filter(unit__path__startswith=org.agency.path)
    assert agency_people.count() == 5
    for person in agency_people:
        assert person.email not in text and person.full_name not in text
    assert "Vũ Người Ngoài" in text and "Hoàng Văn Khắc" in text
    assert as_dict(summary.total) == expected_summary(org.other_agency)["totals"]
    assert [unit.code for unit, _counts in summary.by_unit] == ["STP"]
    cases = read_csv(b"".join(exports.csv_cases(filters)))
    assert [row[1:4] for row in cases[1:]] == [["Sở Tư pháp", "Xúc phạm danh dự, nhân phẩm người khác", "TikTok"]]


def test_a_department_export_covers_its_subtree_only(world, org, cast):
    rows = read_csv(b"".join(exports.csv_assignments(Filters(unit=org.department))))

    assert {row[2] for row in rows[1:]} == {cast.staff.email, cast.unit_head.email, world.giang.email}
    assert {row[0] for row in rows[1:]} == {"PBC", "TBC"}
    summary = selectors.summary(Filters(unit=org.department))
    assert as_dict(summary.total) == expected_summary(org.department)["totals"]


# The command


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf", "json"])
def test_the_command_writes_each_format_and_logs_the_export(world, org, tmp_path, fmt):
    out = tmp_path / f"bao-cao.{fmt}"
    stdout = io.StringIO()
    call_command("export_compliance", format=fmt, unit="STTTT", out=str(out), stdout=stdout)

    data = out.read_bytes()
    totals = expected_summary(org.agency)["totals"]
    if fmt == "csv":
        assert len(read_csv(data)) == 1 + totals["targeted"]
    elif fmt == "xlsx":
        assert openpyxl.load_workbook(out).sheetnames == ["Tổng hợp", "Theo đơn vị", "Cán bộ", "Vi phạm"]
    elif fmt == "pdf":
        assert f"Tổng số lượt giao quán triệt: {totals['targeted']};" in pdf_text(data)
    else:
        assert {k: v for k, v in json.loads(data)["totals"].items() if k != "percent"} == totals
    assert str(out) in stdout.getvalue()
    log = ExportLog.objects.get()
    assert (log.person, log.format, log.kind) == (None, fmt, "assignments" if fmt == "csv" else "summary")
    assert log.filters == {"unit": "STTTT", "directive": "", "from": "", "to": ""}


def test_the_command_filters_by_directive_code_and_period(world, org, tmp_path):
    out = tmp_path / "bao-cao.json"
    today = timezone.localdate().isoformat()
    call_command(
        "export_compliance", format="json", unit="PBC", directive="308/UBND-TH", start=today, end=today, out=str(out)
    )

    data = json.loads(out.read_text(encoding="utf-8"))
    assert [row["code"] for row in data["by_directive"]] == ["308/UBND-TH"]
    expected = tally(a for a in stored_assignments(org.department) if a.version.directive_id == world.ha_lang.pk)
    assert {k: v for k, v in data["totals"].items() if k != "percent"} == expected
    assert ExportLog.objects.get().filters == {"unit": "PBC", "directive": "308/UBND-TH", "from": today, "to": today}


def test_the_command_writes_the_cases_csv_on_request(world, tmp_path):
    out = tmp_path / "vi-pham.csv"
    call_command("export_compliance", "--format", "csv", "--what", "cases", "--unit", "STTTT", "--out", str(out))

    assert len(read_csv(out.read_bytes())) == 1 + 2
    assert ExportLog.objects.get().kind == "cases"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"unit": "KHONG-CO"}, "Không có đơn vị mã KHONG-CO"),
        ({"unit": "STTTT", "directive": "9999/XYZ"}, "Không có văn bản số 9999/XYZ"),
        ({"unit": "STTTT", "start": "2024-13-01"}, "Ngày 2024-13-01 không hợp lệ"),
        ({"unit": "STTTT", "start": "2024-05-02", "end": "2024-05-01"}, "Ngày bắt đầu phải trước ngày kết thúc"),
        ({}, "hãy chọn đơn vị bằng --unit"),
        ({"unit": "STTTT", "what": "cases", "format": "pdf"}, "Chỉ định dạng csv"),
    ],
)
def test_the_command_refuses_bad_options_and_writes_nothing(world, tmp_path, options, message):
    out = tmp_path / "bao-cao.out"
    with pytest.raises(CommandError, match=message):
        call_command("export_compliance", out=str(out), **{"format": "csv", **options})

    assert not out.exists()
    assert not ExportLog.objects.exists()


def test_the_command_defaults_to_the_only_root_unit(db, tmp_path):
    UnitFactory(name="Ủy ban nhân dân tỉnh Hà Tĩnh", code="UBND-HT")
    out = tmp_path / "tong-hop.json"
    call_command("export_compliance", format="json", out=str(out))

    assert json.loads(out.read_text(encoding="utf-8"))["filters"]["unit"] == "UBND-HT"


def test_the_export_log_keeps_who_exported_what_with_which_filters(world, org, cast):
    filters = Filters(unit=org.department, directive=world.tax_letter, start=datetime.date(2024, 9, 1))
    log = export_log_record(person=cast.inspector, kind="summary", format="xlsx", filters=filters)

    log.refresh_from_db()
    assert (log.person, log.kind, log.format) == (cast.inspector, "summary", "xlsx")
    assert log.filters == {"unit": "PBC", "directive": "3821/TCT-KTNB", "from": "2024-09-01", "to": ""}
    with pytest.raises(ValueError):
        export_log_record(person=None, kind="everything", format="xlsx", filters=filters)


def test_assignments_beyond_one_sheet_continue_on_the_next(cast, org, campaign, monkeypatch):
    import io

    import openpyxl

    from reports import exports, selectors

    monkeypatch.setattr(exports, "SHEET_ROWS", 1)
    filters = selectors.Filters(unit=org.agency)
    out = io.BytesIO()

    exports.xlsx_workbook(selectors.summary(filters), filters, out)

    workbook = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert [name for name in workbook.sheetnames if name.startswith("Cán bộ")] == ["Cán bộ", "Cán bộ (2)"]
    assert workbook["Cán bộ (2)"]["A1"].value == workbook["Cán bộ"]["A1"].value
    assert workbook["Cán bộ (2)"].max_row == 2
