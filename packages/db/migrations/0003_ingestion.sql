-- Ingestion: API keys, idempotency of client ids, per-tenant settings (plan, privacy).

CREATE TABLE api_keys (
  tenant_id    text        NOT NULL,
  id           uuid        NOT NULL,
  name         text        NOT NULL,
  prefix       text        NOT NULL,
  key_hash     text        NOT NULL,
  created_by   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  expires_at   timestamptz,
  revoked_at   timestamptz,
  revoked_by   text,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX api_keys_tenant_hash_idx ON api_keys (tenant_id, key_hash);
-- Authentication looks a key up by its hash before the tenant is known.
CREATE INDEX api_keys_hash_idx ON api_keys (key_hash);

-- One row per client-supplied event id: makes ingestion idempotent within the tenant, also when two
-- requests race (INSERT ... ON CONFLICT DO NOTHING waits for the other transaction's outcome).
CREATE TABLE event_client_ids (
  tenant_id   text        NOT NULL,
  client_id   text        NOT NULL,
  event_id    uuid        NOT NULL,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, client_id)
);

CREATE TABLE tenant_settings (
  tenant_id  text        PRIMARY KEY,
  plan       text        NOT NULL DEFAULT 'free',
  privacy    jsonb       NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text
);

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY api_keys_tenant ON api_keys
  USING (tenant_id = current_setting('logbook.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('logbook.tenant_id', true));
ALTER TABLE event_client_ids ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_client_ids FORCE ROW LEVEL SECURITY;
CREATE POLICY event_client_ids_tenant ON event_client_ids
  USING (tenant_id = current_setting('logbook.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('logbook.tenant_id', true));
ALTER TABLE tenant_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_settings_tenant ON tenant_settings
  USING (tenant_id = current_setting('logbook.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('logbook.tenant_id', true));

GRANT SELECT, INSERT, UPDATE ON api_keys, tenant_settings TO logbook_app;
GRANT SELECT, INSERT, DELETE ON event_client_ids TO logbook_app;
