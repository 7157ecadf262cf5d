-- Re-insert changed records and insert new ones, keeping work_id and first_seen_at.
INSERT INTO records (
    record_id, source, source_id, work_id, doi, pmid, pmcid, title, abstract, authors, year,
    venue, volume, issue, pages, language, publication_type, keywords, flags, url, search_id,
    retrieved_at, first_seen_at, content_hash
)
SELECT
    s.record_id, s.source, s.source_id, c.old_work, s.doi, s.pmid, s.pmcid, s.title, s.abstract,
    s.authors, s.year, s.venue, s.volume, s.issue, s.pages, s.language, s.publication_type,
    s.keywords, s.flags, s.url, s.search_id, s.retrieved_at,
    coalesce(c.old_seen, s.retrieved_at), c.content_hash
FROM _incoming AS s
JOIN _changed AS c USING (record_id);
