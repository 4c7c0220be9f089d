"""The database triggers that replace the policy revision token on every write to the parameter sets (migration
0017), for the migrations that must put them back: SQLite alters a table by rebuilding it, which drops its
triggers. PostgreSQL keeps its triggers through an ALTER TABLE."""

PARAMETERS = "enrollment_policyparameterset"
REVISION = "enrollment_policyrevision"


def sqlite_revision_triggers_restore(apps, schema_editor):
    """Put back the triggers of 0017 on SQLite after a rebuild of the parameter sets' table."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for event in ("insert", "update", "delete"):
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS policy_revision_after_{event} AFTER {event.upper()} ON {PARAMETERS} "
            f"BEGIN UPDATE {REVISION} SET token = lower(hex(randomblob(16))); END"
        )
