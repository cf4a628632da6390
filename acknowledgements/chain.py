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
- From version 4 a record is sealed (its MAC over its own fields, the paper's name
  and type included) and committed with the acknowledgement, without waiting for
  anyone; its place in the chain comes after the commit: the linker (`link`) takes
  every sealed record waiting in the queue, in one transaction under the head's
  lock, and writes for each a ChainLink (number, previous chain MAC, an HMAC over
  them and the record's MAC). Whoever acknowledges runs the linker right after
  their commit, so a burst of acknowledgements is linked in a few batches (a group
  commit) instead of queueing one by one on the head; the beat runs it too, for a
  process that died between the two commits. What the verifier proves is unchanged
  for linked records; a sealed record not linked after ACK_LINK_GRACE_MINUTES is a
  problem it reports.
- Records made before keyed MACs keep key id "v1" and their plain SHA-256 (fewer
  fields, no key): they cannot honestly be re-keyed. They must all come before the
  first keyed record, whose MAC covers the last of them.
"""

import datetime
import hashlib
import hmac
import ipaddress
import json
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from acknowledgements.models import Acknowledgement, Assignment, ChainHead, ChainLink, ChainPending
from directives.models import Version

GENESIS = "0" * 64
LEGACY = "v1"  # SHA-256 of the first fields, no key: records made before keyed MACs
CHECKPOINT_FORMAT = "acknowledgement-checkpoint/1"
# One PostgreSQL advisory lock for the linker, taken with try: a linker that finds it
# taken leaves, because the holder looks at the queue again after its commit.
LINKER_LOCK = 0x61636B6C  # "ackl"
LINK_BATCH = 5000
PENDING = ChainPending._meta.db_table
LINK_ROUNDS = 10

logger = logging.getLogger(__name__)


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


# The field set of new records: version 3 adds how the acknowledgement was made,
# version 4 the paper's name and type, and moves the place in the chain out of the
# row (ChainLink). Older records keep their MAC over the fields they were made with;
# the version is itself covered from 3 on, and a MAC never matches another version's
# list, so a record cannot be moved from one set to the other.
RECORD_VERSION = 4


def record_fields(ack: Acknowledgement) -> list:
    """Everything on the row but its own MAC and its surrogate id. Versions 2 and 3
    include the place in the chain (`seq`, the previous MAC); from 3: the method, the
    session, who recorded it, the signed sheet's or paper's SHA-256 and the reason;
    from 4 (placed by its ChainLink): the paper's name and type as well."""
    if ack.record_version >= 4:
        return [
            "acknowledgement/4",
            ack.key_id,
            *_own_fields(ack),
            *_method_fields(ack),
            ack.paper_name,
            ack.paper_type,
        ]
    place = [ack.seq, ack.previous_hash]
    if ack.record_version >= 3:
        return ["acknowledgement/3", ack.key_id, *place, *_own_fields(ack), *_method_fields(ack)]
    return ["acknowledgement", ack.key_id, *place, *_own_fields(ack)]


def _own_fields(ack: Acknowledgement) -> list:
    return [
        ack.assignment_id,
        ack.person_id,
        ack.version_id,
        ack.text_sha256,
        _utc(ack.acknowledged_at),
        _ip(ack.ip_address),
        ack.user_agent,
        bool(ack.confirmed_with_password),
    ]


def _method_fields(ack: Acknowledgement) -> list:
    return [ack.method, ack.session_id, ack.recorded_by_id, ack.sheet_sha256, ack.reason, ack.paper.name or ""]


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


def link_mac(*, key_id: str, key: bytes, seq: int, previous_hash: str, record_id: int, record_hash: str) -> str:
    return _mac(key, ["link", key_id, seq, previous_hash, record_id, record_hash])


def expected_link_mac(link: ChainLink, record_hash: str) -> str | None:
    key = keys().get(link.key_id)
    if key is None:
        return None
    return link_mac(
        key_id=link.key_id, key=key, seq=link.seq, previous_hash=link.previous_hash,
        record_id=link.acknowledgement_id, record_hash=record_hash,
    )  # fmt: skip


def lock_head() -> ChainHead:
    """The head row, locked until the end of the caller's transaction. Created empty
    for an empty chain; a chain with records and no head was cut, and nothing is
    appended to it until someone looks."""
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        if Acknowledgement.objects.filter(seq__isnull=False).exists() or ChainLink.objects.exists():
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


def seal(records: list[Acknowledgement]) -> list[Acknowledgement]:
    """MAC each record over its own fields with the current key, insert them and queue
    them for the linker, inside the caller's transaction. Takes no lock: the records
    get their place in the chain from `link`, after the caller's commit."""
    key_id, key = current_key()
    for ack in records:
        ack.key_id = key_id
        ack.record_version = RECORD_VERSION
        ack.seq, ack.previous_hash = None, ""
        ack.record_hash = _mac(key, record_fields(ack))
        ack.save()  # a trigger puts it in the linker's queue (ChainPending) in the same INSERT
    return records


def link() -> int:
    """Give every sealed record waiting in the queue its place in the chain; the
    number linked by this call. Safe at any moment and from any number of processes:
    one linker at a time (an advisory lock taken with try); one that finds the lock
    taken leaves at once, since the holder looks at the queue again after its commit
    and so links what was committed meanwhile. A record committed during the last of
    LINK_ROUNDS rounds waits for the next acknowledgement or the beat's run."""
    linked = 0
    for _round in range(LINK_ROUNDS):
        try:
            batch = _link_batch()
        except ChainBroken:
            # The records stay sealed and queued; the verifier and its alert say why.
            logger.error("acknowledgement chain: cannot link, the head is missing", exc_info=True)
            return linked
        except DatabaseError:
            # E.g. two linkers at once on SQLite, which has no advisory lock: the batch
            # rolled back whole, its records stay queued for the next linker (the
            # acknowledgement that ran this is already committed).
            logger.warning("acknowledgement chain: this linking batch failed; the next linker retries", exc_info=True)
            return linked
        if batch is None:
            return linked
        linked += batch
        if not ChainPending.objects.exists():
            return linked
    return linked


def _try_linker_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite, the embedded default, has one writer at a time anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LINKER_LOCK])
        return cursor.fetchone()[0]


