"""The chain of acknowledgement records, made tamper-evident against someone who can
write to the database.

- Each record carries an HMAC-SHA256 over every field that reports rely on (and
  every other field of the row): its place in the chain (`seq`), the previous
  record's MAC, assignment, person, version, text hash, time, address, user agent,
  whether the password signed it, and the key id. The key is not in the database
  (settings.ACK_CHAIN_KEYS): without it nobody can rewrite a record and re-MAC the
  chain after it.
- The head row (count and last MAC) is MACed too, so cutting off the last records
  and setting the head back to match does not pass; deleting the head is an error.
- The head is anchored outside the database: signed checkpoints (count, last record
  id, last MAC, time) written to ACK_CHECKPOINT_DIR and e-mailed daily. A checkpoint
  kept elsewhere proves what the chain held at that time, so replaying an old head
  (the one thing a MAC cannot catch) or rewriting with a stolen key shows up as a
  mismatch against it.
- Records carry the version of the field set their MAC covers (`record_version`):
  3 adds the method (online, at a meeting, on behalf), the session, the recorder,
  the signed sheet's SHA-256 and the reason; records of version 2 keep verifying.
- Records made before keyed MACs keep key id "v1" and their plain SHA-256 (fewer
  fields, no key): they cannot honestly be re-keyed. They must all come before the
  first keyed record, whose MAC covers the last of them.
"""

import datetime
import hashlib
import hmac
import ipaddress
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from acknowledgements.models import Acknowledgement, Assignment, ChainHead
from directives.models import Version

GENESIS = "0" * 64
LEGACY = "v1"  # SHA-256 of the first fields, no key: records made before keyed MACs
CHECKPOINT_FORMAT = "acknowledgement-checkpoint/1"


class ChainBroken(ValidationError):
    """The chain cannot be extended or anchored as it stands."""


# Keys ---------------------------------------------------------------------------


def keys() -> dict[str, bytes]:
    return settings.ACK_CHAIN_KEYS


def current_key() -> tuple[str, bytes]:
    key_id, key = next(iter(keys().items()))
    return key_id, key


def _mac(key: bytes, values: list) -> str:
    payload = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def _utc(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).isoformat()


def _ip(value) -> str:
    # The database may hand an address back in another spelling (inet, IPv6 zeros).
    return str(ipaddress.ip_address(value)) if value else ""


# Records ------------------------------------------------------------------------


# The field set of new records: version 3 adds how the acknowledgement was made.
# Records of version 2 keep their MAC over the fields they were made with; the
# version is itself covered from 3 on, and a version-2 MAC never matches the
# longer list, so a record cannot be moved from one set to the other.
RECORD_VERSION = 3


def record_fields(ack: Acknowledgement) -> list:
    """Everything on the row but its own MAC and its surrogate id (the place in the
    chain is `seq`, and the previous MAC links it). From record version 3: the
    method, the session, who recorded it, the signed sheet's or paper's SHA-256 and
    the reason."""
    if ack.record_version >= 3:
        return [
            *_base_fields(ack, "acknowledgement/3"),
            ack.method,
            ack.session_id,
            ack.recorded_by_id,
            ack.sheet_sha256,
            ack.reason,
            ack.paper.name or "",
        ]
    return _base_fields(ack, "acknowledgement")


def _base_fields(ack: Acknowledgement, tag: str) -> list:
    return [
        tag,
        ack.key_id,
        ack.seq,
        ack.previous_hash,
        ack.assignment_id,
        ack.person_id,
        ack.version_id,
        ack.text_sha256,
        _utc(ack.acknowledged_at),
        _ip(ack.ip_address),
        ack.user_agent,
        bool(ack.confirmed_with_password),
    ]


