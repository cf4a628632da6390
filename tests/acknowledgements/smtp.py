"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, keeping what it receives."""

import asyncio
import email
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Inbox:
    """An aiosmtpd handler that keeps every message, parsed, and can refuse a
    recipient a given number of times (with a temporary 451, as a busy server does)."""

    def __init__(self, delay: float = 0) -> None:
        self.delay = delay  # seconds before accepting each message: a slow server
        self.messages: list[EmailMessage] = []
        self.refuse: dict[str, int] = {}
        self.refused: list[str] = []
        self.sessions = 0
        self._lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self._lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._lock:
            if self.refuse.get(address, 0) > 0:
                self.refuse[address] -= 1
                self.refused.append(address)
                return "451 4.3.2 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        if defects := [defect for part in message.walk() for defect in part.defects]:
            return f"554 5.6.0 Malformed message: {defects}"  # a test sees it as a refusal
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def count_to(self) -> dict[str, int]:
        """How many messages each recipient received."""
        with self._lock:
            recipients = [str(message["To"]).strip() for message in self.messages]
        return {address: recipients.count(address) for address in sorted(set(recipients))}

    def wait_for(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        """The messages received, once there are `count` of them (or the time is up)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(*, port: int | None = None, inbox: Inbox | None = None) -> Iterator[tuple[Inbox, int]]:
    """A server on `port` (a free one by default), keeping messages in `inbox` (so a
    server stopped and started again on the same port keeps counting)."""
    inbox = inbox or Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()
