"""The portal's SMTP backend: Django's, except that the e-mails the portal builds (a
text body, at most one HTML alternative, no attachments, plain addresses) are written
to bytes here, directly, instead of through the standard library's email package, whose
header encoding and folding cost more than the SMTP exchange itself (bench/README.md,
reminders). Anything else (attachments, extra headers, an address only Django's parser
reads) goes Django's way, unchanged.

The bytes follow RFC 5322 and MIME as Django writes them: UTF-8, headers outside ASCII as
RFC 2047 encoded words of at most 75 characters on lines of their own, bodies 8bit
unless a line passes RFC 5322's 998 octets (then quoted-printable), CRLF line ends."""

import base64
import random
import re
import smtplib
from email import quoprimime
from email.utils import formataddr, formatdate, make_msgid
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends import smtp
from django.core.mail.utils import DNS_NAME

LINE_LIMIT = 998  # octets in a line, CRLF excluded (RFC 5322 2.1.1)
WORD_OCTETS = 39  # → 52 base64 characters: a word of 64, a line of at most 78 (RFC 2047 2, RFC 5322 2.1.1)
FOLD = "\r\n "  # a header continues on the next line (RFC 5322 2.2.3)
HEADER_LIMIT = 900  # a longer ASCII header would need folding: Django's way
# An address this module writes itself: local part and domain in ASCII, the name (if
# any) without quotes, brackets, commas, semicolons or line breaks.
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
_NAMED = re.compile(rf"(?P<name>[^<>\"\\,;\r\n]*?)\s*<(?P<address>{_ADDRESS.pattern})>")


def encoded_words(text: str) -> str:
    """`text` as a header value: itself in ASCII, else base64 encoded words, never
    splitting a character, one per folded line."""
    if text.isascii():
        return text
    data, words, start = text.encode(), [], 0
    while start < len(data):
        end = min(start + WORD_OCTETS, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # inside a UTF-8 sequence
            end -= 1
        words.append(f"=?utf-8?b?{base64.b64encode(data[start:end]).decode()}?=")
        start = end
    return FOLD.join(words)


def address(value: str) -> tuple[str, str] | None:
    """(header form, envelope address) of "Name <a@b>" or "a@b"; None when this module
    does not write it (Django's sanitize_address does, or rejects it)."""
    if _ADDRESS.fullmatch(value):
        return value, value
    if not (match := _NAMED.fullmatch(value)):
        return None
    name, mailbox = match["name"].strip(), match["address"]
    if not name:
        return mailbox, mailbox
    if name.isascii():
        return formataddr((name, mailbox)), mailbox
    words = encoded_words(name)
    # Folded before the address where the line would pass 78 with "Reply-To: " before it.
    fold = len(words.rsplit("\n", 1)[-1]) + len(mailbox) > 65
    return f"{words}{FOLD if fold else ' '}<{mailbox}>", mailbox


@lru_cache(maxsize=16)
def _sender(value: str) -> tuple[str, str] | None:
    return address(value)


def _part(text: str, subtype: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    # At most 4 octets a character: most texts need no encoding to tell.
    if max(map(len, lines)) * 4 > LINE_LIMIT and any(len(line.encode()) > LINE_LIMIT for line in lines):
        encoding = "quoted-printable"
        payload = quoprimime.body_encode(text.encode().decode("latin-1"), eol="\r\n")
    else:
        encoding, payload = "8bit", text.replace("\n", "\r\n")
    return f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{payload}'


def _header(value: str) -> str | None:
    if "\n" in value or "\r" in value or (value.isascii() and len(value) > HEADER_LIMIT):
        return None  # Django's way: it refuses line breaks, and folds
    return encoded_words(value)


def message_bytes(message: EmailMessage) -> tuple[str, list[str], bytes] | None:
    """(envelope sender, envelope recipients, the message) of an e-mail this module
    writes; None for any other (Django's backend sends those)."""
    alternatives = getattr(message, "alternatives", [])
    if (
        type(message).message is not EmailMessage.message
        or message.attachments
        or message.extra_headers
        or message.encoding not in (None, "utf-8", "UTF-8")
        or message.content_subtype != "plain"
        or len(alternatives) > 1
        or any(mimetype != "text/html" for _content, mimetype in alternatives)
        or not message.recipients()
    ):
        return None
    sender = _sender(message.from_email)
    subject = _header(message.subject)
    lists = {name: [address(value) for value in values] for name, values in (
        ("To", message.to), ("Cc", message.cc), ("Reply-To", message.reply_to), ("Bcc", message.bcc),
    )}  # fmt: skip
    if sender is None or subject is None or any(None in found for found in lists.values()):
        return None
    headers = [f"Subject: {subject}", f"From: {sender[0]}"]
    headers += [
        # One address a line: a list of reviewers must not make a line past 998 octets.
        f"{name}: {(',' + FOLD).join(form for form, _ in found)}"
        for name, found in lists.items()
        if found and name != "Bcc"
    ]
    headers += [
        f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
        f"Message-ID: {make_msgid(domain=DNS_NAME)}",
        "MIME-Version: 1.0",
    ]
    text = _part(message.body, "plain")
    if alternatives:
        html = _part(alternatives[0][0], "html")
        boundary = f"=_{random.getrandbits(128):032x}"  # as unlikely in a body as the stdlib's
        headers.append(f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"')
        body = f"--{boundary}\r\n{text}\r\n--{boundary}\r\n{html}\r\n--{boundary}--\r\n"
    else:
        head, _, body = text.partition("\r\n\r\n")
        headers.append(head)
    recipients = [mailbox for name in ("To", "Cc", "Bcc") for _form, mailbox in lists[name]]
    return sender[1], recipients, "\r\n".join(headers).encode() + b"\r\n\r\n" + body.encode()


class EmailBackend(smtp.EmailBackend):
    def _send(self, email_message):
        written = message_bytes(email_message)
        if written is None:
            return super()._send(email_message)
        sender, recipients, data = written
        try:
            self.connection.sendmail(sender, recipients, data)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
