-- Included works: those whose current decision is include (full text to fetch, or included at
-- full text), with the terms that matched and the records that found them.
-- Question: which studies go forward under each protocol, and on what evidence?
-- Parameters (optional): protocol — one protocol name.
--   In the DuckDB CLI: SET VARIABLE protocol = 'sfi-crime';
-- Columns: protocol, work_id, stage, source (rules | human | resolution), reasons, title,
--   authors, year, venue, doi, pmid, abstract, matched_terms (block:term@field from the rules),
--   source_ids, decided_by, decided_at.
SELECT
    c.protocol, c.work_id, c.stage, c.source, c.reasons, w.title, w.authors, w.year, w.venue,
    w.doi, w.pmid, w.abstract,
    (SELECT list(DISTINCT (m->>'block') || ':' || (m->>'term') || '@' || (m->>'field'))
       FROM (SELECT unnest(from_json(c.rules_matches, '["JSON"]')) AS m)) AS matched_terms,
    (SELECT list(r.source || ':' || r.source_id ORDER BY r.source, r.source_id)
       FROM records r WHERE r.work_id = c.work_id) AS source_ids,
    c.decided_by, c.decided_at
FROM current_decisions c
JOIN works w USING (work_id)
WHERE c.decision = 'include'
  AND (getvariable('protocol') IS NULL OR c.protocol = getvariable('protocol'))
ORDER BY c.protocol, w.year DESC NULLS LAST, w.title;
