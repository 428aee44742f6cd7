-- A word with a selective filter (size, AI-generated, palette, tag, creator) fetched every public
-- match of the word from the heap to keep the few that pass the filter: "flowers" with size 16-32
-- read 20,629 heap pages (170 ms at a million patterns) for 565 name matches. With the filters as
-- further columns of the word indexes (btree_gin), GIN intersects the word with the filter values
-- itself and the heap sees only rows that match both (563 pages, 7 ms). PatternSearchStore writes
-- those filters as equalities (a range as the list of its values), the only thing GIN looks up
-- without reading every key.
-- The two new indexes replace four: the word and name indexes of 0016, the public tags index (its
-- column is here), and patterns_filters_idx of 0002, whose range scans read nearly every entry and
-- which held private and deleted rows no search uses it for. A write maintains two indexes fewer.
-- Difficulty, complexity and the creation time stay out. Difficulty has five values of about a
-- fifth of the rows each: looking one up costs more pages than testing it on the rows the word
-- brings (the plan test's rare words read 5,600 pages with it, over its bound). The other two are
-- ranges over many distinct values, which their btree indexes of public rows serve.
-- Without a pending list (fastupdate off): every GIN scan reads the whole list, up to 4 MB, and a
-- range of sizes is one scan per value, so a search after a burst of writes read 12,000 pages in
-- the plan test where it reads 800 without. A write puts its keys into the index at once instead.
-- Plain CREATE INDEX, inside the migration's transaction: writes to patterns wait for the builds
-- (seconds at a million rows). Run it off-peak, or first build the two by hand with CREATE INDEX
-- CONCURRENTLY under these names, which makes the statements below no-ops.
CREATE INDEX IF NOT EXISTS patterns_public_search_filters_idx ON patterns
    USING gin (search_vector, tags, palette_id, is_ai_generated, size, user_id) WITH (fastupdate = off)
    WHERE is_public AND deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS patterns_public_name_filters_idx ON patterns
    USING gin (to_tsvector('english'::regconfig, name), tags, palette_id, is_ai_generated, size, user_id) WITH (fastupdate = off)
    WHERE is_public AND deleted_at IS NULL;
DROP INDEX IF EXISTS patterns_public_search_idx;
DROP INDEX IF EXISTS patterns_public_name_search_idx;
DROP INDEX IF EXISTS patterns_public_tags_idx;
DROP INDEX IF EXISTS patterns_filters_idx;
