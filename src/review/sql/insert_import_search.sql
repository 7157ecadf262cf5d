-- An imported file as a completed search (PRISMA-S): id, source label, query text, filters JSON,
-- records in the file (read + skipped), records read. A re-import of the same file is a no-op.
INSERT INTO searches (search_id, source, query_label, query_text, filters, started_at,
                      finished_at, status, reported_total, fetched, pages)
VALUES ($1, $2, 'import', $3, $4::JSON, now(), now(), 'completed', $5, $6, 0)
ON CONFLICT (search_id) DO NOTHING
