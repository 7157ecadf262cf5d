-- The searches behind one protocol's records (PRISMA-S): its own searches, imports scoped to
-- it, and imports with no scope (protocol NULL: they count for every protocol).
-- Parameter: $protocol (name). method: how the search identified records (migration 004).
SELECT source, coalesce(method, 'database') AS method, protocol IS NULL AS unscoped, query_label,
       query_text, CAST(filters AS VARCHAR) AS filters, since,
       started_at, finished_at, status, reported_total, fetched, shortfall, error
FROM searches
WHERE protocol = $protocol OR protocol IS NULL
ORDER BY started_at, source, query_label;
