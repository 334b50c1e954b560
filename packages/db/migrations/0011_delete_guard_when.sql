-- Immutability guards, same rules, cheaper for retention: the DELETE guard is a row trigger whose WHEN
-- condition (an expression, no PL/pgSQL call) is false inside a retention transaction, so retention's
-- deletes fire no function per row; anyone else's DELETE still meets the same error. UPDATE keeps the
-- PL/pgSQL guard (only the derived fields may change; event content never).
DROP TRIGGER events_guard ON events;
CREATE TRIGGER events_guard BEFORE UPDATE ON events
  FOR EACH ROW EXECUTE FUNCTION logbook_events_guard();
CREATE TRIGGER events_delete_guard BEFORE DELETE ON events
  FOR EACH ROW WHEN (current_setting('logbook.retention', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION logbook_events_guard();

DROP TRIGGER event_contents_guard ON event_contents;
CREATE TRIGGER event_contents_guard BEFORE UPDATE ON event_contents
  FOR EACH ROW EXECUTE FUNCTION logbook_contents_guard();
CREATE TRIGGER event_contents_delete_guard BEFORE DELETE ON event_contents
  FOR EACH ROW WHEN (current_setting('logbook.retention', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION logbook_contents_guard();
