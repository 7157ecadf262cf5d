-- The stored title/abstract decision of one work under one protocol, for `review explain`:
-- the latest rules decision and the current decision (a reviewer's outranks the rules').
-- Parameters: $work_id, $protocol.
SELECT c.decision, c.reasons, c.decided_by, c.source, c.rules_decision, c.rules_reasons,
    c.rule_version
FROM current_stage_decisions AS c
WHERE c.work_id = $work_id AND c.protocol = $protocol AND c.stage = 'title_abstract';
