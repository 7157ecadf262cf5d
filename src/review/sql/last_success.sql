-- The start date of the last run in which every search of this protocol ($1) x source ($2)
-- completed (or stopped at the source's own cap) and belonged to this query plan ($3).
SELECT max(started)::DATE
FROM (
    SELECT min(started_at) AS started,
           bool_and(status IN ('completed', 'capped') AND plan IS NOT DISTINCT FROM $3) AS ok
    FROM searches
    WHERE protocol = $1 AND source = $2 AND run_id IS NOT NULL
    GROUP BY run_id
)
WHERE ok
