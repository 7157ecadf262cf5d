-- Why were works excluded? Counts per protocol, stage and reason code of the current decision.
-- Question: which rules (or reviewers) exclude how many works, at title/abstract and at full text?
-- Parameters (optional): protocol — one protocol name.
--   In the DuckDB CLI: SET VARIABLE protocol = 'sfi-crime';
-- Columns: protocol, stage, reason (the first code of the decision; E-DOMAIN:<rule> names the
--   noise-guard rule), decided_by_kind (rules | human), works, seeds (excluded reviews tagged
--   T-SEED for citation chasing).
SELECT
    protocol,
    stage,
    reasons[1] AS reason,
    CASE WHEN source = 'rules' THEN 'rules' ELSE 'human' END AS decided_by_kind,
    count(*) AS works,
    count(*) FILTER (WHERE list_contains(reasons, 'T-SEED')) AS seeds
FROM current_stage_decisions
WHERE decision = 'exclude'
  AND (getvariable('protocol') IS NULL OR protocol = getvariable('protocol'))
GROUP BY ALL
ORDER BY protocol, stage, works DESC, reason;
