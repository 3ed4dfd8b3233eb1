"""What can be imported for each kind of record: the fields, how each cell is read, which are required, and
the column names (English and French) that the mapping step recognises on its own."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm import normalize
from crm.models import Artist, Contact, ImportJob, Sponsor

from . import values

SOCIAL_PLATFORMS = (
    "instagram",
    "tiktok",
    "spotify",
    "youtube",
    "x",
    "facebook",
    "soundcloud",
    "deezer",
    "twitch",
)
# platforms whose audience a column can give: {field name: (platform, snapshot attribute)}
AUDIENCE_FIELDS = {
    "instagram_followers": ("instagram", "followers"),
    "tiktok_followers": ("tiktok", "followers"),
    "youtube_followers": ("youtube", "followers"),
    "spotify_followers": ("spotify", "followers"),
    "spotify_listeners": ("spotify", "monthly_listeners"),
}


@dataclass(frozen=True)
class Field:
    name: str
    label: Promise | str
    parse: Callable[[str], Any]
    synonyms: tuple[str, ...] = ()
    required: bool = False
    help: Promise | str = ""
    kind: str = "value"  # value | list | social | audience | reference


@dataclass(frozen=True)
class Kind:
    key: str
    label: Promise | str
    fields: tuple[Field, ...]
    # groups of fields of which one must be mapped and filled (contacts: last name or full name)
    required_any: tuple[tuple[str, ...], ...] = ()
    by_name: dict[str, Field] = field(default_factory=dict, compare=False)

    def __post_init__(self):
        self.by_name.update({f.name: f for f in self.fields})

    def required_groups(self) -> list[tuple[str, ...]]:
        return [(f.name,) for f in self.fields if f.required] + list(self.required_any)


def _text_field(model, name: str, synonyms: tuple[str, ...], **kwargs) -> Field:
    model_field = model._meta.get_field(name)
    max_length = getattr(model_field, "max_length", None)
    return Field(name, model_field.verbose_name, values.text(max_length or 10_000), synonyms, **kwargs)


EMAIL_SYNONYMS = ("email", "e mail", "mail", "email address", "e mail address", "courriel", "adresse e mail",
                  "adresse email", "adresse mail", "mel")  # fmt: skip
PHONE_SYNONYMS = ("phone", "telephone", "tel", "mobile", "portable", "phone number", "cell", "cellphone",
                  "numero de telephone", "numero", "gsm")  # fmt: skip
WEBSITE_SYNONYMS = ("website", "web site", "site", "site web", "web", "url", "site internet", "homepage")
TAG_SYNONYMS = ("tags", "tag", "labels", "etiquettes", "etiquette", "mots cles", "keywords")


def _socials() -> tuple[Field, ...]:
    labels = dict(values._platform_labels())
    extra = {"x": ("twitter", "x twitter", "twitter x"), "instagram": ("insta", "ig"), "youtube": ("yt",),
             "tiktok": ("tik tok",)}  # fmt: skip
    fields = []
    for platform in SOCIAL_PLATFORMS:
        fields.append(
            Field(
                platform,
                labels[platform],
                values.social(platform),
                (platform, *extra.get(platform, ())),
                help=gettext_lazy("handle or profile link"),
                kind="social",
            )
        )
    return tuple(fields)


def _audience() -> tuple[Field, ...]:
    return (
        Field("instagram_followers", gettext_lazy("Instagram followers"), values.count,
              ("instagram followers", "followers instagram", "ig followers", "abonnes instagram",
               "instagram abonnes", "insta followers"), kind="audience"),
        Field("tiktok_followers", gettext_lazy("TikTok followers"), values.count,
              ("tiktok followers", "followers tiktok", "abonnes tiktok", "tiktok abonnes"), kind="audience"),
        Field("youtube_followers", gettext_lazy("YouTube subscribers"), values.count,
              ("youtube subscribers", "youtube followers", "abonnes youtube", "youtube abonnes",
               "subscribers"), kind="audience"),
        Field("spotify_followers", gettext_lazy("Spotify followers"), values.count,
              ("spotify followers", "followers spotify", "abonnes spotify"), kind="audience"),
        Field("spotify_listeners", gettext_lazy("Spotify monthly listeners"), values.count,
              ("spotify monthly listeners", "monthly listeners", "auditeurs mensuels",
               "auditeurs mensuels spotify", "spotify listeners"), kind="audience"),
    )  # fmt: skip


ARTISTS = Kind(
    ImportJob.Kind.ARTISTS,
    ImportJob.Kind.ARTISTS.label,
    (
        _text_field(
            Artist,
            "stage_name",
            (
                "stage name",
                "artist",
                "artist name",
                "name",
                "nom de scene",
                "nom d artiste",
                "nom de l artiste",
                "artiste",
                "nom",
                "pseudo",
                "pseudonyme",
            ),
            required=True,
        ),
        Field(
            "aliases",
            Artist._meta.get_field("aliases").verbose_name,
            values.aliases,
            ("aliases", "alias", "aka", "also known as", "autres noms", "other names"),
            help=gettext_lazy("separated by ; or |"),
            kind="list",
        ),
        _text_field(
            Artist,
            "legal_name",
            (
                "legal name",
                "real name",
                "full name",
                "nom legal",
                "nom civil",
                "nom complet",
                "vrai nom",
                "identite",
                "nom reel",
            ),
        ),
        Field("email", Artist._meta.get_field("email").verbose_name, values.email, EMAIL_SYNONYMS),
        Field("phone", Artist._meta.get_field("phone").verbose_name, values.phone, PHONE_SYNONYMS),
        Field("website", Artist._meta.get_field("website").verbose_name, values.url, WEBSITE_SYNONYMS),
        Field(
            "genres",
            Artist._meta.get_field("genres").verbose_name,
            values.genre_names,
            (
                "genres",
                "genre",
                "style",
                "styles",
                "music genre",
                "music genres",
                "genre musical",
                "genres musicaux",
                "style musical",
            ),
            help=gettext_lazy("new ones are created"),
            kind="list",
        ),
        Field(
            "country",
            Artist._meta.get_field("country").verbose_name,
            values.country,
            ("country", "pays", "nation", "country code", "code pays", "pays d origine"),
        ),
        _text_field(Artist, "city", ("city", "ville", "town", "localite", "commune")),
        Field(
            "languages",
            Artist._meta.get_field("languages").verbose_name,
            values.languages,
            ("languages", "language", "langues", "langue", "lang", "spoken languages", "langues parlees"),
            kind="list",
        ),
        _text_field(
            Artist,
            "bio",
            ("bio", "biography", "biographie", "description", "about", "a propos", "presentation"),
        ),
        Field(
            "status",
            Artist._meta.get_field("status").verbose_name,
            values.status,
            ("status", "statut", "etat", "artist status"),
        ),
        Field(
            "tags",
            Artist._meta.get_field("tags").verbose_name,
            values.tag_names,
            TAG_SYNONYMS,
            help=gettext_lazy("new ones are created"),
            kind="list",
        ),
        *_socials(),
        *_audience(),
    ),
)

SPONSORS = Kind(
    ImportJob.Kind.SPONSORS,
    ImportJob.Kind.SPONSORS.label,
    (
        _text_field(
            Sponsor,
            "name",
            (
                "name",
                "sponsor",
                "brand",
                "company",
                "sponsor name",
                "brand name",
                "company name",
                "nom",
                "marque",
                "entreprise",
                "societe",
                "nom de la marque",
                "raison sociale",
                "annonceur",
            ),
            required=True,
        ),
        _text_field(
            Sponsor,
            "industry",
            ("industry", "sector", "secteur", "industrie", "secteur d activite", "domaine", "activite"),
        ),
        Field("website", Sponsor._meta.get_field("website").verbose_name, values.url, WEBSITE_SYNONYMS),
        Field(
            "budget_min",
            Sponsor._meta.get_field("budget_min").verbose_name,
            values.money,
            (
                "budget min",
                "min budget",
                "budget from",
                "budget minimum",
                "budget mini",
                "budget de",
                "budget a partir de",
                "minimum budget",
            ),
        ),
        Field(
            "budget_max",
            Sponsor._meta.get_field("budget_max").verbose_name,
            values.money,
            (
                "budget max",
                "max budget",
                "budget up to",
                "budget maximum",
                "budget maxi",
                "budget jusqu a",
                "budget",
                "maximum budget",
            ),
        ),
        Field(
            "currency",
            Sponsor._meta.get_field("currency").verbose_name,
            values.currency,
            ("currency", "devise", "monnaie"),
        ),
        Field(
            "tags",
            Sponsor._meta.get_field("tags").verbose_name,
            values.tag_names,
            TAG_SYNONYMS,
            help=gettext_lazy("new ones are created"),
            kind="list",
        ),
        Field(
            "target_genres",
            Sponsor._meta.get_field("target_genres").verbose_name,
            values.genre_names,
            ("target genres", "genres", "genre", "genres cibles", "styles", "music genres"),
            help=gettext_lazy("new ones are created"),
            kind="list",
        ),
        Field(
            "target_regions",
            Sponsor._meta.get_field("target_regions").verbose_name,
            values.countries,
            (
                "target regions",
                "target countries",
                "regions",
                "countries",
                "pays cibles",
                "regions cibles",
                "pays",
                "marches",
                "markets",
                "zones",
            ),
            kind="list",
        ),
        Field(
            "target_age_bands",
            Sponsor._meta.get_field("target_age_bands").verbose_name,
            values.age_bands,
            (
                "target age bands",
                "target ages",
                "age bands",
                "ages",
                "age",
                "tranches d age",
                "cible age",
                "age cible",
            ),
            help="13-17, 18-24, 25-34, 35-44, 45-54, 55+",
            kind="list",
        ),
        _text_field(
            Sponsor,
            "brand_safety_notes",
            (
                "brand safety",
                "brand safety notes",
                "notes",
                "remarques",
                "securite de marque",
                "brand safety remarks",
            ),
        ),
    ),
)

CONTACTS = Kind(
    ImportJob.Kind.CONTACTS,
    ImportJob.Kind.CONTACTS.label,
    (
        _text_field(
            Contact, "last_name", ("last name", "surname", "family name", "lastname", "nom", "nom de famille")
        ),
        _text_field(Contact, "first_name", ("first name", "given name", "firstname", "prenom")),
        Field(
            "full_name",
            gettext_lazy("full name"),
            values.text(161),
            (
                "full name",
                "name",
                "contact",
                "contact name",
                "nom complet",
                "personne",
                "nom et prenom",
                "prenom et nom",
            ),
            help=gettext_lazy("split into first and last name"),
        ),
        Field("email", Contact._meta.get_field("email").verbose_name, values.email, EMAIL_SYNONYMS),
        Field("phone", Contact._meta.get_field("phone").verbose_name, values.phone, PHONE_SYNONYMS),
        _text_field(
            Contact, "role", ("role", "title", "job title", "position", "fonction", "poste", "titre", "job")
        ),
        Field(
            "sponsor",
            Contact._meta.get_field("sponsor").verbose_name,
            values.text(150),
            (
                "sponsor",
                "company",
                "brand",
                "organisation",
                "organization",
                "marque",
                "entreprise",
                "societe",
                "sponsor name",
            ),
            help=gettext_lazy("an existing sponsor's name"),
            kind="reference",
        ),
        Field(
            "artist",
            Contact._meta.get_field("artist").verbose_name,
            values.text(120),
            ("artist", "artiste", "artist stage name", "nom de scene", "equipe de", "artist team", "team of"),
            help=gettext_lazy("an existing artist's stage name"),
            kind="reference",
        ),
        _text_field(
            Contact, "notes", ("notes", "comment", "comments", "commentaire", "commentaires", "remarques")
        ),
        Field(
            "tags",
            Contact._meta.get_field("tags").verbose_name,
            values.tag_names,
            TAG_SYNONYMS,
            help=gettext_lazy("new ones are created"),
            kind="list",
        ),
    ),
    required_any=(("last_name", "full_name"),),
)

KINDS: dict[str, Kind] = {k.key: k for k in (ARTISTS, SPONSORS, CONTACTS)}


def kind_spec(kind: str) -> Kind:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValidationError(
            {"kind": _("Choose what the file holds: artists, sponsors or contacts.")}
        ) from None


# --- guessing and checking the mapping -------------------------------------------------------------------

_PREFIXES = ("artist ", "artiste ", "sponsor ", "brand ", "marque ", "contact ", "the ", "le ", "la ", "l ")
_SUFFIXES = (" handle", " url", " link", " lien", " compte", " account", " profile", " profil", " username",
             " page", " id", " address", " adresse", " de l artiste", " du contact", " du sponsor")  # fmt: skip


def _header_forms(header: str) -> list[str]:
    base = normalize.normalize_name(header)
    forms = [base]
    for prefix in _PREFIXES:
        if base.startswith(prefix):
            forms.append(base.removeprefix(prefix))
    for form in list(forms):
        for suffix in _SUFFIXES:
            if form.endswith(suffix):
                forms.append(form.removesuffix(suffix))
    return [f for f in dict.fromkeys(forms) if f]


def _synonym_index(spec: Kind) -> dict[str, str]:
    index: dict[str, str] = {}
    for f in spec.fields:
        for synonym in (f.name.replace("_", " "), *f.synonyms):
            index.setdefault(normalize.normalize_name(synonym), f.name)
    from django.utils import translation

    for language in ("en", "fr"):  # the field labels in both languages (what our own template file uses)
        with translation.override(language):
            for f in spec.fields:
                index.setdefault(normalize.normalize_name(str(f.label)), f.name)
    return index


def guess_mapping(headers: list[str], kind: str) -> dict[str, str]:
    """``{"column": "field"}`` for the columns recognised; each field once, the first matching column wins."""
    spec = kind_spec(kind)
    index = _synonym_index(spec)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    pending = []
    for header in headers:
        found = next(
            (index[form] for form in _header_forms(header) if form in index and index[form] not in taken),
            None,
        )
        if found:
            mapping[header] = found
            taken.add(found)
        else:
            pending.append(header)
    for header in pending:  # near misses: "Emial", "Nom de scène artiste"
        for form in _header_forms(header):
            close = difflib.get_close_matches(form, list(index), n=3, cutoff=0.86)
            found = next((index[c] for c in close if index[c] not in taken), None)
            if found:
                mapping[header] = found
                taken.add(found)
                break
    return mapping


def check_mapping(headers: list[str], mapping: dict[str, str], kind: str) -> dict[str, str]:
    """The mapping limited to real columns and fields; raises a ValidationError saying which required field
    has no column, or which field got two columns."""
    spec = kind_spec(kind)
    clean = {h: f for h, f in mapping.items() if h in headers and f}
    errors: list[str] = []
    unknown = sorted({f for f in clean.values() if f not in spec.by_name})
    if unknown:
        errors.append(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    seen: dict[str, str] = {}
    for header, name in clean.items():
        if name in seen and name in spec.by_name:
            errors.append(
                _("“%(field)s” is chosen for two columns (%(first)s and %(second)s); keep one.")
                % {"field": capfirst(spec.by_name[name].label), "first": seen[name], "second": header}
            )
        seen.setdefault(name, header)
    for group in spec.required_groups():
        if not any(name in seen for name in group):
            labels = _(" or ").join(f"“{capfirst(spec.by_name[n].label)}”" for n in group)
            errors.append(
                _("%(fields)s is required but no column is mapped to it. Choose the column that holds it.")
                % {"fields": labels}
            )
    if errors:
        raise ValidationError({"mapping": errors})
    return clean
