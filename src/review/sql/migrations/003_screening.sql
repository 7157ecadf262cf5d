-- 003: screening. The rule sets decisions were made under, and views that turn the append-only
-- `decisions` history into the current decision: human decisions outrank the rules; two
-- reviewers who disagree are a conflict (current decision 'uncertain', U-CONFLICT) until they
-- agree or someone records a decision carrying the reason code RESOLVED; the full-text stage
-- outranks the title/abstract stage.

-- Every rule set that made decisions, verbatim, so a rule_version can always be explained.
CREATE TABLE IF NOT EXISTS screening_rules (
    protocol      VARCHAR NOT NULL,
    rule_version  VARCHAR NOT NULL,
    rules         JSON NOT NULL,
    first_used_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (protocol, rule_version)
);

-- Each reviewer's latest decision per work, protocol and stage (resolutions apart).
CREATE OR REPLACE VIEW human_latest AS
SELECT * FROM decisions
WHERE decided_by <> 'rules' AND NOT list_contains(reasons, 'RESOLVED')
QUALIFY row_number() OVER (
    PARTITION BY work_id, protocol, stage, decided_by ORDER BY decided_at DESC, decision_id DESC
) = 1;

-- The latest resolution per work, protocol and stage.
CREATE OR REPLACE VIEW resolutions_latest AS
SELECT * FROM decisions
WHERE decided_by <> 'rules' AND list_contains(reasons, 'RESOLVED')
QUALIFY row_number() OVER (
    PARTITION BY work_id, protocol, stage ORDER BY decided_at DESC, decision_id DESC
) = 1;

-- Reviewers' standing per work, protocol and stage.
CREATE OR REPLACE VIEW human_stage AS
SELECT
    work_id, protocol, stage,
    count(DISTINCT decision) AS n_distinct,
    max(decided_at) AS last_at,
    list(decided_by ORDER BY decided_by) AS reviewers,
    list(decision ORDER BY decided_by) AS reviewer_decisions
FROM human_latest
GROUP BY work_id, protocol, stage;

-- Open conflicts: reviewers disagree and no resolution is newer than their latest decision.
CREATE OR REPLACE VIEW screening_conflicts AS
SELECT h.work_id, h.protocol, h.stage, h.reviewers, h.reviewer_decisions, h.last_at
FROM human_stage h
LEFT JOIN resolutions_latest r USING (work_id, protocol, stage)
WHERE h.n_distinct > 1 AND (r.decided_at IS NULL OR r.decided_at < h.last_at);

-- The rules' latest decision per work, protocol and stage.
CREATE OR REPLACE VIEW rules_latest AS
SELECT * FROM decisions
WHERE decided_by = 'rules'
QUALIFY row_number() OVER (
    PARTITION BY work_id, protocol, stage ORDER BY decided_at DESC, decision_id DESC
) = 1;

-- One row per work x protocol x stage: resolution > agreeing humans > conflict > rules.
CREATE OR REPLACE VIEW current_stage_decisions AS
WITH latest_human AS (
    SELECT * FROM human_latest
    QUALIFY row_number() OVER (
        PARTITION BY work_id, protocol, stage ORDER BY decided_at DESC, decision_id DESC
    ) = 1
), human AS (
    SELECT
        h.work_id, h.protocol, h.stage,
        CASE WHEN r.decided_at >= h.last_at THEN r.decision
             WHEN h.n_distinct > 1 THEN 'uncertain'
             ELSE l.decision END AS decision,
        CASE WHEN r.decided_at >= h.last_at THEN r.reasons
             WHEN h.n_distinct > 1 THEN ['U-CONFLICT']
             ELSE l.reasons END AS reasons,
        CASE WHEN r.decided_at >= h.last_at THEN r.decided_by
             ELSE array_to_string(h.reviewers, ', ') END AS decided_by,
        CASE WHEN r.decided_at >= h.last_at THEN 'resolution'
             WHEN h.n_distinct > 1 THEN 'conflict'
             ELSE 'human' END AS source,
        CASE WHEN r.decided_at >= h.last_at THEN r.note ELSE l.note END AS note,
        greatest(h.last_at, coalesce(r.decided_at, h.last_at)) AS decided_at
    FROM human_stage h
    JOIN latest_human l USING (work_id, protocol, stage)
    LEFT JOIN resolutions_latest r USING (work_id, protocol, stage)
), resolved_only AS (
    SELECT r.work_id, r.protocol, r.stage, r.decision, r.reasons, r.decided_by,
           'resolution' AS source, r.note, r.decided_at
    FROM resolutions_latest r
    ANTI JOIN human_stage h USING (work_id, protocol, stage)
)
SELECT
    coalesce(x.work_id, ru.work_id) AS work_id,
    coalesce(x.protocol, ru.protocol) AS protocol,
    coalesce(x.stage, ru.stage) AS stage,
    coalesce(x.decision, ru.decision) AS decision,
    coalesce(x.reasons, ru.reasons) AS reasons,
    coalesce(x.decided_by, ru.decided_by) AS decided_by,
    coalesce(x.source, 'rules') AS source,
    coalesce(x.note, ru.note) AS note,
    coalesce(x.decided_at, ru.decided_at) AS decided_at,
    ru.decision AS rules_decision,
    ru.reasons AS rules_reasons,
    ru.matches AS rules_matches,
    ru.rule_version
FROM (SELECT * FROM human UNION ALL SELECT * FROM resolved_only) x
FULL OUTER JOIN rules_latest ru
    ON ru.work_id = x.work_id AND ru.protocol = x.protocol AND ru.stage = x.stage;

-- One row per work x protocol: the full-text decision where there is one, else title/abstract.
CREATE OR REPLACE VIEW current_decisions AS
SELECT
    c.*,
    max(CASE WHEN c.stage = 'title_abstract' THEN c.decision END)
        OVER (PARTITION BY c.work_id, c.protocol) AS title_abstract_decision,
    max(CASE WHEN c.stage = 'full_text' THEN c.decision END)
        OVER (PARTITION BY c.work_id, c.protocol) AS full_text_decision,
    c.source = 'conflict' AS conflict
FROM current_stage_decisions c
QUALIFY row_number() OVER (
    PARTITION BY c.work_id, c.protocol
    ORDER BY CASE c.stage WHEN 'full_text' THEN 0 ELSE 1 END
) = 1;
