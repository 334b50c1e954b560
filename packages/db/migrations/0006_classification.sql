-- Classification: per-tenant tool settings, the unlabelled-interaction index, feedback, reclassify runs.

-- Which tool names count as retrieval or connector tools (glob patterns); {} = the defaults.
ALTER TABLE tenant_settings ADD COLUMN classification jsonb NOT NULL DEFAULT '{}'::jsonb;

-- Interactions still lacking intent or response type: the worker's batches look their ids up here and
-- the sweep finds those a lost hand-off left behind. Rows leave the index once labelled.
CREATE INDEX events_unlabelled_idx ON events (tenant_id, id)
  WHERE kind = 'interaction' AND (intent IS NULL OR response_type IS NULL);

-- Feedback on an interaction (a user_activity event `feedback` / `feedback.*` whose target.id is the
-- interaction's client id, metadata.rating up/down, optional metadata.comment and metadata.intent),
-- captured at insert whatever order feedback and interaction arrive in; the worker applies it.
CREATE TABLE interaction_feedback (
  tenant_id   text        NOT NULL,
  ref         text        NOT NULL,
  feedback_id uuid        NOT NULL,
  occurred_at timestamptz NOT NULL,
  sentiment   text        NOT NULL CHECK (sentiment IN ('positive', 'negative')),
  intent      text        CHECK (intent IN ('how_to', 'troubleshooting', 'conceptual', 'other')),
  comment     text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  applied_at  timestamptz,
  PRIMARY KEY (tenant_id, ref, feedback_id)
);
CREATE INDEX interaction_feedback_pending ON interaction_feedback (tenant_id, created_at) WHERE applied_at IS NULL;

CREATE FUNCTION logbook_capture_feedback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO interaction_feedback (tenant_id, ref, feedback_id, occurred_at, sentiment, intent, comment)
  SELECT tenant_id, target_id, id, occurred_at, rated,
         CASE WHEN metadata->>'intent' IN ('how_to', 'troubleshooting', 'conceptual', 'other') THEN metadata->>'intent' END,
         left(metadata->>'comment', 2000)
  FROM (SELECT n.*,
               CASE lower(n.metadata->>'rating')
                 WHEN 'up' THEN 'positive' WHEN 'thumbs_up' THEN 'positive' WHEN 'positive' THEN 'positive' WHEN '1' THEN 'positive'
                 WHEN 'down' THEN 'negative' WHEN 'thumbs_down' THEN 'negative' WHEN 'negative' THEN 'negative' WHEN '-1' THEN 'negative'
               END AS rated
        FROM new_rows n
        WHERE n.kind = 'user_activity' AND (n.type = 'feedback' OR n.type LIKE 'feedback.%')
          AND n.target_id IS NOT NULL AND coalesce(n.target_type, 'interaction') = 'interaction') f
  WHERE rated IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER events_capture_feedback AFTER INSERT ON events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION logbook_capture_feedback();

-- Reclassify runs: a period of a tenant's interactions walked in (occurred_at, id) order; the cursor
-- advances in the same transaction as the labels it covers, so a killed run resumes where it stopped.
CREATE TABLE classification_runs (
  tenant_id          text        NOT NULL,
  id                 uuid        NOT NULL,
  period_from        timestamptz NOT NULL,
  period_to          timestamptz NOT NULL,
  status             text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  cursor_occurred_at timestamptz,
  cursor_id          uuid,
  done               integer     NOT NULL DEFAULT 0,
  changed            integer     NOT NULL DEFAULT 0,
  total_estimate     integer     NOT NULL DEFAULT 0,
  model_version      text,
  error              text,
  created_by         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  finished_at        timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX classification_runs_unfinished ON classification_runs (created_at) WHERE status IN ('queued', 'running');

ALTER TABLE interaction_feedback ENABLE ROW LEVEL SECURITY;
CREATE POLICY interaction_feedback_tenant ON interaction_feedback
  USING (tenant_id = current_setting('logbook.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('logbook.tenant_id', true));
ALTER TABLE classification_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY classification_runs_tenant ON classification_runs
  USING (tenant_id = current_setting('logbook.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('logbook.tenant_id', true));
GRANT SELECT, INSERT, UPDATE ON interaction_feedback, classification_runs TO logbook_app;
