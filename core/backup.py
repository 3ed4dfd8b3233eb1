"""Backup and restore of the whole suite: the PostgreSQL database and the media files, in one .tar.gz.

Archive layout (``FORMAT_VERSION`` 1)::

    manifest.json   format_version, created_at, database, server_version, db_dump_sha256, row_counts
    db.dump         pg_dump -Fc of the configured database
    media/          the content of MEDIA_ROOT

``backup_create()`` writes the archive atomically (temporary file, then rename). ``backup_restore()`` checks the
manifest and the dump's checksum, restores the database with ``pg_restore --clean --if-exists --no-owner
--single-transaction`` (all or nothing), then swaps MEDIA_ROOT for the archived media (extracted next to it
first, so the swap is two renames). Objects created after the backup (tables of later migrations) are left in
place: run ``migrate`` after a restore.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_DUMP = "db.dump"
MEDIA_DIR = "media"
COUNTED_APPS = ("accounts", "audit", "core", "notifications", "dashboard")


class BackupError(Exception):
    """A backup or restore could not be done; the message says why (and never holds a password)."""


# --- PostgreSQL client tools --------------------------------------------------------------------------------


def server_major_version(alias: str = "default") -> int:
    connection = connections[alias]
    connection.ensure_connection()
    return connection.pg_version // 10000


def _tool_major(path: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else None


def _pgserver_bin() -> Path | None:
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def find_pg_tool(name: str, major: int) -> Path:
    """The `name` (pg_dump, pg_restore) whose major version matches the server's: Debian's
    /usr/lib/postgresql/<major>/bin, else the PATH, else pgserver's bundled binaries. A newer client is the
    fallback (it can read an older server), an older one never is."""
    candidates: list[Path] = [Path(f"/usr/lib/postgresql/{major}/bin/{name}")]
    if found := shutil.which(name):
        candidates.append(Path(found))
    if (bundled := _pgserver_bin()) is not None:
        candidates.append(bundled / name)
    versions = {path: _tool_major(path) for path in candidates if path.is_file() and os.access(path, os.X_OK)}
    for path, version in versions.items():
        if version == major:
            return path
    newer = sorted((v, str(p)) for p, v in versions.items() if v is not None and v > major)
    if newer:
        return Path(newer[0][1])
    raise BackupError(
        f"No {name} for PostgreSQL {major} found (looked in /usr/lib/postgresql/{major}/bin, the PATH and the "
        "pgserver package). Install postgresql-client-{major}."
    )


def _pg_args(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])  # never on the command line
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(f"{what} failed (exit {result.returncode}): {detail}")


# --- backup ---------------------------------------------------------------------------------------------------


@dataclass
class BackupInfo:
    path: Path
    manifest: dict[str, Any]


def _row_counts() -> dict[str, int]:
    counts = {}
    for label in COUNTED_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            if model._meta.managed and not model._meta.proxy:
                counts[model._meta.label] = model._base_manager.count()
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def default_backup_path() -> Path:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / ".data" / "backups" / f"mona-spark-{stamp}.tar.gz"


def backup_create(*, output: Path | None = None, alias: str = "default") -> BackupInfo:
    output = Path(output or default_backup_path()).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    settings_dict = connection.settings_dict
    major = server_major_version(alias)
    pg_dump = find_pg_tool("pg_dump", major)
    args, env = _pg_args(settings_dict)
    media_root = Path(settings.MEDIA_ROOT)

    with tempfile.TemporaryDirectory(prefix="backup-", dir=output.parent) as tmp:
        dump = Path(tmp) / DB_DUMP
        _run(
            [
                str(pg_dump),
                "--format=custom",
                "--no-password",
                f"--file={dump}",
                *args,
                settings_dict["NAME"],
            ],
            env,
            "pg_dump",
        )
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server_version = cursor.fetchone()[0]
        manifest = {
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database": settings_dict["NAME"],
            "server_version": server_version,
            "pg_dump": str(pg_dump),
            "db_dump_sha256": _sha256(dump),
            "row_counts": _row_counts(),
        }
        (Path(tmp) / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = Path(tmp) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(tmp) / MANIFEST, arcname=MANIFEST)
            tar.add(dump, arcname=DB_DUMP)
            if media_root.is_dir():
                tar.add(media_root, arcname=MEDIA_DIR)
            else:
                info = tarfile.TarInfo(MEDIA_DIR)
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
        os.replace(partial, output)
    return BackupInfo(path=output, manifest=manifest)


# --- restore --------------------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict[str, Any]:
    """The archive's manifest, after checking that the archive is one of ours; BackupError otherwise."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No backup archive at {archive}.")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            try:
                member = tar.getmember(MANIFEST)
            except KeyError:
                raise BackupError(f"{archive} has no {MANIFEST}: not a MONA × SPARK backup.") from None
            fh = tar.extractfile(member)
            manifest = json.loads(fh.read()) if fh else None
            names = set(tar.getnames())
    except (tarfile.TarError, OSError, EOFError, json.JSONDecodeError) as exc:
        raise BackupError(
            f"{archive} is not a readable backup archive ({type(exc).__name__}: {exc})."
        ) from None
    if not isinstance(manifest, dict):
        raise BackupError(f"{archive}: {MANIFEST} is not valid.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{archive}: backup format {manifest.get('format_version')!r} is not supported (expected {FORMAT_VERSION})."
        )
    if DB_DUMP not in names:
        raise BackupError(f"{archive} has no {DB_DUMP}.")
    return manifest


def backup_restore(*, archive: Path, alias: str = "default") -> dict[str, Any]:
    """Replace the database content and MEDIA_ROOT with the archive's. Returns the manifest."""
    archive = Path(archive).resolve()
    manifest = read_manifest(archive)
    connection = connections[alias]
    settings_dict = connection.settings_dict
    major = server_major_version(alias)
    pg_restore = find_pg_tool("pg_restore", major)
    args, env = _pg_args(settings_dict)
    env["PGOPTIONS"] = "-c lock_timeout=60000"  # never wait forever behind a long transaction
    media_root = Path(settings.MEDIA_ROOT).resolve()
    media_root.parent.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix=".restore-", dir=media_root.parent) as tmp:
        staging = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(staging, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"{archive} could not be extracted ({type(exc).__name__}: {exc}).") from None
        dump = staging / DB_DUMP
        expected = manifest.get("db_dump_sha256")
        if expected and _sha256(dump) != expected:
            raise BackupError(f"{archive}: {DB_DUMP} does not match its checksum (corrupt archive).")

        connection.close()  # our own idle connection must not hold locks on the tables being replaced
        _run(
            [
                str(pg_restore),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={settings_dict['NAME']}",
                *args,
                str(dump),
            ],
            env,
            "pg_restore",
        )
        _swap_media(staging / MEDIA_DIR, media_root, staging)
    return manifest


def _swap_media(new_media: Path, media_root: Path, staging: Path) -> None:
    if not new_media.is_dir():
        new_media.mkdir()
    old = staging / "previous-media"
    if media_root.exists():
        os.replace(media_root, old)
    try:
        os.replace(new_media, media_root)
    except OSError:
        if old.exists():
            os.replace(old, media_root)  # put the previous media back
        raise
    # `old` goes away with the staging directory
