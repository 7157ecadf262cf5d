-- PRISMA 2020 flow counts per protocol, one row per box of the diagram.
-- Question: how many records did each source identify, how many were duplicates, and how
-- many works were screened, included, sent to a human, or excluded (and why), per stage?
-- Parameters (optional): protocol — one protocol name (default: every protocol).
-- Columns: protocol, stage, measure, detail (source or reason code), n.
-- Imported records (searches with no protocol) count as identified for every protocol.
WITH protocols AS (
    SELECT DISTINCT protocol FROM searches WHERE protocol IS NOT NULL
    UNION
    SELECT DISTINCT protocol FROM decisions
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
current_decision AS (
    SELECT d.*
    FROM decisions AS d JOIN found AS f USING (work_id, protocol)
    QUALIFY row_number() OVER (
        PARTITION BY d.work_id, d.protocol, d.stage
        ORDER BY (d.decided_by <> 'rules') DESC, d.decided_at DESC, d.decision_id DESC
    ) = 1
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
SELECT protocol, stage, decision, NULL, count(*) FROM current_decision GROUP BY ALL
UNION ALL
SELECT protocol, stage, 'excluded by reason', reason, count(*)
FROM (SELECT protocol, stage, unnest(reasons) AS reason FROM current_decision
      WHERE decision = 'exclude')
GROUP BY ALL
ORDER BY protocol, stage, measure, detail NULLS FIRST;
