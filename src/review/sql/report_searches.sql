-- The searches behind one protocol's records (PRISMA-S): its own searches and every import.
-- Parameter: $protocol (name).
SELECT source, query_label, query_text, CAST(filters AS VARCHAR) AS filters, since,
       started_at, finished_at, status, reported_total, fetched, shortfall, error
FROM searches
WHERE protocol = $protocol OR protocol IS NULL
ORDER BY started_at, source, query_label;
