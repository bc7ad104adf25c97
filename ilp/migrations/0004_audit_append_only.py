"""Make the audit trail append-only in PostgreSQL: the application's own database role cannot
UPDATE or DELETE audit rows, whatever the code asks. (SQLite, the embedded default, has no such
guard; production runs on PostgreSQL.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION ilp_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on ilp_auditevent is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ilp_auditevent_append_only
    BEFORE UPDATE OR DELETE ON ilp_auditevent
    FOR EACH ROW EXECUTE FUNCTION ilp_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS ilp_auditevent_append_only ON ilp_auditevent;
DROP FUNCTION IF EXISTS ilp_audit_append_only();
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        # A plain cursor: the SQL holds a literal % that parameter binding would misread.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("ilp", "0003_audit_event")]

    operations = [migrations.RunPython(forwards, backwards)]
