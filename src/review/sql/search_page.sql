-- One stored page, archived raw: $1 search id, $2 page number, $3 URL, $4 the token that asked
-- for it, $5 items on the page, $6 gzip body.
INSERT INTO pages VALUES ($1, $2, $3, $4, now(), $5, $6)
