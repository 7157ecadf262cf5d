-- A few works included since the given run started (run_id, then how many).
SELECT d.protocol, w.title, w.year, w.doi
FROM decisions d JOIN works w USING (work_id), (SELECT started_at FROM runs WHERE run_id = ?) r
WHERE d.decided_at >= r.started_at AND d.decision = 'include'
ORDER BY d.protocol, w.year DESC NULLS LAST, w.title LIMIT ?
