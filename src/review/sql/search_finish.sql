-- A search ends: $1 status, $2 error, $3 shortfall, $4 search id. A finished search forgets
-- its cursor; a failed or interrupted one keeps it, so the next run resumes it.
UPDATE searches
SET status = $1, finished_at = now(), error = $2, shortfall = $3,
    next_token = CASE WHEN $1 IN ('completed', 'truncated', 'capped') THEN NULL ELSE next_token END
WHERE search_id = $4
