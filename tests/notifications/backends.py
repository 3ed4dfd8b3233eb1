"""E-mail backends that stand in for an SMTP server that fails (external I/O)."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
