-- PRISMA 2020 flow counts per protocol: one row per box of the flow diagram (and per line in a box).
-- Question: how many records did each source identify, how many were removed before screening,
-- screened, excluded (by the rules or by reviewers), sought, not retrieved, assessed, excluded
-- with reasons, and how many studies and reports were included?
-- Parameters (optional): protocol — one protocol name (default: every protocol).
--   In the DuckDB CLI: SET VARIABLE protocol = 'sfi-crime';  (RESET VARIABLE protocol; for all)
-- Columns: protocol, via (databases and registers | other methods; NULL for the included box,
--   which both columns feed), stage (identification | screening | included), measure (the
--   box), detail (NULL for the box's own n, else a line in it), n.
-- Measures (PRISMA 2020 template for new reviews; `review prisma` draws exactly these rows):
--   identification · records identified · NULL | <source>       per via; NULL = all sources
--   identification · records identified from · <method>         database, register (always,
--                                           on the left), citation-searching, website,
--                                           organisation, other (when used)
--   identification · duplicates removed                        records minus works
--   identification · marked ineligible by automation tools     the rules' metadata prescreen:
--                                           E-LANG, E-PUBTYPE (a reviewer's decision overrides)
--   identification · removed for other reasons                 E-RETRACTED (retracted, withdrawn)
--   screening · records screened                               works with a decision
--   screening · awaiting screening                             works with no decision yet
--   (the "awaiting ..." rows appear only when n > 0; every other box always has its row)
--   screening · records excluded · NULL | by automation tools | by humans
--   screening · records excluded by reason · <first reason code>   (E-DOMAIN:<rule> as E-DOMAIN)
--   screening · awaiting a reviewer · NULL | reviewers disagree   uncertain at title/abstract
--   screening · reports sought for retrieval                   title/abstract include, or
--                                                              any full-text decision
--   screening · awaiting retrieval                             sought, no full-text decision yet
--   screening · reports not retrieved                          full text FT-E-NO-FULLTEXT
--   screening · reports assessed for eligibility               any other full-text decision
--   screening · awaiting a decision · NULL | reviewers disagree   uncertain at full text
--   screening · reports excluded · NULL | <first reason code>
--   included  · studies included in review                    full-text includes, less
--   included  · reports of included studies                    companion reports (FT-I-COMPANION)
-- Identities: records identified = duplicates removed + the three removals before screening
-- + awaiting screening + records screened; records screened = records excluded + awaiting a
-- reviewer + reports sought; reports sought = awaiting retrieval + reports not retrieved +
-- reports assessed; reports assessed = reports excluded + awaiting a decision + reports of
-- included studies (summed over both vias).
-- Scope: a protocol's records are those its searches found, plus imports made without
-- `review import --protocol` (searches.protocol NULL), which count for every protocol.
-- Columns of the diagram: a record belongs to "other methods" when only searches with a method
-- other than database or register found it; a work belongs to "databases and registers" when
-- any of its records does, so a work found both ways is counted once, on the left.
-- Decisions come from the screening views (migration 003): human decisions outrank the rules,
-- disagreeing reviewers are a conflict until resolved, full text outranks title/abstract.
WITH protocols AS (
    SELECT DISTINCT protocol FROM searches WHERE protocol IS NOT NULL
    UNION
    SELECT DISTINCT protocol FROM decisions
    UNION
    SELECT getvariable('protocol') WHERE getvariable('protocol') IS NOT NULL
),
chosen AS (
    SELECT protocol FROM protocols
    WHERE getvariable('protocol') IS NULL OR protocol = getvariable('protocol')
),
hits AS (
    SELECT c.protocol, h.record_id,
           arg_min(coalesce(s.method, 'database'), CASE coalesce(s.method, 'database')
               WHEN 'database' THEN 0 WHEN 'register' THEN 1 ELSE 2 END) AS method
    FROM record_hits AS h
    JOIN searches AS s USING (search_id)
    JOIN chosen AS c ON s.protocol = c.protocol OR s.protocol IS NULL
    GROUP BY c.protocol, h.record_id
),
recs AS (
    SELECT h.protocol, h.record_id, h.method, r.source,
           coalesce(r.work_id, r.record_id) AS work_id,
           CASE WHEN h.method IN ('database', 'register') THEN 'databases and registers'
                ELSE 'other methods' END AS via
    FROM hits AS h JOIN records AS r USING (record_id)
),
works AS (
    SELECT protocol, work_id,
           CASE WHEN bool_or(via = 'databases and registers') THEN 'databases and registers'
                ELSE 'other methods' END AS via
    FROM recs GROUP BY protocol, work_id
),
-- The screening views, evaluated once for both stages and only for the chosen protocols.
decided AS MATERIALIZED (
    SELECT d.work_id, d.protocol, d.stage, d.decision, d.reasons, d.source
    FROM current_stage_decisions AS d JOIN chosen AS c USING (protocol)
),
removed(code, outcome) AS (
    VALUES ('E-LANG', 'marked ineligible by automation tools'),
           ('E-PUBTYPE', 'marked ineligible by automation tools'),
           ('E-RETRACTED', 'removed for other reasons')
),
flow AS (
    SELECT w.protocol, w.via, w.work_id, ta.source AS ta_source, ta.reasons[1] AS ta_reason,
           ft.reasons[1] AS ft_reason, ta.source = 'conflict' AS ta_conflict,
           ft.source = 'conflict' AS ft_conflict,
           CASE
               WHEN ft.decision IS NULL AND ta.decision IS NULL THEN 'awaiting screening'
               WHEN ft.decision IS NULL AND ta.decision = 'exclude' AND ta.source = 'rules'
                    AND rm.outcome IS NOT NULL THEN rm.outcome
               WHEN ft.decision IS NULL AND ta.decision = 'exclude' THEN 'records excluded'
               WHEN ft.decision IS NULL AND ta.decision = 'uncertain' THEN 'awaiting a reviewer'
               WHEN ft.decision IS NULL THEN 'awaiting retrieval'
               WHEN ft.decision = 'exclude' AND ft.reasons[1] = 'FT-E-NO-FULLTEXT'
                    THEN 'reports not retrieved'
               WHEN ft.decision = 'exclude' THEN 'reports excluded'
               WHEN ft.decision = 'uncertain' THEN 'awaiting a decision'
               WHEN ft.reasons[1] = 'FT-I-COMPANION' THEN 'companion report'
               ELSE 'study included'
           END AS outcome
    FROM works AS w
    LEFT JOIN decided AS ta
        ON ta.work_id = w.work_id AND ta.protocol = w.protocol AND ta.stage = 'title_abstract'
    LEFT JOIN decided AS ft
        ON ft.work_id = w.work_id AND ft.protocol = w.protocol AND ft.stage = 'full_text'
    LEFT JOIN removed AS rm ON rm.code = ta.reasons[1]
),
per_via AS (
    SELECT protocol, via, count(*) AS records,
           count(*) FILTER (method = 'database') AS databases,
           count(*) FILTER (method = 'register') AS registers
    FROM recs GROUP BY protocol, via
),
boxes AS (
    SELECT p.protocol, p.via,
        any_value(p.records) AS "records identified",
        any_value(p.databases) AS "records identified from|database",
        any_value(p.registers) AS "records identified from|register",
        any_value(p.records) - count(f.work_id) AS "duplicates removed",
        count(*) FILTER (f.outcome = 'marked ineligible by automation tools')
            AS "marked ineligible by automation tools",
        count(*) FILTER (f.outcome = 'removed for other reasons') AS "removed for other reasons",
        count(*) FILTER (f.outcome NOT IN ('awaiting screening',
            'marked ineligible by automation tools', 'removed for other reasons'))
            AS "records screened",
        count(*) FILTER (f.outcome = 'awaiting screening') AS "awaiting screening",
        count(*) FILTER (f.outcome = 'records excluded') AS "records excluded",
        count(*) FILTER (f.outcome = 'records excluded' AND f.ta_source = 'rules')
            AS "records excluded|by automation tools",
        count(*) FILTER (f.outcome = 'records excluded' AND f.ta_source <> 'rules')
            AS "records excluded|by humans",
        count(*) FILTER (f.outcome = 'awaiting a reviewer') AS "awaiting a reviewer",
        count(*) FILTER (f.outcome IN ('awaiting retrieval', 'reports not retrieved',
            'reports excluded', 'awaiting a decision', 'companion report', 'study included'))
            AS "reports sought for retrieval",
        count(*) FILTER (f.outcome = 'awaiting retrieval') AS "awaiting retrieval",
        count(*) FILTER (f.outcome = 'reports not retrieved') AS "reports not retrieved",
        count(*) FILTER (f.outcome IN ('reports excluded', 'awaiting a decision',
            'companion report', 'study included')) AS "reports assessed for eligibility",
        count(*) FILTER (f.outcome = 'awaiting a decision') AS "awaiting a decision",
        count(*) FILTER (f.outcome = 'reports excluded') AS "reports excluded"
    FROM per_via AS p
    LEFT JOIN flow AS f USING (protocol, via)
    GROUP BY p.protocol, p.via
),
included AS (
    SELECT protocol,
        count(*) FILTER (outcome = 'study included') AS "studies included in review",
        count(*) FILTER (outcome IN ('study included', 'companion report'))
            AS "reports of included studies"
    FROM (SELECT DISTINCT protocol FROM recs) LEFT JOIN flow USING (protocol)
    GROUP BY protocol
),
lines AS (
    SELECT protocol, via, 'records identified' AS measure, source AS detail, count(*) AS n
    FROM recs GROUP BY ALL
    UNION ALL
    SELECT protocol, via, 'records identified from', method, count(*)
    FROM recs WHERE method NOT IN ('database', 'register') GROUP BY ALL
    UNION ALL
    SELECT protocol, via, 'records excluded by reason', split_part(ta_reason, ':', 1), count(*)
    FROM flow WHERE outcome = 'records excluded' GROUP BY ALL
    UNION ALL
    SELECT protocol, via, 'awaiting a reviewer', 'reviewers disagree', count(*)
    FROM flow WHERE outcome = 'awaiting a reviewer' AND ta_conflict GROUP BY ALL
    UNION ALL
    SELECT protocol, via, 'awaiting a decision', 'reviewers disagree', count(*)
    FROM flow WHERE outcome = 'awaiting a decision' AND ft_conflict GROUP BY ALL
    UNION ALL
    SELECT protocol, via, 'reports excluded', ft_reason, count(*)
    FROM flow WHERE outcome = 'reports excluded' GROUP BY ALL
),
all_rows AS (
    SELECT protocol, via, split_part(name, '|', 1) AS measure,
           nullif(split_part(name, '|', 2), '') AS detail, n
    FROM (UNPIVOT boxes ON COLUMNS(* EXCLUDE (protocol, via)) INTO NAME name VALUE n)
    -- a box's "awaiting ..." line is drawn only when someone is waiting; the left column
    -- always names databases and registers, the right one only the methods it used
    WHERE (n > 0 OR name NOT LIKE 'awaiting %')
      AND NOT (via = 'other methods' AND name LIKE 'records identified from|%')
    UNION ALL
    SELECT protocol, NULL, measure, NULL, n
    FROM (UNPIVOT included ON COLUMNS(* EXCLUDE (protocol)) INTO NAME measure VALUE n)
    UNION ALL
    SELECT protocol, via, measure, detail, n FROM lines
),
layout(measure, stage, position) AS (
    VALUES ('records identified', 'identification', 1),
           ('records identified from', 'identification', 2),
           ('duplicates removed', 'identification', 3),
           ('marked ineligible by automation tools', 'identification', 4),
           ('removed for other reasons', 'identification', 5),
           ('records screened', 'screening', 6), ('awaiting screening', 'screening', 7),
           ('records excluded', 'screening', 8), ('records excluded by reason', 'screening', 9),
           ('awaiting a reviewer', 'screening', 10),
           ('reports sought for retrieval', 'screening', 11),
           ('awaiting retrieval', 'screening', 12), ('reports not retrieved', 'screening', 13),
           ('reports assessed for eligibility', 'screening', 14),
           ('awaiting a decision', 'screening', 15), ('reports excluded', 'screening', 16),
           ('studies included in review', 'included', 17),
           ('reports of included studies', 'included', 18)
)
SELECT a.protocol, a.via, l.stage, a.measure, a.detail, a.n
FROM all_rows AS a JOIN layout AS l USING (measure)
ORDER BY a.protocol, a.via NULLS LAST, l.position, a.detail NULLS FIRST;
