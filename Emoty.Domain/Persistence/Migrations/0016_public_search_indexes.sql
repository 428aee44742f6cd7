-- Words and tags are looked up in an index only for public patterns: the caller's own and shared
-- branches take their few rows by owner or share and test the rest per row (PatternSearchStore).
-- So the word, name and tag indexes hold public live rows alone, and a public search no longer
-- fetches private rows from the heap only to filter them out. Counting the first 10,000 public
-- matches of "sky" at a million patterns read 9,033 heap pages instead of 13,204 (10 ms against
-- 20, warm); the indexes are a third smaller. docs/benchmarks.md has the searches before and after.
-- Plain CREATE INDEX, inside the migration's transaction: writes to patterns wait for the builds
-- (seconds at a million rows). Run it off-peak, or first build the three by hand with CREATE INDEX
-- CONCURRENTLY under these names, which makes the statements below no-ops.
CREATE INDEX IF NOT EXISTS patterns_public_search_idx ON patterns USING gin (search_vector)
    WHERE is_public AND deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS patterns_public_name_search_idx ON patterns USING gin (to_tsvector('english'::regconfig, name))
    WHERE is_public AND deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS patterns_public_tags_idx ON patterns USING gin (tags)
    WHERE is_public AND deleted_at IS NULL;
DROP INDEX IF EXISTS patterns_search_vector_idx;
DROP INDEX IF EXISTS patterns_name_search_idx;
DROP INDEX IF EXISTS patterns_tags_idx;
