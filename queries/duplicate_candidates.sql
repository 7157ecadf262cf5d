-- Question: which pairs of records might be the same study but were not merged automatically?
-- Each row is a pair the dedupe rules found plausible but not sure (or one a reviewer should
-- check), still in different works and not already decided by a reviewer. Resolve one with
-- `review dedupe --merge A B --reviewer NAME` or `--split A B --reviewer NAME`.
-- Parameters: none.
-- Columns: record_a, record_b, work_a, work_b, title_sim (0-100), author_sim (0-100),
--   year_diff, same_doi (1 same, -1 different, 0 unknown), title_a, title_b, year_a, year_b,
--   venue_a, venue_b, found_at.
SELECT c.record_a, c.record_b, a.work_id AS work_a, b.work_id AS work_b,
       round(c.title_sim, 1) AS title_sim, round(c.author_sim, 1) AS author_sim,
       c.year_diff, c.same_doi, a.title AS title_a, b.title AS title_b,
       a.year AS year_a, b.year AS year_b, a.venue AS venue_a, b.venue AS venue_b, c.found_at
FROM duplicate_candidates c
JOIN records a ON a.record_id = c.record_a
JOIN records b ON b.record_id = c.record_b
WHERE a.work_id IS DISTINCT FROM b.work_id
  AND NOT EXISTS (
      SELECT 1 FROM dedupe_overrides o
      WHERE (o.record_a, o.record_b) IN ((c.record_a, c.record_b), (c.record_b, c.record_a))
  )
ORDER BY c.title_sim DESC, c.record_a, c.record_b;
