import logging

import pytest

from core.logging import RedactSecretsFilter
from core.secrets import Secret


@pytest.fixture
def redacting_logger():
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    handler.addFilter(RedactSecretsFilter())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, records
    logger.removeHandler(handler)


def _message(records) -> str:
    return logging.Formatter("%(message)s").format(records[-1])


@pytest.mark.parametrize(
    "text",
    [
        "login password=Sup3rSecretPassw0rd user=ana",
        'payload {"password": "Sup3rSecretPassw0rd", "email": "a@b.c"}',
        "Authorization: Bearer Sup3rSecretPassw0rd",
        "twitch access_token=Sup3rSecretPassw0rd&scope=chat",
        "obs secret: Sup3rSecretPassw0rd",
        "2fa otp=Sup3rSecretPassw0rd",
    ],
)
def test_secrets_in_messages_are_masked(redacting_logger, text):
    logger, records = redacting_logger

    logger.info(text)

    assert "Sup3rSecretPassw0rd" not in _message(records)
    assert "••••••••" in _message(records)


def test_secrets_in_args_are_masked(redacting_logger):
    logger, records = redacting_logger

    logger.info(
        "connecting with %s and %s", "password=hunter2hunter2", {"token": "abcdef123456", "user": "ana"}
    )

    message = _message(records)
    assert "hunter2hunter2" not in message
    assert "abcdef123456" not in message
    assert "ana" in message


def test_dict_args_and_extra_fields_are_masked(redacting_logger):
    logger, records = redacting_logger

    logger.info("user %(user)s password %(password)s", {"user": "ana", "password": "hunter2hunter2"})
    assert _message(records) == "user ana password ••••••••r2"

    logger.info("stored", extra={"api_key": "key-1234567890", "note": "token=abcdefghijk"})
    assert records[-1].api_key == "••••••••90"
    assert "abcdefghijk" not in records[-1].note


def test_jwt_anywhere_is_masked(redacting_logger):
    logger, records = redacting_logger
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"

    logger.info("refresh failed for %s", jwt)

    assert jwt not in _message(records)


def test_plain_text_is_left_alone(redacting_logger):
    logger, records = redacting_logger

    logger.info("password reset requested for %s (footprint=3)", "ana@example.com")

    assert _message(records) == "password reset requested for ana@example.com (footprint=3)"


def test_secret_objects_are_masked_by_themselves(redacting_logger):
    logger, records = redacting_logger

    logger.info("using %s", Secret("obs-password-1234"))

    assert _message(records) == "using ••••••••34"


def test_settings_put_the_filter_on_the_console_handler(settings):
    assert "redact" in settings.LOGGING["handlers"]["console"]["filters"]
    assert settings.LOGGING["filters"]["redact"]["()"] == "core.logging.RedactSecretsFilter"
