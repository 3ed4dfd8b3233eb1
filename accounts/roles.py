"""The suite's roles. Each is a Django group created by a data migration; this module is the one place that
says which model permissions each role holds (later module issues extend ROLE_PERMISSIONS)."""

from django.utils.translation import gettext_lazy as _

ADMIN = "Admin"
MANAGER = "Manager"
PRODUCER = "Producer"
STREAMER = "Streamer"
VIEWER = "Viewer"

ROLES = [ADMIN, MANAGER, PRODUCER, STREAMER, VIEWER]
ROLE_LABELS = {
    ADMIN: _("Admin"),
    MANAGER: _("Manager"),
    PRODUCER: _("Producer"),
    STREAMER: _("Streamer"),
    VIEWER: _("Viewer"),
}
ROLE_DESCRIPTIONS = {
    ADMIN: _("Everything, including users, roles, audit trail and the back office."),
    MANAGER: _("MONA: artists, sponsors and deals."),
    PRODUCER: _("SPARK: content and planning."),
    STREAMER: _("Runs live shows."),
    VIEWER: _("Reads everything, changes nothing."),
}

# "app_label.codename" model permissions per role. Admin holds every permission (is_superuser is not used for
# staff: Admin is a role like the others so it shows in the audit trail and can be revoked).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    ADMIN: ["*"],
    MANAGER: ["notifications.send_announcement"],
    PRODUCER: [],
    STREAMER: [],
    VIEWER: [],
}

# CRM (crm.permissions): Viewer and Producer read, Manager writes; scoring settings stay the Admin's.
_CRM_MODELS = [
    "tag",
    "genre",
    "artist",
    "socialprofile",
    "audiencesnapshot",
    "sponsor",
    "contact",
    "pipeline",
    "stage",
    "campaign",
    "deal",
    "interaction",
    "savedview",
    "importjob",
]
for _model in _CRM_MODELS:
    ROLE_PERMISSIONS[MANAGER] += [f"crm.{verb}_{_model}" for verb in ("add", "change", "delete", "view")]
    ROLE_PERMISSIONS[PRODUCER].append(f"crm.view_{_model}")
    ROLE_PERMISSIONS[VIEWER].append(f"crm.view_{_model}")

# Planning (planning.permissions): Admin, Manager and Producer plan; Streamer and Viewer read. Board roles
# (owner / editor / viewer) narrow this per board.
_PLANNING_MODELS = [
    "board",
    "boardmembership",
    "column",
    "label",
    "task",
    "tasklink",
    "comment",
    "attachment",
    "event",
    "checklistitem",
    "remindersettings",
    "remindersent",
    "calendarfeed",
]
for _model in _PLANNING_MODELS:
    for _role in (MANAGER, PRODUCER):
        ROLE_PERMISSIONS[_role] += [
            f"planning.{verb}_{_model}" for verb in ("add", "change", "delete", "view")
        ]
    ROLE_PERMISSIONS[STREAMER].append(f"planning.view_{_model}")
    ROLE_PERMISSIONS[VIEWER].append(f"planning.view_{_model}")
