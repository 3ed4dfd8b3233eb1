"""What the CRM adds to the shell: its sidebar module, global search providers, dashboard widgets and the
live groups of its boards. Each feature module registers its own piece from here."""

from django.utils.translation import gettext_lazy as _

from dashboard.registry import register_module, register_widget

from .permissions import can_view_crm


def _pipelines_context(request) -> dict:
    from .selectors.dashboard import pipeline_summaries

    return {"summaries": pipeline_summaries(user=request.user)}


def _top_artists_context(request) -> dict:
    from .selectors.dashboard import top_artists

    return {"artists": top_artists(user=request.user)}


def register() -> None:
    from . import receivers  # noqa: F401  (scoring: score_inputs_changed queues a recomputation)
    from .registry import register_live_groups

    register_live_groups()  # records: crm.artist/sponsor/contact/deal.<pk> live timelines
    from .boards import register_boards

    register_boards()  # the pipeline board: board.crm.pipeline.<pk> (core.boards, helper BOARDS)
    from .importing import live as import_live

    import_live.register()  # crm.import.<pk>: an import's progress (helper IMPORT)
    register_module(
        "crm",
        label=_("CRM"),
        icon="people",
        url_name="crm:home",
        order=10,
        visible=can_view_crm,
        description=_("artists, sponsors, deals"),
    )
    register_widget(
        "crm-pipelines",
        title=_("Pipelines"),
        template="crm/components/widget-pipelines.html",
        context=_pipelines_context,
        order=20,
        visible=can_view_crm,
    )
    register_widget(
        "crm-top-artists",
        title=_("Top artists by score"),
        template="crm/components/widget-top-artists.html",
        context=_top_artists_context,
        order=30,
        visible=can_view_crm,
    )
    from .search import register_search_providers  # artists, sponsors, contacts, deals (helper LISTS)

    register_search_providers()
