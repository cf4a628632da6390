"""Read and parse an uploaded file in a child process that may be killed.

A hostile file can still cost more than the budgets in reading.py foresee
(a library's own worst case, a parser bug). So the reading runs in a fresh
Python process, not a fork of the worker: its address space is capped with
RLIMIT_AS before it touches the file, and it is killed after a wall-clock
timeout. Only the child dies; the worker records a Vietnamese message.

The child is started as ``python -m directives.importer.isolated PARAMS``
with the file on stdin and answers one JSON object on stdout. It configures
a minimal Django (translations only) and never opens the database.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from django.utils.translation import gettext as _

from .reading import DocumentError, Limits

PROJECT_ROOT = Path(__file__).resolve().parents[2]
_MEGABYTE = 1024 * 1024


def _timed_out(timeout_s: int) -> DocumentError:
    return DocumentError(
        _(
            "Đọc tệp quá %(limit)s giây nên đã dừng (giới hạn thời gian). Tệp có thể hỏng hoặc quá phức tạp; "
            "hãy thử tệp khác hoặc dán nội dung."
        )
        % {"limit": timeout_s}
    )


def _out_of_memory(memory_mb: int) -> DocumentError:
    return DocumentError(
        _(
            "Đọc tệp cần hơn %(limit)s MB bộ nhớ nên đã dừng (giới hạn bộ nhớ). Tệp có thể hỏng hoặc quá phức tạp; "
            "hãy thử tệp khác hoặc dán nội dung."
        )
        % {"limit": memory_mb}
    )


def _tool_settings() -> dict:
    from django.conf import settings

    return {name: getattr(settings, name, "") for name in ("DIRECTIVE_SOFFICE", "DIRECTIVE_TESSERACT")}


def read_and_parse_isolated(
    data: bytes,
    filename: str,
    *,
    max_bytes: int,
    limits: Limits,
    timeout_s: int,
    memory_mb: int,
    language: str = "vi",
) -> tuple[str, dict]:
    """(text, parse result) of an uploaded file, read in a child process under a
    memory cap and a timeout. Cited documents are left unresolved (known={}): who
    may see which directive is the caller's business. Raises DocumentError with a
    message for the user, including when the child runs out of time or memory."""
    params = {
        "filename": filename,
        "max_bytes": max_bytes,
        "limits": dataclasses.asdict(limits),
        "memory_mb": memory_mb,
        "language": language,
        "tools": _tool_settings(),
    }
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    try:
        child = subprocess.run(
            [sys.executable, "-m", "directives.importer.isolated", json.dumps(params)],
            input=data,
            capture_output=True,
            timeout=timeout_s,
            cwd=PROJECT_ROOT,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed the child
        raise _timed_out(timeout_s) from None
    try:
        answer = json.loads(child.stdout)
    except ValueError:
        answer = None
    if child.returncode == 0 and isinstance(answer, dict):
        if answer.get("ok"):
            return answer["text"], answer["parsed"]
        if answer.get("error"):
            raise DocumentError(answer["error"])
    # No answer: the child died. Under RLIMIT_AS that is nearly always a failed
    # allocation (MemoryError, or a C library aborting on malloc failure).
    raise _out_of_memory(memory_mb)


def _child_main(argv: list[str]) -> int:
    params = json.loads(argv[1])
    cap = int(params["memory_mb"]) * _MEGABYTE
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    data = sys.stdin.buffer.read()

    import django
    from django.conf import settings

    settings.configure(
        USE_I18N=True,
        LANGUAGE_CODE=params["language"],
        LOCALE_PATHS=[str(PROJECT_ROOT / "locale")],
        INSTALLED_APPS=[],
        LOGGING_CONFIG=None,
        **params.get("tools", {}),
    )
    django.setup()
    from django.utils import translation

    from .parser import parse
    from .reading import read_document_with_notes

    translation.activate(params["language"])
    try:
        text, notes = read_document_with_notes(
            data, params["filename"], max_bytes=params["max_bytes"], limits=Limits(**params["limits"])
        )
        parsed = parse(text, known={})
        parsed["warnings"] = notes + parsed["warnings"]  # how the text was obtained comes first
        answer = {"ok": True, "text": text, "parsed": parsed}
    except DocumentError as exc:
        answer = {"ok": False, "error": str(exc)}
    except MemoryError:
        return 3  # the parent explains; writing more output could fail too
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv))
