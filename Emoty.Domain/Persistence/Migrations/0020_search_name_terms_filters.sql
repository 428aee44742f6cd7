-- The filters beside each name term, in its index: a one-word search by relevance with difficulty,
-- complexity, size, the AI flag, a creation range, tags or a palette reads its name class from the
-- term index too, testing each entry's own columns in an index-only scan, about a hundred entries a
-- page. The index is in the page's order, so the walk stops at a full page: 20 ÷ (the share that
-- passes) entries, and at worst every name entry of the word (docs/benchmarks.md, "Filters beside
-- the name terms"). Without them a filter sent the word back to the likes index and the GIN
-- indexes: a word in the last 180 days had a p99 of 27.8 ms, and "flower" with the tag art took
-- 100 ms (a window of 2,000 rows in 60, then a sort of 5,358 rows in 40).
-- Tags (up to 20 of 32 characters) and a palette (up to 800) could pass what a btree entry may
-- hold, so they are there as signatures: two bits of 64 per value, a Bloom filter of the set. An
-- entry whose signature holds the query's bits is a candidate, and the search checks the pattern's
-- own tags or palette for it, so a false positive costs one row read and never a wrong page.
-- The table is rebuilt rather than altered: the new columns are NOT NULL, the backfill is the same
-- statement as 0019's (14.5 s at a million patterns, measured), and an altered table would keep the old
-- index beside the new one.
DROP TABLE pattern_name_terms;

-- hashtextextended is what hash partitioning places rows by, so it cannot change between server
-- versions without breaking their upgrades; the stored signatures rely on that too. A loop, not an
-- aggregate over unnest: 0.65 s a million arrays against 4.7 s (an md5 of each value, measured).
CREATE FUNCTION emoty_signature(texts text[]) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    signature bigint := 0;
    hash bigint;
    value text;
BEGIN
    FOREACH value IN ARRAY texts LOOP
        CONTINUE WHEN value IS NULL;
        hash := hashtextextended(value, 0);
        signature := signature | (1::bigint << (hash & 63)::integer) | (1::bigint << ((hash >> 6) & 63)::integer);
    END LOOP;
    RETURN signature;
END $$;

CREATE TABLE pattern_name_terms (
    lexeme            text NOT NULL,
    like_count        bigint NOT NULL,
    pattern_id        uuid NOT NULL,
    difficulty_rating smallint NOT NULL,
    complexity_score  numeric(4, 2) NOT NULL,
    size              integer NOT NULL,
    is_ai_generated   boolean NOT NULL,
    created_at        timestamptz NOT NULL,
    tag_signature     bigint NOT NULL,
    palette_signature bigint NOT NULL,
    PRIMARY KEY (lexeme, like_count, pattern_id)
        INCLUDE (difficulty_rating, complexity_score, size, is_ai_generated, created_at, tag_signature, palette_signature)
);

-- As in 0019, and an update also rewrites a pattern's rows when a filter column changed (an edit of
-- the grid changes size and complexity, one of the tags changes the signature). created_at never
-- changes.
CREATE OR REPLACE FUNCTION emoty_pattern_name_terms_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pattern_name_terms (lexeme, like_count, pattern_id, difficulty_rating, complexity_score, size, is_ai_generated,
                                    created_at, tag_signature, palette_signature)
    SELECT l.lexeme, n.like_count, n.id, n.difficulty_rating, n.complexity_score, n.size, n.is_ai_generated, n.created_at,
           emoty_signature(n.tags), emoty_signature(ARRAY[n.palette_id])
    FROM inserted n, unnest(emoty_name_lexemes(n.name)) AS l(lexeme)
    WHERE n.is_public AND n.deleted_at IS NULL;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION emoty_pattern_name_terms_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM pattern_name_terms t
    USING removed o LEFT JOIN inserted n ON n.id = o.id, unnest(emoty_name_lexemes(o.name)) AS l(lexeme)
    WHERE o.is_public AND o.deleted_at IS NULL
      AND (n.id IS NULL OR NOT (n.is_public AND n.deleted_at IS NULL)
           OR (n.name, n.like_count, n.difficulty_rating, n.complexity_score, n.size, n.is_ai_generated, n.tags, n.palette_id)
              IS DISTINCT FROM (o.name, o.like_count, o.difficulty_rating, o.complexity_score, o.size, o.is_ai_generated, o.tags, o.palette_id))
      AND t.lexeme = l.lexeme AND t.like_count = o.like_count AND t.pattern_id = o.id;
    INSERT INTO pattern_name_terms (lexeme, like_count, pattern_id, difficulty_rating, complexity_score, size, is_ai_generated,
                                    created_at, tag_signature, palette_signature)
    SELECT l.lexeme, n.like_count, n.id, n.difficulty_rating, n.complexity_score, n.size, n.is_ai_generated, n.created_at,
           emoty_signature(n.tags), emoty_signature(ARRAY[n.palette_id])
    FROM inserted n LEFT JOIN removed o ON o.id = n.id, unnest(emoty_name_lexemes(n.name)) AS l(lexeme)
    WHERE n.is_public AND n.deleted_at IS NULL
      AND (o.id IS NULL OR NOT (o.is_public AND o.deleted_at IS NULL)
           OR (n.name, n.like_count, n.difficulty_rating, n.complexity_score, n.size, n.is_ai_generated, n.tags, n.palette_id)
              IS DISTINCT FROM (o.name, o.like_count, o.difficulty_rating, o.complexity_score, o.size, o.is_ai_generated, o.tags, o.palette_id));
    RETURN NULL;
END $$;

-- Inside the migration's transaction, as 0019's backfill.
INSERT INTO pattern_name_terms (lexeme, like_count, pattern_id, difficulty_rating, complexity_score, size, is_ai_generated,
                                created_at, tag_signature, palette_signature)
SELECT l.lexeme, p.like_count, p.id, p.difficulty_rating, p.complexity_score, p.size, p.is_ai_generated, p.created_at,
       emoty_signature(p.tags), emoty_signature(ARRAY[p.palette_id])
FROM patterns p, unnest(emoty_name_lexemes(p.name)) AS l(lexeme)
WHERE p.is_public AND p.deleted_at IS NULL;
ANALYZE pattern_name_terms;
