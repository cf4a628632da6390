from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS directive_search_trgm ON directives_directive USING gin (search_document gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS directive_search_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        # SQLite (the embedded default) scans the folded column instead.
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directives", "0001_initial")]
    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
