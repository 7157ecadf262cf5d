-- Works of one protocol (found by its searches, or by imports, which count for every protocol)
-- with their bibliographic fields and current decision; for exports and the HTML report.
-- Parameters: $protocol (name), $decision (include | uncertain | exclude, or NULL for all).
-- matched_terms are block:term from the title/abstract rules (prescreen checks left out).
-- A work with no decision yet has decision NULL. A record not yet deduplicated is its own work.
WITH found AS (
    SELECT DISTINCT coalesce(r.work_id, r.record_id) AS work_id
    FROM record_hits AS h
    JOIN searches AS s USING (search_id)
    JOIN records AS r USING (record_id)
    WHERE s.protocol = $protocol OR s.protocol IS NULL
)
SELECT
    f.work_id,
    coalesce(w.title, r.title) AS title,
    coalesce(w.authors, r.authors) AS authors,
    coalesce(w.year, r.year) AS year,
    coalesce(w.venue, r.venue) AS venue,
    coalesce(w.volume, r.volume) AS volume,
    coalesce(w.issue, r.issue) AS issue,
    coalesce(w.pages, r.pages) AS pages,
    coalesce(w.doi, r.doi) AS doi,
    coalesce(w.pmid, r.pmid) AS pmid,
    coalesce(w.abstract, r.abstract) AS abstract,
    coalesce(w.keywords, r.keywords) AS keywords,
    coalesce(w.language, r.language) AS language,
    coalesce(w.publication_type, r.publication_type) AS publication_type,
    c.decision, c.stage, c.reasons, c.source AS decision_source, c.decided_by, c.decided_at,
    c.note,
    (SELECT list_sort(list(DISTINCT (m->>'block') || ':' || (m->>'term')))
       FROM (SELECT unnest(from_json(t.matches, '["JSON"]')) AS m)
       WHERE m->>'block' <> 'prescreen') AS matched_terms,
    (SELECT list(x.source || ':' || x.source_id ORDER BY x.source, x.source_id)
       FROM records AS x WHERE coalesce(x.work_id, x.record_id) = f.work_id) AS source_ids
FROM found AS f
LEFT JOIN works AS w ON w.work_id = f.work_id
LEFT JOIN records AS r ON r.record_id = f.work_id
LEFT JOIN current_decisions AS c ON c.work_id = f.work_id AND c.protocol = $protocol
-- The terms the rules matched in title and abstract, whatever stage the decision is at.
LEFT JOIN rules_latest AS t
    ON t.work_id = f.work_id AND t.protocol = $protocol AND t.stage = 'title_abstract'
WHERE $decision IS NULL OR c.decision = $decision
ORDER BY c.decision NULLS LAST, coalesce(w.year, r.year) DESC NULLS LAST,
         coalesce(w.title, r.title), f.work_id;
