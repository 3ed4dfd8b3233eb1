"""OpenAPI names for Planning's choice sets (``kind`` and ``status`` are also CRM field names with other
choices; drf-spectacular names each enum once from ``ENUM_NAME_OVERRIDES``, so the schema builds without
warnings). Loaded by planning.api.urls."""

from drf_spectacular.settings import spectacular_settings

ENUM_NAMES = {
    "BoardVisibilityEnum": "planning.models.Board.Visibility",
    "BoardWipPolicyEnum": "planning.models.Board.WipPolicy",
    "BoardRoleEnum": "planning.models.BoardMembership.Role",
    "TaskPriorityEnum": "planning.models.Task.Priority",
    "EventKindEnum": "planning.models.Event.Kind",
    "EventStatusEnum": "planning.models.Event.Status",
}


def register_enum_names() -> None:
    overrides = spectacular_settings.ENUM_NAME_OVERRIDES
    for name, choices in ENUM_NAMES.items():
        overrides.setdefault(name, choices)


register_enum_names()
