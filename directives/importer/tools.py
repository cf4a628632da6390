"""Run an external program (LibreOffice, Tesseract) on an upload, bounded.

The import already runs in a child process under RLIMIT_AS (isolated.py);
the program inherits that address-space cap. Each run also gets its own
wall-clock limit, a fresh temporary folder that is removed afterwards, and
an environment without the parent's secrets.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess

from django.utils.translation import gettext as _

from .limits import DocumentError

logger = logging.getLogger(__name__)

# Only what the programs need: no database URL or secret key reaches them.
_ENVIRONMENT_KEPT = ("PATH", "LANG", "LC_ALL", "TESSDATA_PREFIX")


def find(program: str, *, setting: str | None = None) -> str | None:
    """The program's path, from the setting when given, else from PATH."""
    from django.conf import settings

    configured = getattr(settings, setting, None) if setting and settings.configured else None
    return shutil.which(configured or program)


def run(command: list[str], *, folder: str, timeout_s: int, what: str, stdin: bytes | None = None) -> bytes:
    """stdout of command run in folder; DocumentError (naming `what`) when it
    fails or runs past timeout_s. The whole process group is killed on timeout,
    so a converter's helper processes die with it."""
    env = {key: os.environ[key] for key in _ENVIRONMENT_KEPT if key in os.environ}
    env.update(HOME=folder, TMPDIR=folder, OMP_THREAD_LIMIT="1")
    try:
        process = subprocess.Popen(
            command,
            cwd=folder,
            env=env,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError:
        logger.warning("Could not start %s", command[0], exc_info=True)
        raise DocumentError(
            _("Không chạy được %(tool)s trên máy chủ; hãy báo người quản trị.") % {"tool": what}
        ) from None
    try:
        stdout, stderr = process.communicate(stdin, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise DocumentError(
            _("%(tool)s chạy quá %(limit)s giây nên đã dừng (giới hạn thời gian); hãy thử tệp nhỏ hơn.")
            % {"tool": what, "limit": timeout_s}
        ) from None
    if process.returncode != 0:
        logger.info("%s failed (%s): %s", command[0], process.returncode, stderr[-2000:])
        raise DocumentError(_("%(tool)s không đọc được tệp này (tệp hỏng hoặc quá lớn).") % {"tool": what})
    return stdout
