-- Retention may rewrite a mostly expired day: TRUNCATE its partitions and put the kept rows back.
-- TRUNCATE is not MVCC-safe: a snapshot taken before it that reads the day afterwards sees it empty.
-- Repeatable-read readers (one snapshot across statements) therefore lock this table ACCESS SHARE as
-- their first statement, before their snapshot exists (LOCK takes none); a rewrite locks it ACCESS
-- EXCLUSIVE without waiting (NOWAIT), so it never runs while such a reader is open, and a reader that
-- comes during a rewrite takes its snapshot after the rewrite's commit. One lock per reader, whatever
-- the number of partitions.
CREATE TABLE logbook_rewrite_gate ();
GRANT SELECT ON logbook_rewrite_gate TO logbook_app;