def _link_batch() -> int | None:
    """One linker transaction: None when another linker holds the lock."""
    with transaction.atomic():
        if not _try_linker_lock():
            return None
        head = lock_head()
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {PENDING} WHERE acknowledgement_id IN "
                f"(SELECT acknowledgement_id FROM {PENDING} ORDER BY acknowledgement_id LIMIT %s) "
                "RETURNING acknowledgement_id, record_hash",
                [LINK_BATCH],
            )
            taken = sorted(cursor.fetchall())
        if not taken:
            return 0
        key_id, key = current_key()
        now = timezone.now()
        links = []
        count, last_hash = head.count, head.last_hash
        for record_id, record_hash in taken:
            count += 1
            mac = link_mac(
                key_id=key_id, key=key, seq=count, previous_hash=last_hash, record_id=record_id,
                record_hash=record_hash,
            )  # fmt: skip
            links.append(
                ChainLink(
                    acknowledgement_id=record_id,
                    seq=count,
                    previous_hash=last_hash,
                    key_id=key_id,
                    mac=mac,
                    linked_at=now,
                )
            )
            last_hash = mac
        ChainLink.objects.bulk_create(links)
        ChainHead.objects.filter(pk=1).update(
            count=count,
            last_hash=last_hash,
            key_id=key_id,
            mac=head_mac(count=count, last_hash=last_hash, key_id=key_id, key=key),
        )
        return len(links)


