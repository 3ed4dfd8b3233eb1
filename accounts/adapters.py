"""allauth adapters: no public sign-up, client address shared with the audit trail, e-mails in the recipient's
language, TOTP seeds and recovery-code seeds encrypted at rest."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import translation

from audit.context import client_ip
from core import crypto


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Nobody signs up: Admins invite people from the Team page."""
        return False

    def get_client_ip(self, request) -> str:
        # One notion of "the client" for rate limits and the audit trail (honours USE_X_FORWARDED_FOR).
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine the client IP address.")
        return ip

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth e-mails (password reset, password changed, 2FA notices…) go out in the recipient's language."""
        user = context.get("user")
        if user is None and email:
            user = get_user_model()._default_manager.filter(email__iexact=email).only("language").first()
        language = getattr(user, "language", "") or translation.get_language() or settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def add_message(self, request, *args, **kwargs) -> None:
        """Messages such as "Signed in as …" are shown on the next page, which is in the user's language: write
        them in it (at sign-in the request still speaks the visitor's browser language)."""
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language:
            with translation.override(language):
                return super().add_message(request, *args, **kwargs)
        return super().add_message(request, *args, **kwargs)


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(crypto.PREFIX):
            # Stored before encryption was turned on (legacy plaintext): still usable.
            return encrypted_text
        return crypto.decrypt(encrypted_text)

    def get_totp_label(self, user) -> str:
        return user.email
