"""A real SMTP server (aiosmtpd) on a loopback port that records what it receives, for
the email tests and the email benchmark."""

import email
import logging
import socket
from email.policy import default

from aiosmtpd.controller import Controller

# aiosmtpd logs every command at INFO: enough to slow a 10,000-message run several-fold.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class RecordingHandler:
    def __init__(self):
        self.messages: list = []
        self.reject: set[str] = set()
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 Mailbox does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """Start, stop and start again on the same port (to test SMTP being down)."""

    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = None

    def start(self) -> "SMTPServer":
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
