# SPDX-License-Identifier: MIT
"""The audit trail (feature_history) can be added to, never rewritten."""
from django.db import migrations

FORBID_UPDATE = """
CREATE OR REPLACE FUNCTION basemap_history_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'feature_history is append-only';
END $$;
CREATE TRIGGER feature_history_append_only BEFORE UPDATE ON feature_history
    FOR EACH ROW EXECUTE FUNCTION basemap_history_is_append_only();
"""
ALLOW_UPDATE = """
DROP TRIGGER IF EXISTS feature_history_append_only ON feature_history;
DROP FUNCTION IF EXISTS basemap_history_is_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("geoserver_app", "0001_api_tokens"), ("layers", "0004_change_capture")]
    operations = [migrations.RunSQL(FORBID_UPDATE, ALLOW_UPDATE)]
