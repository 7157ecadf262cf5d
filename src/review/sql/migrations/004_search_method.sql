-- 004: how each search identified its records, for the two columns of the PRISMA 2020 flow
-- diagram: 'database' or 'register' (identification via databases and registers), or
-- 'citation-searching', 'website', 'organisation', 'other' (identification via other methods).
-- API searches are databases; `review import --method` marks an import. Searches stored before
-- this migration were all database searches or database exports, so they get 'database'.
-- Scope (unchanged, documented here): searches.protocol is the protocol a search was run for;
-- an import made without `review import --protocol` has protocol NULL and counts for every
-- protocol, as imports always did.
-- IF NOT EXISTS: like 002 and 003, safe to apply to a file that already has it.
ALTER TABLE searches ADD COLUMN IF NOT EXISTS method VARCHAR DEFAULT 'database';