def place(ack: Acknowledgement) -> tuple[int, str, str] | None:
    """The record's number in the chain, the chain MAC before it and its own chain MAC
    (the record's MAC for versions 2 and 3, its link's from 4), or None while it waits
    for the linker."""
    if ack.seq is not None:
        return ack.seq, ack.previous_hash, ack.record_hash
    found = ChainLink.objects.filter(acknowledgement_id=ack.pk).first()
    return (found.seq, found.previous_hash, found.mac) if found else None


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
    waiting: int = 0  # sealed records not linked yet, within ACK_LINK_GRACE_MINUTES
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
    for position, (ack, previous, chain_hash, link) in enumerate(_walk(), start=1):

        def problem(message: str, ack=ack) -> None:
            problems.append(Problem(message, record_id=ack.pk, person=ack.email))

        if ack.place != position:
            problem(
                _("số thứ tự trong chuỗi là %(seq)d nhưng lẽ ra là %(expected)d (bản ghi bị xóa hoặc chèn thêm).")
                % {"seq": ack.place, "expected": position}
            )
        if previous != result.last_hash:
            problem(_("không nối với bản ghi trước nó (bản ghi trước bị xóa, chèn thêm hoặc sửa)."))
        if ack.key_id == LEGACY:
            result.legacy += 1
            if seen_keyed:
                problem(_("bản ghi kiểu cũ (v1, không khóa) nằm sau bản ghi có khóa: không thể có thật."))
        else:
            seen_keyed = True
        _check_record(ack, known, versions, problem)
        if link is not None:
            if ack.record_version < RECORD_VERSION or ack.seq is not None:
                problem(_("bản ghi đã có chỗ trong chuỗi ngay trong bản ghi, không thể có thêm mắt nối."))
            expected = expected_link_mac(link, ack.record_hash)
            if expected is None:
                problem(_("mắt nối được ký bằng khóa “%(key)s” không có trong ACK_CHAIN_KEYS.") % {"key": link.key_id})
            elif not hmac.compare_digest(expected, link.mac):
                problem(_("mã xác thực của mắt nối không khớp: vị trí của bản ghi trong chuỗi đã bị sửa."))
        at_anchor = checkpoint is not None and position == checkpoint["count"]
        if at_anchor and (ack.pk != checkpoint["last_id"] or chain_hash != checkpoint["last_hash"]):
            problem(
                _("khác với mốc kiểm tra lúc %(at)s (bản ghi thứ %(count)d đã bị thay hoặc sửa).")
                % {"at": checkpoint["at"], "count": checkpoint["count"]}
            )
        result.count, result.last_id, result.last_hash = position, ack.pk, chain_hash

    _check_waiting(result, known, versions)
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


def _annotated(records):
    return records.annotate(
        email=F("person__email"),
        assignment_person=F("assignment__person_id"),
        assignment_version=F("assignment__version_id"),
        assignment_at=F("assignment__acknowledged_at"),
    )


def _walk():
    """The chain in order, as (record, previous chain MAC, its chain MAC, its link):
    first the records that carry their place in the row (versions 1 to 3, by id),
    then the linked ones (version 4 on), by their links' numbers."""
    in_row = _annotated(Acknowledgement.objects.filter(seq__isnull=False).order_by("id"))
    for ack in in_row.iterator(chunk_size=2000):
        yield ack, ack.previous_hash, ack.record_hash, None
    links = _annotated(Acknowledgement.objects.filter(link__isnull=False).select_related("link").order_by("link__seq"))
    for ack in links.iterator(chunk_size=2000):
        yield ack, ack.link.previous_hash, ack.link.mac, ack.link


def _check_record(ack: Acknowledgement, known: dict, versions: dict, problem) -> None:
    """What holds for every record, linked or waiting: its own MAC, the text hash
    of its version, and its assignment."""
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


def _check_waiting(result: Verification, known: dict, versions: dict) -> None:
    """Sealed records not linked yet: checked like the others, counted as waiting
    while younger than ACK_LINK_GRACE_MINUTES, a problem after that (the linker
    stopped, or someone removed them from its queue)."""
    grace = settings.ACK_LINK_GRACE_MINUTES
    cutoff = timezone.now() - datetime.timedelta(minutes=grace)
    waiting = _annotated(Acknowledgement.objects.filter(seq__isnull=True, link__isnull=True).order_by("id"))
    for ack in waiting.iterator(chunk_size=2000):

        def problem(message: str, ack=ack) -> None:
            result.problems.append(Problem(message, record_id=ack.pk, person=ack.email))

        _check_record(ack, known, versions, problem)
        if ack.acknowledged_at < cutoff:
            problem(_("chưa được nối vào chuỗi sau %(minutes)d phút.") % {"minutes": grace})
        else:
            result.waiting += 1


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
