"""Audit events are append-only below the ORM on PostgreSQL.

A trigger refuses UPDATE and DELETE of surveys_auditevent rows. (On SQLite
the model refuses; TRUNCATE, used only by test teardown, is not affected.)
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION surveys_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS surveys_auditevent_append_only ON surveys_auditevent;
CREATE TRIGGER surveys_auditevent_append_only
    BEFORE UPDATE OR DELETE ON surveys_auditevent
    FOR EACH ROW EXECUTE FUNCTION surveys_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS surveys_auditevent_append_only ON surveys_auditevent;
DROP FUNCTION IF EXISTS surveys_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_consent")]

    operations = [migrations.RunPython(forwards, backwards)]
