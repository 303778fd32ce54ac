"""ApiToken and IdempotencyKey moved to core (core 0001 creates them in the state only):
removed here from the state only; their tables stay, under the same names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0015_dashboard_indexes"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="idempotencykey", name="token"),
                migrations.RemoveField(model_name="idempotencykey", name="user"),
                migrations.DeleteModel(name="ApiToken"),
                migrations.DeleteModel(name="IdempotencyKey"),
            ],
        ),
    ]
