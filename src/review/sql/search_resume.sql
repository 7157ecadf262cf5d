-- A resumed search belongs to this run ($1) and query plan ($2) again: $3 search id.
UPDATE searches SET status = 'running', run_id = $1, plan = $2, error = NULL WHERE search_id = $3
