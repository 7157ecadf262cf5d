-- 002: deduplication (review.dedupe): reviewer overrides, related works, the review queue.

-- Reviewers' merge/split decisions; append-only, the latest per record pair wins.
-- split with record_b NULL takes record_a out of its work for good (until a later merge).
CREATE TABLE IF NOT EXISTS dedupe_overrides (
    override_id  VARCHAR PRIMARY KEY,
    action       VARCHAR NOT NULL CHECK (action IN ('merge', 'split')),
    record_a     VARCHAR NOT NULL,
    record_b     VARCHAR,
    reviewer     VARCHAR NOT NULL,
    note         VARCHAR,
    created_at   TIMESTAMPTZ NOT NULL
);

-- Records of different works that belong together: preprint <-> published, erratum or
-- retraction notice <-> article. Never merged.
CREATE TABLE IF NOT EXISTS work_relations (
    record_a     VARCHAR NOT NULL,
    record_b     VARCHAR NOT NULL,
    relation     VARCHAR NOT NULL,          -- preprint_version | erratum | retraction
    title_sim    DOUBLE,
    found_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (record_a, record_b)
);

-- Plausible duplicates the rules would not merge: for a reviewer (queries/duplicate_candidates.sql).
CREATE TABLE IF NOT EXISTS duplicate_candidates (
    record_a     VARCHAR NOT NULL,
    record_b     VARCHAR NOT NULL,
    title_sim    DOUBLE,
    author_sim   DOUBLE,
    year_diff    INTEGER,
    same_doi     INTEGER,                   -- 1 same, -1 different, 0 unknown
    found_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (record_a, record_b)
);
