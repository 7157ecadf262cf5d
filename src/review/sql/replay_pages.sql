-- Every archived page of the given sources ($1, a list), oldest search first, in page order.
SELECT p.search_id, s.source, p.body_gz
FROM pages AS p JOIN searches AS s USING (search_id)
WHERE list_contains($1, s.source)
ORDER BY s.started_at, p.page_no
