-- The work `review explain` is asked about: by work id, record id, a source's own id or DOI.
-- Parameters: $key (as typed), $doi (the key as a normalised DOI, or NULL).
-- One row per distinct work matched (several rows: the key is ambiguous); a record not yet
-- deduplicated has no work and is reported with work_id NULL and its record_id.
WITH matched AS (
    SELECT w.work_id, NULL AS record_id FROM works AS w
    WHERE w.work_id = $key OR ($doi IS NOT NULL AND w.doi = $doi)
    UNION
    SELECT r.work_id, CASE WHEN r.work_id IS NULL THEN r.record_id END AS record_id
    FROM records AS r
    WHERE r.record_id = $key OR r.source_id = $key OR ($doi IS NOT NULL AND r.doi = $doi)
)
SELECT DISTINCT m.work_id, m.record_id, w.title, w.abstract, w.keywords, w.language, w.year,
    w.publication_type, w.flags, w.venue, w.doi
FROM matched AS m
LEFT JOIN works AS w USING (work_id)
ORDER BY m.work_id NULLS LAST, m.record_id;
