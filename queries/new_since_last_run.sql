-- Records first seen since the previous completed run, with their work and current decisions.
-- Question: what did the latest run (and any import since) bring in, and where does it stand?
-- "The previous completed run" is the latest run (kind run, replay or import) with status
-- completed that had finished when the most recent such run started; records whose
-- first_seen_at is later are new. With no earlier completed run, every record is new.
-- Parameters (optional): since — a timestamp that replaces that cut-off;
--   protocol — one protocol name: only its decisions are shown.
--   In the DuckDB CLI: SET VARIABLE since = '2026-01-01'; SET VARIABLE protocol = 'sfi-crime';
-- Columns: since (the cut-off used, NULL = everything), record_id, source, source_id,
--   first_seen_at, work_id, title, year, doi, protocol, decision (current; NULL = not screened
--   yet), reasons, decided_by.
-- One row per record and protocol decision (one row with protocol NULL if none).
WITH latest AS (
    SELECT max(started_at) AS started_at FROM runs WHERE kind IN ('run', 'replay', 'import')
),
cutoff AS (
    SELECT coalesce(
        getvariable('since')::TIMESTAMPTZ,
        (SELECT max(r.finished_at) FROM runs AS r, latest AS l
         WHERE r.kind IN ('run', 'replay', 'import') AND r.status = 'completed'
           AND r.finished_at <= l.started_at)
    ) AS since
)
SELECT c.since, r.record_id, r.source, r.source_id, r.first_seen_at, r.work_id,
       coalesce(w.title, r.title) AS title, coalesce(w.year, r.year) AS year,
       coalesce(w.doi, r.doi) AS doi, d.protocol, d.decision, d.reasons, d.decided_by
FROM records AS r
CROSS JOIN cutoff AS c
LEFT JOIN works AS w ON w.work_id = r.work_id
LEFT JOIN current_decisions AS d
    ON d.work_id = r.work_id
   AND (getvariable('protocol') IS NULL OR d.protocol = getvariable('protocol'))
WHERE c.since IS NULL OR r.first_seen_at > c.since
ORDER BY r.first_seen_at DESC, r.record_id, d.protocol;
