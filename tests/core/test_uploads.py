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
