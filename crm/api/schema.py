"""OpenAPI names for the CRM's choice sets.

Several CRM fields share a name but not their choices (``status`` of artists and campaigns, ``kind`` of
pipelines and timeline entries), and some choice sets appear under two names (an artist's audience age bands,
a sponsor's target age bands). drf-spectacular names each enum once from ``ENUM_NAME_OVERRIDES``; the CRM adds
its names when its API is loaded (crm.api.urls imports this module), so the schema builds without warnings.
"""

from drf_spectacular.settings import spectacular_settings

ENUM_NAMES = {
    "ArtistStatusEnum": "crm.models.Artist.Status",
    "CampaignStatusEnum": "crm.models.Campaign.Status",
    "PipelineKindEnum": "crm.models.Pipeline.Kind",
    "InteractionKindEnum": "crm.models.Interaction.Kind",
    "AgeBandEnum": "crm.models.AGE_BANDS",
    "BrandSafetyFlagEnum": "crm.models.BrandSafetyFlag",
}


def register_enum_names() -> None:
    overrides = spectacular_settings.ENUM_NAME_OVERRIDES
    for name, choices in ENUM_NAMES.items():
        overrides.setdefault(name, choices)


register_enum_names()
