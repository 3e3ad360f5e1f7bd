"""A report mailed over SMTP: the HTML as the message, a plain-text part, the PDF attached."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

SMTP_TIMEOUT_SECONDS = 30
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
SUBMISSION_PORT = 587


@dataclass(frozen=True)
class Mail:
    subject: str
    html: str
    pdf: bytes
    filename: str
    recipients: list[str]


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """smtp://user:password@host:587 (STARTTLS on the submission port, or with ?starttls=true),
        smtps://host:465 (TLS from the start), smtp://host:25 (plain, for a relay on a private network)."""
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError("SMTP_URL is smtp://[user:password@]host[:port] or smtps://...")
        port = parts.port or DEFAULT_PORTS[parts.scheme]
        asked = parse_qs(parts.query).get("starttls", [""])[0].lower()
        starttls = parts.scheme == "smtp" and (asked == "true" or (asked != "false" and port == SUBMISSION_PORT))
        return cls(
            host=parts.hostname,
            port=port,
            implicit_tls=parts.scheme == "smtps",
            starttls=starttls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def message(sender: str, mail: Mail) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = mail.subject
    email["From"] = sender
    email["To"] = ", ".join(mail.recipients)
    email.set_content(f"{mail.subject}\n\nThe report is attached as a PDF; this message shows it as HTML.\n")
    email.add_alternative(mail.html, subtype="html")
    email.add_attachment(mail.pdf, maintype="application", subtype="pdf", filename=mail.filename)
    return email


def send_report(smtp_url: str, sender: str, mail: Mail) -> None:
    server = SmtpServer.from_url(smtp_url)
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if server.implicit_tls:
        client = smtplib.SMTP_SSL(server.host, server.port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT_SECONDS)
    with client:
        if server.starttls:
            client.starttls(context=context)
        if server.username:
            client.login(server.username, server.password or "")
        client.send_message(message(sender, mail))
