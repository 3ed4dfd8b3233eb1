import io
import pickle

import pytest
from cryptography.fernet import Fernet
from django import forms
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from core import crypto
from core.fields import EncryptedFieldError, EncryptedTextField
from core.secrets import Secret
from tests.testapp.models import SecretHolder

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def _raw(holder: SecretHolder, column: str = "secret") -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM testapp_secretholder WHERE id = %s", [holder.pk])  # noqa: S608
        return cursor.fetchone()[0]


# --- Secret -------------------------------------------------------------------------------------------------


def test_secret_masks_itself_everywhere():
    secret = Secret("obs-password-1234")

    assert str(secret) == "••••••••34"
    assert repr(secret) == "Secret('••••••••34')"
    assert f"{secret}" == "••••••••34"
    assert "obs-password" not in f"{secret!r} {secret!s} {[secret]} { ({'k': secret}) }"
    assert secret.reveal() == "obs-password-1234"


def test_secret_equality_truthiness_and_hash():
    assert Secret("abc") == Secret("abc")
    assert Secret("abc") == "abc"
    assert Secret("abc") != Secret("abd")
    assert not Secret("")
    assert not Secret(None)
    assert Secret("x")
    assert hash(Secret("abc")) == hash(Secret("abc"))
    assert pickle.loads(pickle.dumps(Secret("abc"))) == Secret("abc")  # noqa: S301


def test_secret_is_immutable():
    with pytest.raises(AttributeError):
        Secret("a")._value = "b"


# --- EncryptedTextField -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_round_trip_and_no_plaintext_in_the_column():
    holder = SecretHolder.objects.create(name="obs", secret="hunter2-hunter2", token=Secret("tw-token-xyz"))

    raw = _raw(holder)
    fetched = SecretHolder.objects.get(pk=holder.pk)

    assert raw.startswith(crypto.PREFIX)
    assert "hunter2" not in raw
    assert "tw-token" not in _raw(holder, "token")
    assert isinstance(fetched.secret, Secret)
    assert fetched.secret.reveal() == "hunter2-hunter2"
    assert fetched.token.reveal() == "tw-token-xyz"


@pytest.mark.django_db
def test_assignment_of_str_gives_a_secret_and_empty_and_null_are_kept():
    holder = SecretHolder(name="x", secret="plain")
    assert isinstance(holder.secret, Secret)
    holder.secret = ""
    holder.save()

    fetched = SecretHolder.objects.get(pk=holder.pk)

    assert _raw(holder) == ""
    assert _raw(holder, "token") is None
    assert fetched.secret == Secret("")
    assert fetched.token is None
    assert SecretHolder.objects.filter(secret="").count() == 1
    assert SecretHolder.objects.filter(token__isnull=True).count() == 1


@pytest.mark.django_db
def test_encrypted_field_cannot_be_searched():
    with pytest.raises(FieldError):
        SecretHolder.objects.filter(secret="hunter2").exists()
    with pytest.raises(FieldError):
        SecretHolder.objects.filter(secret__icontains="h").exists()


@pytest.mark.django_db
def test_undecryptable_value_names_the_field_never_the_value(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    holder = SecretHolder.objects.create(name="x", secret="top-secret-value")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]

    with pytest.raises(EncryptedFieldError) as excinfo:
        SecretHolder.objects.get(pk=holder.pk)

    message = str(excinfo.value)
    assert "testapp.SecretHolder.secret" in message
    assert "top-secret" not in message
    assert crypto.PREFIX not in message


def test_form_field_never_shows_the_secret_and_blank_keeps_it():
    class HolderForm(forms.ModelForm):
        class Meta:
            model = SecretHolder
            fields = ["name", "secret"]

    holder = SecretHolder(name="obs", secret="keep-me-please")
    form = HolderForm(instance=holder)
    assert isinstance(form.fields["secret"].widget, forms.PasswordInput)
    assert "keep-me" not in str(form["secret"])

    bound = HolderForm({"name": "obs2", "secret": ""}, instance=holder)
    assert bound.is_valid(), bound.errors
    saved = bound.save(commit=False)
    assert saved.secret.reveal() == "keep-me-please"

    bound = HolderForm({"name": "obs2", "secret": "new-one"}, instance=holder)
    assert bound.is_valid()
    assert bound.save(commit=False).secret.reveal() == "new-one"


def test_admin_gets_a_password_input_too():
    field = EncryptedTextField()
    formfield = field.formfield(widget=forms.Textarea)
    assert isinstance(formfield.widget, forms.PasswordInput)
    assert formfield.widget.render_value is False


@pytest.mark.django_db
def test_dumpdata_writes_ciphertext_and_loaddata_reads_it(tmp_path):
    SecretHolder.objects.create(name="x", secret="fixture-secret")
    out = tmp_path / "dump.json"

    call_command("dumpdata", "testapp.SecretHolder", output=str(out))
    assert "fixture-secret" not in out.read_text()
    SecretHolder.objects.all().delete()
    call_command("loaddata", str(out), verbosity=0)

    assert SecretHolder.objects.get().secret.reveal() == "fixture-secret"


# --- rotation -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rotate_encryption_keys_from_a_to_b(settings, capsys):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    holders = [SecretHolder.objects.create(name=f"h{i}", secret=f"secret-{i}", token=None) for i in range(5)]
    SecretHolder.objects.create(name="empty", secret="")
    before = {h.pk: _raw(h) for h in holders}

    # the new key first, the old one still there to decrypt
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    call_command("rotate_encryption_keys", "--batch-size", "2")

    out = capsys.readouterr().out
    assert "testapp.SecretHolder (secret, token): 5 rows re-encrypted" in out
    assert all(_raw(h) != before[h.pk] for h in holders)

    # only the new key left: everything still reads
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert sorted(h.secret.reveal() for h in SecretHolder.objects.exclude(name="empty")) == [
        f"secret-{i}" for i in range(5)
    ]
    assert SecretHolder.objects.get(name="empty").secret == ""


@pytest.mark.django_db
def test_rotation_covers_the_two_factor_seeds_allauth_stores(settings, make_user):
    """TOTP and recovery-code seeds, activated through allauth (encrypted by our MFA adapter), still work once
    the old key is gone."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.conftest import enable_totp, totp_code

    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    user = make_user("Producer")
    secret = enable_totp(user)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    stored = {a.type: dict(a.data) for a in Authenticator.objects.filter(user=user)}
    assert stored["totp"]["secret"].startswith(crypto.PREFIX) and secret not in str(stored)
    assert stored["recovery_codes"]["seed"].startswith(crypto.PREFIX)

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]

    totp = TOTP(Authenticator.objects.get(user=user, type="totp"))
    assert totp.validate_code(totp_code(secret))
    recovery = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes"))
    assert recovery.get_unused_codes() == codes


@pytest.mark.django_db
def test_rotation_stops_with_a_clear_error_on_an_unknown_key(settings):
    from django.core.management.base import CommandError

    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    SecretHolder.objects.create(name="x", secret="lost")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]

    with pytest.raises(CommandError, match="testapp.SecretHolder.secret"):
        call_command("rotate_encryption_keys")