def legacy_hash(ack: Acknowledgement) -> str:
    """The SHA-256 of records made before keyed MACs, exactly as it was computed."""
    payload = json.dumps(
        [
            ack.previous_hash,
            ack.person_id,
            ack.version_id,
            ack.text_sha256,
            ack.acknowledged_at.isoformat(),
            ack.ip_address or "",
            ack.user_agent,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def expected_hash(ack: Acknowledgement) -> str | None:
    """What the record's MAC should be, or None when its key is unknown here."""
    if ack.key_id == LEGACY:
        return legacy_hash(ack)
    key = keys().get(ack.key_id)
    return None if key is None else _mac(key, record_fields(ack))


def head_mac(*, count: int, last_hash: str, key_id: str, key: bytes) -> str:
    return _mac(key, ["head", key_id, count, last_hash])


def lock_head() -> ChainHead:
    """The head row, locked until the end of the caller's transaction. Created empty
    for an empty chain; a chain with records and no head was cut, and nothing is
    appended to it until someone looks."""
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        if Acknowledgement.objects.exists():
            raise ChainBroken(
                _("Chuỗi xác nhận đang bị lỗi (mất bản ghi đầu chuỗi). Vui lòng báo cho quản trị hệ thống.")
            )
        key_id, key = current_key()
        ChainHead.objects.get_or_create(
            pk=1,
            defaults={
                "last_hash": GENESIS,
                "count": 0,
                "key_id": key_id,
                "mac": head_mac(count=0, last_hash=GENESIS, key_id=key_id, key=key),
            },
        )
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def append(ack: Acknowledgement, *, head: ChainHead) -> Acknowledgement:
    """Link `ack` after the head (locked by lock_head), MAC it with the current key,
    insert it and move the head on. Runs inside the caller's transaction."""
    key_id, key = current_key()
    ack.seq = head.count + 1
    ack.previous_hash = head.last_hash
    ack.key_id = key_id
    ack.record_version = RECORD_VERSION
    ack.record_hash = _mac(key, record_fields(ack))
    ack.save()
    ChainHead.objects.filter(pk=1).update(
        count=ack.seq,
        last_hash=ack.record_hash,
        key_id=key_id,
        mac=head_mac(count=ack.seq, last_hash=ack.record_hash, key_id=key_id, key=key),
    )
    # The locked head in memory follows, so one transaction can append several records.
    head.count, head.last_hash, head.key_id = ack.seq, ack.record_hash, key_id
    return ack


# Verification -------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    message: str
    record_id: int | None = None
    person: str = ""

    def __str__(self) -> str:
        if self.record_id is None:
            return self.message
        return _("Bản ghi #%(id)d (%(person)s): %(message)s") % {
            "id": self.record_id,
            "person": self.person,
            "message": self.message,
        }


@dataclass
class Verification:
    count: int = 0
    last_id: int | None = None
    last_hash: str = GENESIS
    legacy: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _differences(row) -> list[str]:
    wrong = []
    if row.assignment_person != row.person_id:
        wrong.append(_("người"))
    if row.assignment_version != row.version_id:
        wrong.append(_("phiên bản"))
    if row.assignment_at is None:
        wrong.append(_("lượt giao chưa đánh dấu đã xác nhận"))
    elif row.assignment_at != row.acknowledged_at:
        wrong.append(_("thời điểm xác nhận"))
    return wrong


@contextmanager
def _snapshot():
    """One snapshot for every read of a verification, so records added meanwhile do
    not look like a head that disagrees with the chain."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def verify(*, checkpoint: dict | None = None) -> Verification:
    """Walk the whole chain in order and check every record, the head, the
    assignments that claim to be acknowledged and, if given, that the chain still
    holds `checkpoint` (an earlier signed copy of its head)."""
    with _snapshot():
        return _verify(checkpoint)


def _verify(checkpoint: dict | None) -> Verification:
    result = Verification()
    problems = result.problems
    versions = dict(Version.objects.values_list("id", "sha256"))
    known = keys()
    seen_keyed = False
    anchor = None
    if checkpoint is not None:
        anchor = checkpoint_problem(checkpoint)
        if anchor is not None:
            problems.append(Problem(anchor))
            checkpoint = None
    rows = (
        Acknowledgement.objects.order_by("id")
        .annotate(
            email=F("person__email"),
            assignment_person=F("assignment__person_id"),
            assignment_version=F("assignment__version_id"),
            assignment_at=F("assignment__acknowledged_at"),
        )
        .iterator(chunk_size=2000)
    )
    for position, ack in enumerate(rows, start=1):

        def problem(message: str, ack=ack) -> None:
            problems.append(Problem(message, record_id=ack.pk, person=ack.email))

        if ack.seq != position:
            problem(
                _("số thứ tự trong chuỗi là %(seq)d nhưng lẽ ra là %(expected)d (bản ghi bị xóa hoặc chèn thêm).")
                % {"seq": ack.seq, "expected": position}
            )
        if ack.previous_hash != result.last_hash:
            problem(_("không nối với bản ghi trước nó (bản ghi trước bị xóa, chèn thêm hoặc sửa)."))
        if ack.key_id == LEGACY:
            result.legacy += 1
            if seen_keyed:
                problem(_("bản ghi kiểu cũ (v1, không khóa) nằm sau bản ghi có khóa: không thể có thật."))
        else:
            seen_keyed = True
        if ack.key_id != LEGACY and ack.key_id not in known:
            problem(_("khóa “%(key)s” không có trong ACK_CHAIN_KEYS.") % {"key": ack.key_id})
        elif not hmac.compare_digest(expected_hash(ack), ack.record_hash):
            problem(_("mã xác thực không khớp: nội dung bản ghi đã bị sửa."))
        if versions.get(ack.version_id) != ack.text_sha256:
            problem(_("mã băm văn bản không khớp phiên bản đã xác nhận."))
        if wrong := _differences(ack):
            problem(
                _("không khớp lượt giao #%(assignment)d: %(fields)s.")
                % {"assignment": ack.assignment_id, "fields": ", ".join(wrong)}
            )
        at_anchor = checkpoint is not None and position == checkpoint["count"]
        if at_anchor and (ack.pk != checkpoint["last_id"] or ack.record_hash != checkpoint["last_hash"]):
            problem(
                _("khác với mốc kiểm tra lúc %(at)s (bản ghi thứ %(count)d đã bị thay hoặc sửa).")
                % {"at": checkpoint["at"], "count": checkpoint["count"]}
            )
        result.count, result.last_id, result.last_hash = position, ack.pk, ack.record_hash

    _check_head(result)
    for assignment_id, email in (
        Assignment.objects.filter(acknowledged_at__isnull=False, acknowledgement__isnull=True)
        .order_by("pk")
        .values_list("pk", "person__email")
    ):
        problems.append(
            Problem(
                _("Lượt giao #%(id)d (%(person)s): đánh dấu đã xác nhận nhưng không có bản ghi xác nhận.")
                % {"id": assignment_id, "person": email}
            )
        )
    if checkpoint is not None and result.count < checkpoint["count"]:
        problems.append(
            Problem(
                _("Chuỗi chỉ còn %(count)d bản ghi, ít hơn mốc kiểm tra lúc %(at)s (%(expected)d bản ghi).")
                % {"count": result.count, "at": checkpoint["at"], "expected": checkpoint["count"]}
            )
        )
    return result


def _check_head(result: Verification) -> None:
    head = ChainHead.objects.filter(pk=1).first()
    if head is None:
        if result.count:
            result.problems.append(Problem(_("Mất bản ghi đầu chuỗi: các bản ghi cuối có thể đã bị xóa cùng với nó.")))
        return
    key = keys().get(head.key_id)
    if key is None:
        result.problems.append(
            Problem(_("Đầu chuỗi được ký bằng khóa “%(key)s” không có trong ACK_CHAIN_KEYS.") % {"key": head.key_id})
        )
    elif not hmac.compare_digest(
        head_mac(count=head.count, last_hash=head.last_hash, key_id=head.key_id, key=key), head.mac
    ):
        result.problems.append(Problem(_("Đầu chuỗi đã bị sửa: mã xác thực của nó không khớp.")))
    if head.count != result.count or head.last_hash != result.last_hash:
        result.problems.append(
            Problem(
                _(
                    "Đầu chuỗi ghi %(head)d bản ghi nhưng chuỗi có %(count)d: "
                    "bản ghi cuối đã bị xóa, thêm hoặc thay đổi."
                )
                % {"head": head.count, "count": result.count}
            )
        )


# Checkpoints --------------------------------------------------------------------


def _checkpoint_fields(checkpoint: dict) -> list:
    return [
        CHECKPOINT_FORMAT,
        checkpoint["key_id"],
        checkpoint["count"],
        checkpoint["last_id"],
        checkpoint["last_hash"],
        checkpoint["at"],
    ]


def checkpoint_of(result: Verification, *, at: datetime.datetime | None = None) -> dict:
    """A signed copy of the head of a verified chain."""
    key_id, key = current_key()
    checkpoint = {
        "format": CHECKPOINT_FORMAT,
        "count": result.count,
        "last_id": result.last_id,
        "last_hash": result.last_hash,
        "at": _utc(at or timezone.now()),
        "key_id": key_id,
    }
    checkpoint["signature"] = _mac(key, _checkpoint_fields(checkpoint))
    return checkpoint


def checkpoint_problem(checkpoint: dict) -> str | None:
    """Why a checkpoint cannot be trusted (malformed, unknown key, bad signature), or None."""
    try:
        if checkpoint.get("format") != CHECKPOINT_FORMAT:
            raise KeyError("format")
        fields = _checkpoint_fields(checkpoint)
        # A key id that is not text (a list, an object) cannot even be looked up.
        texts = (checkpoint["key_id"], checkpoint["signature"])
        if not isinstance(checkpoint["count"], int) or not all(isinstance(text, str) for text in texts):
            raise KeyError("count")
    except (KeyError, AttributeError, TypeError):
        return _("Tệp mốc kiểm tra không đúng định dạng.")
    key = keys().get(checkpoint["key_id"])
    if key is None:
        return _("Mốc kiểm tra được ký bằng khóa “%(key)s” không có trong ACK_CHAIN_KEYS.") % {
            "key": checkpoint["key_id"]
        }
    if not hmac.compare_digest(_mac(key, fields), checkpoint["signature"]):
        return _("Chữ ký của mốc kiểm tra không đúng: tệp đã bị sửa.")
    return None


def checkpoint_write(checkpoint: dict) -> Path:
    """Write the checkpoint as one JSON file under ACK_CHECKPOINT_DIR (never overwriting
    an earlier one) and return its path."""
    directory = Path(settings.ACK_CHECKPOINT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.fromisoformat(checkpoint["at"]).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"acknowledgements-{stamp}-{checkpoint['count']}.json"
    text = json.dumps(checkpoint, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    # "x": a second writer at the same microsecond fails instead of overwriting.
    with open(path, "x", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    return path


def checkpoint_read(path: str | Path) -> dict:
    try:
        with open(path, encoding="utf-8") as source:
            data = json.load(source)
    except (OSError, ValueError) as exc:
        raise ValidationError(_("Không đọc được tệp mốc kiểm tra: %(error)s") % {"error": exc}) from exc
    if not isinstance(data, dict):
        raise ValidationError(_("Tệp mốc kiểm tra không đúng định dạng."))
    return data
