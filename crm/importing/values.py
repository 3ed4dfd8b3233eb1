"""Turning one cell's text into a field value, or a :class:`CellError` a person can act on.

People type numbers, countries, languages and statuses every way there is: ``12 500``, ``12,5k``, ``1.2M``;
``France``, ``FR``, ``FRA``, ``Allemagne``; ``French``, ``français``, ``fr``; ``Signé``, ``signed``.
Everything here accepts those and says precisely what it could not read.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import translation
from django.utils.translation import gettext as _

from crm import normalize
from crm.models import AGE_BANDS, CURRENCIES, Artist

LIST_SEPARATORS = re.compile(r"\s*[;|,\n]\s*")
ALIAS_SEPARATORS = re.compile(r"\s*[;|\n]\s*")  # a comma can be part of a name ("Earth, Wind & Fire")
MAX_MONEY = Decimal("9999999999.99")
MAX_COUNT = 10**12

_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])
_PHONE = re.compile(r"^\+?[0-9 ().\-/]{4,40}(?:\s*(?:x|ext\.?|poste)\s*\d{1,6})?$", re.IGNORECASE)
_HANDLE = re.compile(r"^[\w.\-]{1,120}$")


@lru_cache(maxsize=100_000)
def norm(value: str) -> str:
    """:func:`crm.normalize.normalize_name`, cached: an import compares the same names many times."""
    return normalize.normalize_name(value)


class CellError(Exception):
    """A cell that cannot be read; ``str()`` is the message shown on the row."""


def quoted(value: str, limit: int = 40) -> str:
    return f"“{value[:limit]}…”" if len(value) > limit else f"“{value}”"


# --- text ------------------------------------------------------------------------------------------------


def text(max_length: int | None):
    def parse(value: str) -> str:
        if max_length is not None and len(value) > max_length:
            raise CellError(
                _("Too long: %(length)s characters, at most %(max)s.")
                % {"length": f"{len(value):,}", "max": f"{max_length:,}"}
            )
        return value

    return parse


_SIMPLE_EMAIL = re.compile(
    r"^[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$"
)


def email(value: str) -> str:
    value = value.strip().strip("<>").removeprefix("mailto:")
    if _SIMPLE_EMAIL.match(value) and ".." not in value and not value.startswith("."):
        return value  # the usual shape; anything else gets Django's full check
    try:
        _email(value)
    except ValidationError:
        raise CellError(_("Not a valid e-mail address: %(value)s.") % {"value": quoted(value)}) from None
    if len(value) > 254:
        raise CellError(_("This e-mail address is too long."))
    return value


_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
# the common shape, checked fast; anything else goes through Django's full URLValidator
_SIMPLE_URL = re.compile(
    r"^https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?::\d{2,5})?(?:[/?#][^\s]*)?$",
    re.IGNORECASE,
)


def url(value: str) -> str:
    candidate = value if _SCHEME.match(value) else f"https://{value}"
    if not _SIMPLE_URL.match(candidate):
        try:
            _url(candidate)
        except ValidationError:
            raise CellError(_("Not a valid web address: %(value)s.") % {"value": quoted(value)}) from None
    if len(candidate) > 200:
        raise CellError(_("This web address is too long (at most 200 characters)."))
    return candidate


def phone(value: str) -> str:
    if not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < 4:
        raise CellError(_("Not a phone number: %(value)s.") % {"value": quoted(value)})
    return value


def items(value: str, *, separators: re.Pattern = LIST_SEPARATORS, max_length: int = 120) -> list[str]:
    """``"Pop; R&B | Soul"`` → ``["Pop", "R&B", "Soul"]`` without repeats (compared without case and accents)."""
    seen, result = set(), []
    for item in separators.split(value):
        if "  " in item or "\t" in item:
            item = " ".join(item.split())
        key = norm(item)
        if not item or not key or key in seen:
            continue
        if len(item) > max_length:
            raise CellError(
                _("%(value)s is too long (at most %(max)s characters).")
                % {"value": quoted(item), "max": max_length}
            )
        seen.add(key)
        result.append(item)
    return result


def aliases(value: str) -> list[str]:
    return items(value, separators=ALIAS_SEPARATORS, max_length=120)


def genre_names(value: str) -> list[str]:
    return items(value, max_length=60)


def tag_names(value: str) -> list[str]:
    return items(value, max_length=50)


# --- numbers ---------------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f'’_]")
_CURRENCY_MARKS = re.compile(r"(?i)(ca\$|eur|usd|gbp|chf|cad|euros?|dollars?|[€$£])")
_SUFFIX = re.compile(r"(?i)^(-?[\d.,]+)\s*(k|m|mio|mln|md|b)?$")
_MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "mio": 1_000_000, "mln": 1_000_000, "md": 10**9, "b": 10**9}


def _decimal(value: str) -> Decimal:
    """``"12 500,50"``, ``"12,500.50"``, ``"12.500,50"``, ``"12,5k"``, ``"1.2M"`` → Decimal."""
    text_value = _SPACES.sub("", value)
    match = _SUFFIX.match(text_value)
    if not match:
        raise InvalidOperation
    number, suffix = match.group(1), (match.group(2) or "").lower()
    if "," in number and "." in number:
        if number.rfind(",") > number.rfind("."):
            number = number.replace(".", "").replace(",", ".")
        else:
            number = number.replace(",", "")
    elif "," in number:
        number = (
            number.replace(",", "")
            if re.fullmatch(r"-?\d{1,3}(,\d{3})+", number) and not suffix
            else number.replace(",", ".")
        )
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3}){2,}", number):
        number = number.replace(".", "")
    result = Decimal(number)
    if not result.is_finite():
        raise InvalidOperation
    return result * _MULTIPLIERS.get(suffix, 1)


def count(value: str) -> int:
    """Followers, listeners: ``12 500``, ``12,5k``, ``1.2M`` → whole number ≥ 0."""
    if value.isascii() and value.isdigit() and len(value) <= 13:
        return int(value)
    try:
        number = _decimal(value)
    except (InvalidOperation, ValueError):
        raise CellError(_("Not a number: %(value)s.") % {"value": quoted(value)}) from None
    if number < 0 or number > MAX_COUNT:
        raise CellError(_("%(value)s is out of range.") % {"value": quoted(value)})
    return int(number.to_integral_value())


def money(value: str) -> Decimal:
    """``"10 000 €"``, ``"$10,000.50"``, ``"10.000,50"``, ``"15k"`` → Decimal with cents, ≥ 0."""
    try:
        number = _decimal(_CURRENCY_MARKS.sub("", value).strip())
    except (InvalidOperation, ValueError):
        raise CellError(_("Not an amount: %(value)s.") % {"value": quoted(value)}) from None
    if number < 0:
        raise CellError(_("An amount cannot be negative: %(value)s.") % {"value": quoted(value)})
    if number > MAX_MONEY:
        raise CellError(_("%(value)s is too large.") % {"value": quoted(value)})
    return number.quantize(Decimal("0.01"))


_CURRENCY_SYMBOLS = {
    "€": "EUR",
    "EURO": "EUR",
    "EUROS": "EUR",
    "$": "USD",
    "US$": "USD",
    "£": "GBP",
    "CA$": "CAD",
}


def currency(value: str) -> str:
    code = value.strip().upper()
    code = _CURRENCY_SYMBOLS.get(code, code)
    known = [c for c, _label in CURRENCIES]
    if code not in known:
        raise CellError(
            _("Unknown currency %(value)s; use one of %(choices)s.")
            % {"value": quoted(value), "choices": ", ".join(known)}
        )
    return code


# --- places and languages --------------------------------------------------------------------------------

_COUNTRY_ALIASES = {
    "uk": "GB", "england": "GB", "angleterre": "GB", "scotland": "GB", "ecosse": "GB", "wales": "GB",
    "great britain": "GB", "grande bretagne": "GB", "usa": "US", "us": "US", "etats unis": "US", "america": "US",
    "united states": "US", "south korea": "KR", "coree du sud": "KR", "russia": "RU", "russie": "RU",
    "ivory coast": "CI", "cote d ivoire": "CI", "czech republic": "CZ", "republique tcheque": "CZ",
    "holland": "NL", "hollande": "NL", "pays bas": "NL", "uae": "AE", "emirats arabes unis": "AE",
}  # fmt: skip


@cache
def _countries() -> dict[str, str]:
    from django_countries import countries

    index: dict[str, str] = {}
    for language in ("en", "fr"):
        with translation.override(language):
            for country in countries:
                index.setdefault(norm(str(country.name)), country.code)
    for country in countries:
        index[country.code.lower()] = country.code
        alpha3 = countries.alpha3(country.code)
        if alpha3:
            index.setdefault(alpha3.lower(), country.code)
    for alias, code in _COUNTRY_ALIASES.items():
        index.setdefault(alias, code)
    return index


def country(value: str) -> str:
    code = _countries().get(norm(value))
    if not code:
        raise CellError(
            _("Unknown country %(value)s: use its name or its ISO code (FR, BE…).") % {"value": quoted(value)}
        )
    return code


def countries(value: str) -> list[str]:
    result = []
    for item in items(value):
        code = country(item)
        if code not in result:
            result.append(code)
    return result


@cache
def _languages() -> dict[str, str]:
    from django.conf.locale import LANG_INFO

    index: dict[str, str] = {}
    for code, info in LANG_INFO.items():
        if "name" not in info or len(code) > 10:
            continue
        names = [code, info["name"], info.get("name_local", "")]
        with translation.override("fr"):
            names.append(translation.gettext(info["name"]))
        for name in names:
            key = norm(name)
            if key:
                index.setdefault(key, code)
    return index


def languages(value: str) -> list[str]:
    result = []
    for item in items(value):
        code = _languages().get(norm(item))
        if not code:
            raise CellError(
                _("Unknown language %(value)s: use its name or its code (fr, en…).") % {"value": quoted(item)}
            )
        if code not in result:
            result.append(code)
    return result


# --- choices ---------------------------------------------------------------------------------------------


@cache
def _statuses() -> dict[str, str]:
    index = {}
    for language in ("en", "fr"):
        with translation.override(language):
            for value, label in Artist.Status.choices:
                index[norm(str(label))] = value
    for value, _label in Artist.Status.choices:
        index[norm(value)] = value
    index.update({"signe": "signed", "signee": "signed", "en discussion": "in_talks", "ancien": "alumni"})
    return index


def status(value: str) -> str:
    found = _statuses().get(norm(value))
    if not found:
        raise CellError(
            _("Unknown status %(value)s; use one of: %(choices)s.")
            % {
                "value": quoted(value),
                "choices": ", ".join(str(label) for _v, label in Artist.Status.choices),
            }
        )
    return found


def age_bands(value: str) -> list[str]:
    known = {code.replace("–", "-"): code for code, _label in AGE_BANDS}
    result = []
    for item in items(value):
        key = _SPACES.sub("", item).replace("–", "-").replace("—", "-").rstrip("ans").rstrip("yrs")
        code = known.get(key) or ("55+" if key in ("55plus", "+55", "55+") else None)
        if not code:
            raise CellError(
                _("Unknown age band %(value)s; use %(choices)s.")
                % {"value": quoted(item), "choices": ", ".join(known)}
            )
        if code not in result:
            result.append(code)
    return result


# --- social profiles -------------------------------------------------------------------------------------

SOCIAL_DOMAINS = {
    "instagram": ("instagram.com", "instagr.am"),
    "tiktok": ("tiktok.com",),
    "spotify": ("spotify.com",),
    "youtube": ("youtube.com", "youtu.be"),
    "x": ("x.com", "twitter.com"),
    "facebook": ("facebook.com", "fb.com"),
    "soundcloud": ("soundcloud.com",),
    "deezer": ("deezer.com",),
    "twitch": ("twitch.tv",),
}
SOCIAL_URLS = {
    "instagram": "https://www.instagram.com/{}/",
    "tiktok": "https://www.tiktok.com/@{}",
    "youtube": "https://www.youtube.com/@{}",
    "x": "https://x.com/{}",
    "facebook": "https://www.facebook.com/{}",
    "soundcloud": "https://soundcloud.com/{}",
    "twitch": "https://www.twitch.tv/{}",
    "spotify": "https://open.spotify.com/artist/{}",
    "deezer": "https://www.deezer.com/artist/{}",
}
# path segments that come before the identifier rather than being it
_PATH_PREFIXES = {"artist", "user", "channel", "c", "intl-fr", "intl-en", "fr", "en", "profile", "people"}


def social(platform: str):
    """A parser of ``@handle``, ``handle`` or a profile URL → ``{"handle": …, "url": …}``."""
    label = dict(_platform_labels()).get(platform, platform)

    def parse(value: str) -> dict:
        value = value.strip()
        if "/" in value and "." in value.split("/", 1)[0] or re.match(r"^https?://", value, re.IGNORECASE):
            return _social_from_url(platform, label, value)
        handle = value.lstrip("@").strip()
        if not _HANDLE.match(handle):
            raise CellError(
                _("Not a %(platform)s handle or link: %(value)s.")
                % {"platform": label, "value": quoted(value)}
            )
        if platform in ("spotify", "deezer") and not re.fullmatch(r"[A-Za-z0-9]{6,40}", handle):
            return {"handle": handle, "url": ""}
        return {
            "handle": handle if platform in ("spotify", "deezer") else handle.lower(),
            "url": SOCIAL_URLS[platform].format(handle),
        }

    return parse


def _social_from_url(platform: str, label: str, value: str) -> dict:
    link = url(value)
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    domains = SOCIAL_DOMAINS.get(platform, ())
    if domains and not any(host == d or host.endswith("." + d) for d in domains):
        raise CellError(
            _("This is not a %(platform)s link: %(value)s.") % {"platform": label, "value": quoted(value)}
        )
    segments = [s for s in parts.path.split("/") if s]
    while len(segments) > 1 and segments[0].lower() in _PATH_PREFIXES:
        segments.pop(0)
    if not segments:
        raise CellError(
            _("This %(platform)s link has no profile in it: %(value)s.")
            % {"platform": label, "value": quoted(value)}
        )
    handle = segments[0].lstrip("@")
    if platform not in ("spotify", "deezer", "youtube") or segments[0].startswith("@"):
        handle = handle.lower()
    if not _HANDLE.match(handle):
        raise CellError(
            _("Not a %(platform)s handle or link: %(value)s.") % {"platform": label, "value": quoted(value)}
        )
    return {"handle": handle, "url": link}


@cache
def _platform_labels() -> tuple[tuple[str, str], ...]:
    from crm.models import SocialProfile

    return tuple((value, str(label)) for value, label in SocialProfile.Platform.choices)
