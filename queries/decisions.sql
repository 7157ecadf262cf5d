-- Current screening decision per work and protocol (human over rules, full text over title/abstract).
-- Question: where does every work stand under each protocol, why, and which source records is it?
-- Parameters (optional): protocol — one protocol name; decision — include | uncertain | exclude.
--   In the DuckDB CLI: SET VARIABLE protocol = 'sfi-crime'; SET VARIABLE decision = 'include';
-- Columns: protocol, work_id, decision (current), stage (of the current decision), source
--   (rules | human | conflict | resolution), reasons (codes), decided_by, decided_at,
--   title_abstract_decision, full_text_decision, conflict, rules_decision, rules_reasons,
--   rule_version, title, year, doi, source_ids (source:source_id of every record of the work),
--   note.
SELECT
    c.protocol, c.work_id, c.decision, c.stage, c.source, c.reasons, c.decided_by, c.decided_at,
    c.title_abstract_decision, c.full_text_decision, c.conflict, c.rules_decision,
    c.rules_reasons, c.rule_version, w.title, w.year, w.doi,
    (SELECT list(r.source || ':' || r.source_id ORDER BY r.source, r.source_id)
       FROM records r WHERE r.work_id = c.work_id) AS source_ids,
    c.note
FROM current_decisions c
LEFT JOIN works w USING (work_id)
WHERE (getvariable('protocol') IS NULL OR c.protocol = getvariable('protocol'))
  AND (getvariable('decision') IS NULL OR c.decision = getvariable('decision'))
ORDER BY c.protocol, c.decision, c.work_id;
