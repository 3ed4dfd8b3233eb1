"""The two pipelines every agency starts with; Managers edit them afterwards."""

from django.db import migrations

PIPELINES = [
    (
        "Artist signing",
        "signing",
        [
            ("Discovered", 5, "open", "#6c757d"),
            ("Contacted", 15, "open", "#0dcaf0"),
            ("Meeting", 35, "open", "#0d6efd"),
            ("Negotiation", 65, "open", "#6f42c1"),
            ("Signed", 100, "won", "#198754"),
            ("Lost", 0, "lost", "#dc3545"),
        ],
    ),
    (
        "Sponsorship",
        "sponsorship",
        [
            ("Lead", 10, "open", "#6c757d"),
            ("Qualified", 25, "open", "#0dcaf0"),
            ("Proposal", 50, "open", "#0d6efd"),
            ("Negotiation", 75, "open", "#6f42c1"),
            ("Won", 100, "won", "#198754"),
            ("Lost", 0, "lost", "#dc3545"),
        ],
    ),
]


def create(apps, schema_editor):
    Pipeline = apps.get_model("crm", "Pipeline")
    Stage = apps.get_model("crm", "Stage")
    ScoringConfig = apps.get_model("crm", "ScoringConfig")
    for position, (name, kind, stages) in enumerate(PIPELINES):
        pipeline, created = Pipeline.objects.get_or_create(name=name, defaults={"kind": kind, "position": position})
        if not created:
            continue
        for index, (stage, probability, outcome, color) in enumerate(stages):
            Stage.objects.create(
                pipeline=pipeline, name=stage, position=index, probability=probability, outcome=outcome, color=color
            )
    if not ScoringConfig.objects.exists():
        ScoringConfig.objects.create(weights={})


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
