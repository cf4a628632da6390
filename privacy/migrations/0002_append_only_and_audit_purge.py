"""The purge's trail is append-only like the audit trail; and the audit trail's
trigger (core/migrations_sql.append_only) is replaced by one that still refuses
every UPDATE and DELETE except a DELETE, by the purge's transaction (SET LOCAL
privacy.purge = 'on', privacy/purge.py), of a row more than a year old. Someone with
SQL access can set that flag too, but can then delete only rows the purge would
delete after RETENTION_AUDIT_YEARS anyway (at least 1); the reverse puts the plain
trigger back."""

from django.db import migrations

from core.migrations_sql import _on_postgres, append_only

GUARDED = """
    CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND current_setting('privacy.purge', true) = 'on'
           AND OLD.at < now() - interval '1 year' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
    END $$;
"""
PLAIN = """
    CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
    END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        append_only("privacy_tombstone"),
        append_only("privacy_purgerun"),
        migrations.RunPython(_on_postgres(GUARDED), _on_postgres(PLAIN)),
    ]
