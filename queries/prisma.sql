-- PRISMA 2020 flow counts per protocol, one row per box of the diagram.
-- Question: how many records did each source identify, how many were duplicates, and how
-- many works were screened, included, sent to a human, or excluded (and why), per stage?
-- Parameters (optional): protocol — one protocol name (default: every protocol).
-- Columns: protocol, stage, measure, detail (source or reason code), n.
-- Rows (stage · measure · detail):
--   identification · records identified · <source>       records found per source
--   identification · records identified · all sources    distinct records over all sources
--   identification · duplicates removed · NULL            records minus works
--   screening      · works to screen    · NULL            works (after dedupe) found
--   screening      · not screened       · NULL            works with no decision yet
--   title_abstract | full_text · include | uncertain | exclude · NULL   current decision per stage
--   title_abstract | full_text · conflicts · NULL         reviewers disagree (counted in uncertain)
--   title_abstract | full_text · excluded by reason · <first reason code>   sums to exclude
--   overall        · include | uncertain | exclude · NULL  where each work stands now (full text
--                                                          outranks title/abstract)
-- Decisions come from the screening views (migration 003): human decisions outrank the rules,
-- disagreeing reviewers are a conflict until resolved. Only works found for the protocol count.
-- Imported records (searches with no protocol) count as identified for every protocol.
WITH protocols AS (
    SELECT DISTINCT protocol FROM searches WHERE protocol IS NOT NULL
    UNION
    SELECT DISTINCT protocol FROM decisions
    UNION
    SELECT getvariable('protocol') WHERE getvariable('protocol') IS NOT NULL
),
chosen AS (
    SELECT protocol FROM protocols
    WHERE getvariable('protocol') IS NULL OR protocol = getvariable('protocol')
),
hits AS (
    SELECT DISTINCT c.protocol, s.source, h.record_id
    FROM record_hits AS h
    JOIN searches AS s USING (search_id)
    JOIN chosen AS c ON s.protocol = c.protocol OR s.protocol IS NULL
),
found AS (
    SELECT DISTINCT h.protocol, coalesce(r.work_id, r.record_id) AS work_id
    FROM hits AS h JOIN records AS r USING (record_id)
),
per_stage AS (
    SELECT d.* FROM current_stage_decisions AS d JOIN found AS f USING (work_id, protocol)
),
overall AS (
    SELECT d.* FROM current_decisions AS d JOIN found AS f USING (work_id, protocol)
)
SELECT protocol, 'identification' AS stage, 'records identified' AS measure, source AS detail,
       count(DISTINCT record_id) AS n
FROM hits GROUP BY ALL
UNION ALL
SELECT protocol, 'identification', 'records identified', 'all sources', count(DISTINCT record_id)
FROM hits GROUP BY ALL
UNION ALL
SELECT h.protocol, 'identification', 'duplicates removed', NULL,
       count(DISTINCT h.record_id) - any_value(w.n)
FROM hits AS h JOIN (SELECT protocol, count(*) AS n FROM found GROUP BY ALL) AS w USING (protocol)
GROUP BY ALL
UNION ALL
SELECT protocol, 'screening', 'works to screen', NULL, count(*) FROM found GROUP BY ALL
UNION ALL
SELECT f.protocol, 'screening', 'not screened', NULL, count(*) FILTER (WHERE o.work_id IS NULL)
FROM found AS f LEFT JOIN overall AS o USING (work_id, protocol) GROUP BY ALL
UNION ALL
SELECT protocol, stage, decision, NULL, count(*) FROM per_stage GROUP BY ALL
UNION ALL
SELECT protocol, stage, 'conflicts', NULL, count(*) FROM per_stage WHERE source = 'conflict'
GROUP BY ALL
UNION ALL
SELECT protocol, stage, 'excluded by reason', reasons[1], count(*)
FROM per_stage WHERE decision = 'exclude' GROUP BY ALL
UNION ALL
SELECT protocol, 'overall', decision, NULL, count(*) FROM overall GROUP BY ALL
ORDER BY protocol, stage, measure, detail NULLS FIRST;
