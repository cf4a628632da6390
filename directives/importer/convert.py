"""Old Word (.doc), OpenDocument (.odt) and RTF files, converted to .docx.

LibreOffice (`soffice --headless --convert-to docx`) does the conversion, in a
temporary folder of its own (its profile too, so two imports never share one)
under the tool time limit and the import's memory cap; the .docx it writes is
then read like any upload, archive limits included.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from . import tools
from .limits import DocumentError, Limits

_SUFFIX = {"doc": ".doc", "odt": ".odt", "rtf": ".rtf"}


def soffice() -> str | None:
    return tools.find("soffice", setting="DIRECTIVE_SOFFICE")


def missing_message() -> str:
    return _(
        "Máy chủ chưa cài LibreOffice nên chưa đọc được tệp .doc, .odt hoặc .rtf. Hãy mở tệp bằng Word "
        "hoặc LibreOffice, chọn “Lưu thành” (Save As) kiểu “Word Document (.docx)” rồi tải lên lại; "
        "hoặc nhờ người quản trị cài gói libreoffice-writer-nogui."
    )


def convert_to_docx(data: bytes, kind: str, limits: Limits) -> bytes:
    program = soffice()
    if program is None:
        raise DocumentError(missing_message())
    with tempfile.TemporaryDirectory(prefix="import-") as folder:
        source = Path(folder) / f"van-ban{_SUFFIX[kind]}"
        source.write_bytes(data)
        profile = Path(folder) / "profile"
        tools.run(
            [
                program,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                folder,
                str(source),
            ],
            folder=folder,
            timeout_s=limits.tool_timeout_s,
            what="LibreOffice",
        )
        converted = Path(folder) / "van-ban.docx"
        if not converted.is_file() or os.path.getsize(converted) == 0:
            raise DocumentError(_("LibreOffice không chuyển được tệp này sang .docx (tệp hỏng?)."))
        return converted.read_bytes()
