-- An imported file as a completed search (PRISMA-S): id, protocol (NULL: every protocol),
-- method (PRISMA 2020: database, citation-searching, ...), source label, query text, filters
-- JSON, records in the file (read + skipped), records read. Re-importing the file is a no-op.
INSERT INTO searches (search_id, protocol, method, source, query_label, query_text, filters,
                      started_at, finished_at, status, reported_total, fetched, pages)
VALUES ($1, $2, $3, $4, 'import', $5, $6::JSON, now(), now(), 'completed', $7, $8, 0)
ON CONFLICT (search_id) DO NOTHING
