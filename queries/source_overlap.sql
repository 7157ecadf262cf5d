-- How much do the sources overlap? Works (after dedupe) found by each source, by each pair of
-- sources, and by one source only.
-- Question: which sources find the same studies, and which source finds studies no other does?
-- Parameters (optional): protocol — one protocol name: only records its searches found, plus
--   imported records (searches with no protocol), which count for every protocol. Without it:
--   every record in the database.
--   In the DuckDB CLI: SET VARIABLE protocol = 'sfi-crime';
-- Columns: protocol (the parameter, NULL = all records), measure (found | both | only),
--   source_a, source_b (the second source of a pair; NULL unless measure = both), works.
-- Measures: found = works source_a found; both = works found by source_a and by source_b
-- (source_a < source_b); only = works that source_a alone found.
-- A source is records.source: an API name, or the label of an imported file.
WITH scoped AS (
    SELECT DISTINCT r.source, coalesce(r.work_id, r.record_id) AS work_id
    FROM records AS r
    WHERE getvariable('protocol') IS NULL
       OR EXISTS (
           SELECT 1 FROM record_hits AS h JOIN searches AS s USING (search_id)
           WHERE h.record_id = r.record_id
             AND (s.protocol = getvariable('protocol') OR s.protocol IS NULL)
       )
),
per_work AS (
    SELECT work_id, count(*) AS n_sources FROM scoped GROUP BY work_id
)
SELECT getvariable('protocol')::VARCHAR AS protocol, 'found' AS measure, source AS source_a,
       NULL::VARCHAR AS source_b, count(*) AS works
FROM scoped GROUP BY source
UNION ALL
SELECT getvariable('protocol')::VARCHAR, 'both', a.source, b.source, count(*)
FROM scoped AS a JOIN scoped AS b ON a.work_id = b.work_id AND a.source < b.source
GROUP BY a.source, b.source
UNION ALL
SELECT getvariable('protocol')::VARCHAR, 'only', s.source, NULL, count(*)
FROM scoped AS s JOIN per_work AS p USING (work_id)
WHERE p.n_sources = 1
GROUP BY s.source
ORDER BY measure, source_a, source_b NULLS FIRST;
