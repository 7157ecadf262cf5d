-- Incoming records that are new or whose content changed, with what must survive the rewrite.
-- `_incoming` is the Arrow batch (one row per record_id). The content hash is a change
-- detector over every content column (not provenance such as search_id or retrieved_at).
CREATE OR REPLACE TEMP TABLE _changed AS
SELECT s.record_id, r.first_seen_at AS old_seen, r.work_id AS old_work, s.content_hash
FROM (
    SELECT record_id,
           hash(doi, pmid, pmcid, title, abstract, authors, year, venue, volume, issue, pages,
                language, publication_type, keywords, flags, url)::VARCHAR AS content_hash
    FROM _incoming
) AS s
LEFT JOIN records AS r USING (record_id)
WHERE r.record_id IS NULL OR r.content_hash <> s.content_hash;
