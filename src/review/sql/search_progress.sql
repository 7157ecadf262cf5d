-- A search moved on by one page: $1 records stored, $2 next token, $3 total the source
-- reported (or NULL), $4 search id.
UPDATE searches
SET fetched = fetched + $1, pages = pages + 1, next_token = $2,
    reported_total = coalesce($3, reported_total)
WHERE search_id = $4
