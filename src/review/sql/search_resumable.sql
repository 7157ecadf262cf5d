-- The latest unfinished search of this protocol, source, query text and filters that has a
-- cursor to resume from: $1 protocol, $2 source, $3 query text, $4 filters (JSON text).
SELECT search_id, next_token, fetched, pages, reported_total
FROM searches
WHERE protocol = $1 AND source = $2 AND query_text = $3 AND filters = $4::JSON
  AND status IN ('running', 'failed', 'interrupted') AND next_token IS NOT NULL
ORDER BY started_at DESC
LIMIT 1
