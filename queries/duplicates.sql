-- Duplicates: which work each record was linked to by `review dedupe`.
-- Question: which records are the same study? One row per record; records that share a
-- work_id are duplicates of each other, a work_id held by one record is a unique study.
-- Parameters: none.
-- Columns: source, source_id, record_id, work_id (NULL until `review dedupe` has run).
SELECT source, source_id, record_id, work_id
FROM records
ORDER BY work_id NULLS LAST, source, source_id, record_id;
