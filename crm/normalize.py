"""Keys for duplicate detection and search: names without accents, case or punctuation; bare social handles."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PATH_PREFIXES = frozenset({"artist", "channel", "c", "user", "users", "profile", "u"})
_HANDLE_URL = re.compile(r"^(?:https?://)?(?:www\.)?[^/]+\.[a-z]{2,}/(?:@)?", re.IGNORECASE)


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_name(value: str | None) -> str:
    """``"Léa  O'Brien-Dubois"`` → ``"lea obrien dubois"``: comparable across accents, case and punctuation."""
    if not value:
        return ""
    text = strip_accents(str(value)).lower().replace("'", "").replace("’", "")
    return " ".join(_NON_ALNUM.sub(" ", text).split())


def normalize_handle(value: str | None) -> str:
    """``"https://instagram.com/@Lea.Music/"`` or ``"@Lea.Music"`` → ``"lea.music"``."""
    if not value:
        return ""
    text = str(value).strip()
    text = _HANDLE_URL.sub("", text)
    segments = [part for part in text.split("?", 1)[0].split("#", 1)[0].split("/") if part]
    # spotify.com/intl-fr/artist/<id>, youtube.com/channel/<id>, youtube.com/c/<name>, soundcloud…
    while len(segments) > 1 and (segments[0].lower() in _PATH_PREFIXES or segments[0].lower().startswith("intl-")):
        segments.pop(0)
    return segments[0].lstrip("@").lower() if segments else ""


def normalize_email(value: str | None) -> str:
    return (value or "").strip().lower()
