"""Migration helpers shared by the apps: SQL that only PostgreSQL runs."""

from django.db import migrations


def _on_postgres(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


def append_only(table: str) -> migrations.RunPython:
    """A trigger that refuses UPDATE and DELETE on `table`, so even someone with SQL
    access cannot quietly rewrite history (they would have to drop the trigger,
    which needs the table owner's rights). SQLite, the embedded default, has no
    such guard beyond the models."""
    function = f"{table}_append_only"
    create = f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
        END $$;
        CREATE TRIGGER {function} BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {function}();
    """
    drop = f"DROP TRIGGER IF EXISTS {function} ON {table}; DROP FUNCTION IF EXISTS {function}();"
    return migrations.RunPython(_on_postgres(create), _on_postgres(drop))
