-- The range and flag filters beside each name term, in its index: a one-word search by relevance
-- with difficulty, complexity, size, the AI flag or a creation range reads its name class from the
-- term index too, testing each entry's own columns in an index-only scan, about a hundred entries a
-- page. The index is in the page's order, so the walk stops at a full page: 20 ÷ (the share that
-- passes) entries, and at worst every name entry of the word, never a heap row of patterns
-- (docs/benchmarks.md, "Filters beside the name terms"). Without them a filter sent the word back to
-- the likes index and the GIN indexes: "love" in the last 180 days, p99 32 ms.
-- A palette is text of up to 800 characters, past what a btree entry may hold, so it stays out,
-- and so do tags: those searches keep the GIN paths.
-- The table is rebuilt rather than altered: the new columns are NOT NULL, the backfill is the same
-- statement as 0019's (13 s at a million patterns, measured), and an altered table would keep the old
-- index beside the new one.
DROP TABLE pattern_name_terms;

CREATE TABLE pattern_name_terms (
    lexeme            text NOT NULL,
    like_count        bigint NOT NULL,
    pattern_id        uuid NOT NULL,
    difficulty_rating smallint NOT NULL,
    complexity_score  numeric(4, 2) NOT NULL,
    size              integer NOT NULL,
    is_ai_generated   boolean NOT NULL,
    created_at        timestamptz NOT NULL,
    PRIMARY KEY (lexeme, like_count, pattern_id)
        INCLUDE (difficulty_rating, complexity_score, size, is_ai_generated, created_at)
);

-- As in 0019, and an update also rewrites a pattern's rows when a filter column changed (an edit of
-- the grid changes size and complexity). created_at never changes.
CREATE OR REPLACE FUNCTION emoty_pattern_name_terms_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pattern_name_terms (lexeme, like_count, pattern_id, difficulty_rating, complexity_score, size, is_ai_generated, created_at)
    SELECT l.lexeme, n.like_count, n.id, n.difficulty_rating, n.complexity_score, n.size, n.is_ai_generated, n.created_at
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
           OR (n.name, n.like_count, n.difficulty_rating, n.complexity_score, n.size, n.is_ai_generated, n.created_at)
              IS DISTINCT FROM (o.name, o.like_count, o.difficulty_rating, o.complexity_score, o.size, o.is_ai_generated, o.created_at))
      AND t.lexeme = l.lexeme AND t.like_count = o.like_count AND t.pattern_id = o.id;
    INSERT INTO pattern_name_terms (lexeme, like_count, pattern_id, difficulty_rating, complexity_score, size, is_ai_generated, created_at)
    SELECT l.lexeme, n.like_count, n.id, n.difficulty_rating, n.complexity_score, n.size, n.is_ai_generated, n.created_at
    FROM inserted n LEFT JOIN removed o ON o.id = n.id, unnest(emoty_name_lexemes(n.name)) AS l(lexeme)
    WHERE n.is_public AND n.deleted_at IS NULL
      AND (o.id IS NULL OR NOT (o.is_public AND o.deleted_at IS NULL)
           OR (n.name, n.like_count, n.difficulty_rating, n.complexity_score, n.size, n.is_ai_generated, n.created_at)
              IS DISTINCT FROM (o.name, o.like_count, o.difficulty_rating, o.complexity_score, o.size, o.is_ai_generated, o.created_at));
    RETURN NULL;
END $$;

-- Inside the migration's transaction, as 0019's backfill.
INSERT INTO pattern_name_terms (lexeme, like_count, pattern_id, difficulty_rating, complexity_score, size, is_ai_generated, created_at)
SELECT l.lexeme, p.like_count, p.id, p.difficulty_rating, p.complexity_score, p.size, p.is_ai_generated, p.created_at
FROM patterns p, unnest(emoty_name_lexemes(p.name)) AS l(lexeme)
WHERE p.is_public AND p.deleted_at IS NULL;
ANALYZE pattern_name_terms;
