-- Exports (on demand and scheduled) and export schedules. tenant_id leads every key; no foreign key
-- crosses tenants; row-level security like the other tenant tables.

CREATE TABLE export_schedules (
  tenant_id       text        NOT NULL,
  id              uuid        NOT NULL,
  name            text        NOT NULL,
  frequency       text        NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly')),
  time_of_day     text        NOT NULL CHECK (time_of_day ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  time_zone       text        NOT NULL,
  weekday         smallint    NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 1 AND 7),
  filter          jsonb       NOT NULL DEFAULT '{}'::jsonb,
  format          text        NOT NULL CHECK (format IN ('csv', 'jsonl')),
  gzip            boolean     NOT NULL DEFAULT false,
  columns         text[],
  webhook_url     text,
  webhook_secret  text        NOT NULL,
  enabled         boolean     NOT NULL DEFAULT true,
  -- The end of the last period turned into an export: the next period starts exactly here.
  last_period_end timestamptz NOT NULL,
  created_by      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE exports (
  tenant_id        text        NOT NULL,
  id               uuid        NOT NULL,
  schedule_id      uuid,
  status           text        NOT NULL DEFAULT 'queued'
                               CHECK (status IN ('queued', 'running', 'ready', 'failed', 'cancelled', 'expired')),
  format           text        NOT NULL CHECK (format IN ('csv', 'jsonl')),
  gzip             boolean     NOT NULL DEFAULT false,
  columns          text[]      NOT NULL,
  -- The read path's filter model with the period resolved to absolute instants [period_from, period_to).
  filter           jsonb       NOT NULL,
  period_from      timestamptz NOT NULL,
  period_to        timestamptz NOT NULL,
  content_access   text        NOT NULL CHECK (content_access IN ('full', 'redacted', 'none')),
  rows_done        bigint      NOT NULL DEFAULT 0,
  rows_estimate    bigint,
  size_bytes       bigint,
  sha256           text,
  file_key         text,
  error            text,
  cancel_requested boolean     NOT NULL DEFAULT false,
  attempts         integer     NOT NULL DEFAULT 0,
  created_by       text,
  created_via      text        NOT NULL DEFAULT 'ui' CHECK (created_via IN ('ui', 'api', 'schedule')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz,
  expires_at       timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX exports_tenant_created_idx ON exports (tenant_id, created_at DESC, id DESC);
-- One export per schedule period: a scheduler tick that runs twice creates it once.
CREATE UNIQUE INDEX exports_schedule_period_idx ON exports (tenant_id, schedule_id, period_from) WHERE schedule_id IS NOT NULL;
-- The worker's sweeps (expiry, stranded queued exports) look across tenants.
CREATE INDEX exports_ready_expiry_idx ON exports (expires_at) WHERE status = 'ready';
CREATE INDEX exports_queued_idx ON exports (created_at) WHERE status IN ('queued', 'running');

ALTER TABLE export_schedules ENABLE ROW LEVEL SECURITY;
CREATE POLICY export_schedules_tenant ON export_schedules
  USING (tenant_id = current_setting('logbook.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('logbook.tenant_id', true));
ALTER TABLE exports ENABLE ROW LEVEL SECURITY;
CREATE POLICY exports_tenant ON exports
  USING (tenant_id = current_setting('logbook.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('logbook.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON export_schedules TO logbook_app;
GRANT SELECT, INSERT, UPDATE ON exports TO logbook_app;
