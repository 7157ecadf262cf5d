-- What identifies each stored work, for matching a screening tool's rows to works
-- (review.screening.matching): one row per record (its ids, DOI, PMID, title, year, under its
-- work) and one per work (the work's canonical fields, which may differ from its records').
-- A record not yet deduplicated is its own work.
SELECT coalesce(work_id, record_id) AS work_id, record_id, source_id, doi, pmid, title, year
FROM records
UNION ALL
SELECT work_id, work_id, NULL, doi, pmid, title, year
FROM works;
