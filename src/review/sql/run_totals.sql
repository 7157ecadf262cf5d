-- What the database holds after a run: one row per protocol and current decision (protocol and
-- decision NULL for a database with no decisions yet), with the records and works in all.
SELECT (SELECT count(*) FROM records) AS records, (SELECT count(*) FROM works) AS works,
       d.protocol, d.decision, count(d.work_id) AS n
FROM (SELECT 1) AS one
LEFT JOIN current_decisions AS d ON true
GROUP BY ALL
ORDER BY d.protocol, d.decision
