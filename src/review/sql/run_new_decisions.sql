-- Decisions made since the given run started, per protocol and decision.
SELECT d.protocol, d.decision, count(*) AS n
FROM decisions d, (SELECT started_at FROM runs WHERE run_id = ?) r
WHERE d.decided_at >= r.started_at
GROUP BY ALL ORDER BY d.protocol, d.decision
