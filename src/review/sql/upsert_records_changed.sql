-- Staged records that are new or whose content changed, with what must survive the rewrite.
CREATE OR REPLACE TEMP TABLE _changed AS
SELECT s.record_id, r.first_seen_at AS old_seen, r.work_id AS old_work
FROM _staged AS s
LEFT JOIN records AS r USING (record_id)
WHERE r.record_id IS NULL OR r.content_hash <> s.content_hash;
