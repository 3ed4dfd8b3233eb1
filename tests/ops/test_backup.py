import io
import json
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from core import backup
from tests.testapp.models import SecretHolder


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "var" / "media"
    (root / "avatars").mkdir(parents=True)
    settings.MEDIA_ROOT = root
    return root


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_brings_the_original_back(media_root, tmp_path, make_user, capsys):
    ana = make_user("Producer", email="ana@mona-spark.test")
    SecretHolder.objects.create(name="obs", secret="studio-a-password")
    (media_root / "avatars" / "ana.txt").write_text("original")
    archive = tmp_path / "backups" / "b.tar.gz"

    call_command("backup", "--output", str(archive))

    assert "written to" in capsys.readouterr().out
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {"manifest.json", "db.dump", "media", "media/avatars/ana.txt"} <= names
    assert manifest["format_version"] == backup.FORMAT_VERSION
    assert manifest["database"].startswith("test_")
    assert manifest["row_counts"]["accounts.User"] == 1
    assert manifest["server_version"]

    # given: the data and the media change after the backup
    ana.delete()
    make_user("Viewer", email="bob@mona-spark.test")
    SecretHolder.objects.update(name="changed")
    (media_root / "avatars" / "ana.txt").write_text("changed")
    (media_root / "new.txt").write_text("added later")

    call_command("restore", str(archive), "--yes")

    assert list(User.objects.values_list("email", flat=True)) == ["ana@mona-spark.test"]
    holder = SecretHolder.objects.get()
    assert holder.name == "obs"
    assert holder.secret.reveal() == "studio-a-password"
    assert (media_root / "avatars" / "ana.txt").read_text() == "original"
    assert not (media_root / "new.txt").exists()
    assert not list(media_root.parent.glob(".restore-*"))  # staging removed


@pytest.mark.django_db
def test_restore_asks_for_confirmation(media_root, tmp_path, monkeypatch):
    archive = tmp_path / "b.tar.gz"
    backup.backup_create(output=archive)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(archive))


def test_restore_refuses_a_missing_archive(tmp_path):
    with pytest.raises(CommandError, match="No backup archive"):
        call_command("restore", str(tmp_path / "nope.tar.gz"), "--yes")


def test_restore_refuses_a_corrupt_archive(tmp_path):
    archive = tmp_path / "corrupt.tar.gz"
    archive.write_bytes(b"\x1f\x8b\x08 this is not gzip")

    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(archive), "--yes")


def _tar(path, members: dict[str, bytes]):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_restore_refuses_an_archive_without_manifest_or_dump(tmp_path):
    no_manifest = tmp_path / "a.tar.gz"
    _tar(no_manifest, {"db.dump": b"x"})
    other_format = tmp_path / "b.tar.gz"
    _tar(other_format, {"manifest.json": b'{"format_version": 99}', "db.dump": b"x"})
    no_dump = tmp_path / "c.tar.gz"
    _tar(no_dump, {"manifest.json": b'{"format_version": 1}'})

    with pytest.raises(CommandError, match="no manifest.json"):
        call_command("restore", str(no_manifest), "--yes")
    with pytest.raises(CommandError, match="format 99 is not supported"):
        call_command("restore", str(other_format), "--yes")
    with pytest.raises(CommandError, match="no db.dump"):
        call_command("restore", str(no_dump), "--yes")


@pytest.mark.django_db
def test_restore_refuses_a_dump_that_does_not_match_its_checksum(media_root, tmp_path):
    _tar(
        tmp_path / "bad.tar.gz",
        {
            "manifest.json": json.dumps({"format_version": 1, "db_dump_sha256": "0" * 64}).encode(),
            "db.dump": b"x",
        },
    )
    (media_root / "keep.txt").write_text("untouched")

    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(tmp_path / "bad.tar.gz"), "--yes")
    assert (media_root / "keep.txt").read_text() == "untouched"


@pytest.mark.django_db
def test_pg_dump_matches_the_server_major_version():
    major = backup.server_major_version()

    tool = backup.find_pg_tool("pg_dump", major)

    assert backup._tool_major(tool) == major
