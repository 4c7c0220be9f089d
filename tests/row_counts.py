"""How many rows each model's table holds, read in one statement.

The tests that send refused requests compare these counts before and after each one ("nothing written"), thousands
of times a run; one COUNT query per model was most of their time.
"""

from collections.abc import Collection

from django.apps import apps
from django.db import connection


def row_counts(app_labels: Collection[str] | None = None) -> dict[str, int]:
    """Rows by model label (app.Model) of every concrete model, or of the models of those apps only."""
    models = [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and (app_labels is None or model._meta.app_label in app_labels)
    ]
    tables = sorted({model._meta.db_table for model in models})
    counts_of_tables = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts_of_tables}")
        count_by_table = dict(zip(tables, cursor.fetchone(), strict=True))
    return {model._meta.label: count_by_table[model._meta.db_table] for model in models}
