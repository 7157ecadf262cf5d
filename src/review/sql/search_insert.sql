-- A new search: id, run id, protocol, source, label, query text, filters (JSON text), since,
-- query plan (review.sources.plan.plan_key).
INSERT INTO searches (search_id, run_id, protocol, source, query_label, query_text, filters,
                      since, plan, started_at, status)
VALUES ($1, $2, $3, $4, $5, $6, $7::JSON, $8, $9, now(), 'running')
