-- Relevance's first class (the name has the word) in its own order: one row per word of a listed
-- (public, live) pattern's name, keyed by word, like count and id. A one-word search then reads its
-- page, and any later page below a cursor, as 21 entries of one index, whatever the word. From the
-- GIN indexes the same page either walks the likes index testing each pattern (about 20 ÷ density
-- rows: "wind", page 51, read 6,854) or sorts every name match of the word (docs/benchmarks.md,
-- "A term index for the name class"). GIN hands out matches in no order; this btree hands them out
-- in the order of the page.
-- Only names: the other classes and the other sort keys keep the GIN and sort indexes, and every
-- word of every field would be four times the rows (6.5 M at a million patterns), rewritten on
-- each like. A name has 2-4 words, so a listed pattern has about three rows here.
CREATE TABLE pattern_name_terms (
    lexeme     text NOT NULL,
    like_count bigint NOT NULL,
    pattern_id uuid NOT NULL,
    PRIMARY KEY (lexeme, like_count, pattern_id)
);

-- The words as search_vector has them with weight A: the name through the same configuration.
CREATE FUNCTION emoty_name_lexemes(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT tsvector_to_array(to_tsvector('english'::regconfig, name))
$$;

-- Statement triggers with transition tables: a COPY of a million patterns (the generator) or an
-- analytics update of many rows is one set-based statement here, not a trigger call per row. An
-- update rewrites a pattern's rows only when what they hold changed: its name, its like count or
-- whether it is listed (view and share counts, edits of other fields, leave them as they are).
-- Each write of a pattern takes its rows in the same transaction, so search never sees the two
-- disagree.
CREATE FUNCTION emoty_pattern_name_terms_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pattern_name_terms (lexeme, like_count, pattern_id)
    SELECT l.lexeme, n.like_count, n.id
    FROM inserted n, unnest(emoty_name_lexemes(n.name)) AS l(lexeme)
    WHERE n.is_public AND n.deleted_at IS NULL;
    RETURN NULL;
END $$;

CREATE FUNCTION emoty_pattern_name_terms_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM pattern_name_terms t
    USING removed o, unnest(emoty_name_lexemes(o.name)) AS l(lexeme)
    WHERE o.is_public AND o.deleted_at IS NULL
      AND t.lexeme = l.lexeme AND t.like_count = o.like_count AND t.pattern_id = o.id;
    RETURN NULL;
END $$;

-- A row whose id moved (the app never moves one) counts as one removed and one added.
CREATE FUNCTION emoty_pattern_name_terms_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM pattern_name_terms t
    USING removed o LEFT JOIN inserted n ON n.id = o.id, unnest(emoty_name_lexemes(o.name)) AS l(lexeme)
    WHERE o.is_public AND o.deleted_at IS NULL
      AND (n.id IS NULL OR n.name <> o.name OR n.like_count <> o.like_count OR NOT (n.is_public AND n.deleted_at IS NULL))
      AND t.lexeme = l.lexeme AND t.like_count = o.like_count AND t.pattern_id = o.id;
    INSERT INTO pattern_name_terms (lexeme, like_count, pattern_id)
    SELECT l.lexeme, n.like_count, n.id
    FROM inserted n LEFT JOIN removed o ON o.id = n.id, unnest(emoty_name_lexemes(n.name)) AS l(lexeme)
    WHERE n.is_public AND n.deleted_at IS NULL
      AND (o.id IS NULL OR o.name <> n.name OR o.like_count <> n.like_count OR NOT (o.is_public AND o.deleted_at IS NULL));
    RETURN NULL;
END $$;

CREATE TRIGGER patterns_name_terms_insert AFTER INSERT ON patterns
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION emoty_pattern_name_terms_insert();
CREATE TRIGGER patterns_name_terms_delete AFTER DELETE ON patterns
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION emoty_pattern_name_terms_delete();
CREATE TRIGGER patterns_name_terms_update AFTER UPDATE ON patterns
    REFERENCING OLD TABLE AS removed NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION emoty_pattern_name_terms_update();

-- Inside the migration's transaction: writes to patterns wait for it (about 5 s at a million
-- patterns, measured), and so does the rest of this file.
INSERT INTO pattern_name_terms (lexeme, like_count, pattern_id)
SELECT l.lexeme, p.like_count, p.id
FROM patterns p, unnest(emoty_name_lexemes(p.name)) AS l(lexeme)
WHERE p.is_public AND p.deleted_at IS NULL;
ANALYZE pattern_name_terms;
