-- 001: the evidence store's core tables (design.md "Database").

CREATE TABLE runs (
    run_id       VARCHAR PRIMARY KEY,
    flow_run_id  VARCHAR,
    kind         VARCHAR NOT NULL,          -- run | import | replay | dedupe | screen
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR NOT NULL,          -- running | completed | partial | failed
    parameters   JSON,
    summary      JSON
);

-- One row per exact query sent (PRISMA-S); also the resume point of an interrupted search.
CREATE TABLE searches (
    search_id      VARCHAR PRIMARY KEY,
    run_id         VARCHAR,
    protocol       VARCHAR,
    source         VARCHAR NOT NULL,
    query_label    VARCHAR,
    query_text     VARCHAR NOT NULL,
    filters        JSON,
    since          DATE,
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ,
    status         VARCHAR NOT NULL,        -- running | completed | capped (source's own per-query cap) | truncated | failed
    reported_total BIGINT,
    fetched        BIGINT NOT NULL DEFAULT 0,
    pages          INTEGER NOT NULL DEFAULT 0,
    next_token     VARCHAR,                 -- where a resumed search continues
    shortfall      BIGINT,                  -- reported_total - fetched when the end was reached short
    error          VARCHAR
);

-- Every raw response page, gzip-compressed, so any search can be re-parsed without the network.
CREATE TABLE pages (
    search_id   VARCHAR NOT NULL,
    page_no     INTEGER NOT NULL,
    url         VARCHAR NOT NULL,           -- secrets removed
    token       VARCHAR,
    fetched_at  TIMESTAMPTZ NOT NULL,
    n_items     INTEGER NOT NULL,
    body_gz     BLOB NOT NULL,
    PRIMARY KEY (search_id, page_no)
);

CREATE TABLE records (
    record_id        VARCHAR PRIMARY KEY,   -- "<source>:<source_id>"
    source           VARCHAR NOT NULL,
    source_id        VARCHAR NOT NULL,
    work_id          VARCHAR,
    doi              VARCHAR,
    pmid             VARCHAR,
    pmcid            VARCHAR,
    title            VARCHAR,
    abstract         VARCHAR,
    authors          VARCHAR[],
    year             INTEGER,
    venue            VARCHAR,
    volume           VARCHAR,
    issue            VARCHAR,
    pages            VARCHAR,
    language         VARCHAR,
    publication_type VARCHAR,
    keywords         VARCHAR[],
    flags            VARCHAR[],
    url              VARCHAR,
    search_id        VARCHAR,
    retrieved_at     TIMESTAMPTZ NOT NULL,
    first_seen_at    TIMESTAMPTZ NOT NULL,  -- kept across re-fetches: "new since last run"
    content_hash     VARCHAR NOT NULL       -- changes only when the record's content changes
);

-- Which search (or import) found which record: a record found by several protocols' searches
-- counts as identified for each of them (PRISMA per protocol).
CREATE TABLE record_hits (
    search_id  VARCHAR NOT NULL,
    record_id  VARCHAR NOT NULL,
    PRIMARY KEY (search_id, record_id)
);

CREATE TABLE works (
    work_id          VARCHAR PRIMARY KEY,
    doi              VARCHAR,
    pmid             VARCHAR,
    title            VARCHAR,
    abstract         VARCHAR,
    authors          VARCHAR[],
    year             INTEGER,
    venue            VARCHAR,
    volume           VARCHAR,
    issue            VARCHAR,
    pages            VARCHAR,
    language         VARCHAR,
    publication_type VARCHAR,
    keywords         VARCHAR[],
    flags            VARCHAR[],
    sources          VARCHAR[],             -- every source that found it
    record_count     INTEGER NOT NULL,
    provenance       JSON,                  -- field -> record_id the canonical value came from
    updated_at       TIMESTAMPTZ NOT NULL
);

-- Append-only: nothing is overwritten; the current decision is the latest by precedence.
CREATE TABLE decisions (
    decision_id  VARCHAR PRIMARY KEY,
    work_id      VARCHAR NOT NULL,
    protocol     VARCHAR NOT NULL,
    decision     VARCHAR NOT NULL CHECK (decision IN ('include', 'uncertain', 'exclude')),
    reasons      VARCHAR[] NOT NULL,
    matches      JSON,                      -- terms that matched, with block and field
    rule_version VARCHAR,
    decided_by   VARCHAR NOT NULL,          -- 'rules' or a reviewer's name
    stage        VARCHAR NOT NULL DEFAULT 'title_abstract',  -- title_abstract | full_text
    note         VARCHAR,
    decided_at   TIMESTAMPTZ NOT NULL
);

-- No secondary indexes: DuckDB scans with zone maps, and ART indexes slow bulk inserts ~2x.
