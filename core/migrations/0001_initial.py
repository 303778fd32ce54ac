"""ApiToken and IdempotencyKey moved from tracker (tracker 0016): created here in the
migration state only. Their tables keep their names (tracker_apitoken,
tracker_idempotencykey; Meta.db_table) so that no row moves and no table is recreated.
Their content types move with them, so that permissions and admin log entries follow."""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ("apitoken", "idempotencykey"):
        if not content_type.objects.filter(app_label="core", model=model).exists():
            content_type.objects.filter(app_label="tracker", model=model).update(app_label="core")


def restore_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ("apitoken", "idempotencykey"):
        if not content_type.objects.filter(app_label="tracker", model=model).exists():
            content_type.objects.filter(app_label="core", model=model).update(app_label="tracker")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("tracker", "0013_incident_alerts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(blank=True, max_length=100, verbose_name="name")),
                        ("prefix", models.CharField(editable=False, max_length=8, verbose_name="prefix")),
                        ("key_hash", models.CharField(editable=False, max_length=64, unique=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[("api", "API token"), ("feed", "Calendar feed key")],
                                default="api",
                                max_length=4,
                                verbose_name="kind",
                            ),
                        ),
                        ("read_only", models.BooleanField(default=True, verbose_name="read-only")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("expires_at", models.DateTimeField(blank=True, null=True, verbose_name="expires at")),
                        ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked at")),
                        (
                            "last_used_at",
                            models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last used at"),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="api_tokens",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "API token",
                        "db_table": "tracker_apitoken",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="IdempotencyKey",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("key", models.CharField(max_length=255, verbose_name="key")),
                        (
                            "request_hash",
                            models.CharField(
                                help_text="SHA-256 of the method, path and body of the request that used the key first.",
                                max_length=64,
                                verbose_name="request hash",
                            ),
                        ),
                        (
                            "response_status",
                            models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="response status"),
                        ),
                        (
                            "response_body",
                            models.JSONField(
                                blank=True,
                                encoder=django.core.serializers.json.DjangoJSONEncoder,
                                null=True,
                                verbose_name="response body",
                            ),
                        ),
                        ("created_at", models.DateTimeField(db_index=True, verbose_name="created at")),
                        (
                            "token",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.apitoken",
                                verbose_name="API token",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "idempotency key",
                        "db_table": "tracker_idempotencykey",
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("token__isnull", False)),
                                fields=("user", "token", "key"),
                                name="tracker_idempotencykey_unique_per_token",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("token__isnull", True)),
                                fields=("user", "key"),
                                name="tracker_idempotencykey_unique_per_session",
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
