-- 005: the query plan each search belonged to, so that a run searches incrementally (with
-- `since`) only the plans it has searched in full before. `plan` is a fingerprint of the
-- protocol x source's queries (review.sources.plan.plan_key); NULL for a trial run's part of a
-- plan (--max-queries) and for searches stored before this migration. A protocol edit or a
-- new translation of the queries is a new plan: its first run is a full search.
ALTER TABLE searches ADD COLUMN IF NOT EXISTS plan VARCHAR;
