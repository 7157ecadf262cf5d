-- A resumed search belongs to this run ($1) again: $2 search id.
UPDATE searches SET status = 'running', run_id = $1, error = NULL WHERE search_id = $2
