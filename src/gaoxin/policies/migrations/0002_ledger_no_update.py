"""On PostgreSQL the database itself refuses to change a ledger row (rows are only ever added)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION policies_ledger_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '台账记录不可修改';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER policies_ledger_no_update BEFORE UPDATE ON policies_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION policies_ledger_immutable();
"""
DROP = """
DROP TRIGGER IF EXISTS policies_ledger_no_update ON policies_ledgerentry;
DROP FUNCTION IF EXISTS policies_ledger_immutable();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
