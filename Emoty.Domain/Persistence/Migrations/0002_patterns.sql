-- Patterns, their history and favourites. The CHECKs mirror the API's validation rules so that
-- no path (API, sync, batch, a hand-written script) can store what the API would reject.
-- Text lengths: the API counts what a person sees as one character (a grapheme cluster, so a
-- family emoji is 1) and caps each at 16 UTF-16 units; SQL can only count code points, so the
-- CHECKs enforce that outer bound (limit × 16) and never reject text the API accepted.

-- Tags are trimmed, lower-cased, 1–32 chars, unique, at most 20.
CREATE OR REPLACE FUNCTION emoty_tags_are_valid(tags text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT cardinality(tags) <= 20
       AND array_position(tags, NULL) IS NULL
       AND NOT EXISTS (
           SELECT 1 FROM unnest(tags) AS t(tag)
           WHERE char_length(t.tag) NOT BETWEEN 1 AND 32 * 16 OR t.tag <> lower(btrim(t.tag)))
       AND (SELECT count(DISTINCT t.tag) FROM unnest(tags) AS t(tag)) = cardinality(tags)
$$;

-- A positioned grid: {"emojis":[{"emoji","position":{"row","col"}}], "metadata"?: {...}} with every
-- cell inside [0,size), no two cells on one position, at most size*size cells, each emoji 1–32 bytes.
CREATE OR REPLACE FUNCTION emoty_sequence_is_valid(sequence jsonb, size integer) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_typeof(sequence) = 'object'
       AND jsonb_typeof(sequence -> 'emojis') = 'array'
       AND jsonb_array_length(sequence -> 'emojis') <= size * size
       AND NOT EXISTS (
           SELECT 1 FROM jsonb_array_elements(sequence -> 'emojis') AS e(cell)
           WHERE jsonb_typeof(e.cell -> 'emoji') IS DISTINCT FROM 'string'
              OR octet_length(e.cell ->> 'emoji') NOT BETWEEN 1 AND 32
              OR jsonb_typeof(e.cell #> '{position,row}') IS DISTINCT FROM 'number'
              OR jsonb_typeof(e.cell #> '{position,col}') IS DISTINCT FROM 'number'
              OR (e.cell #>> '{position,row}')::numeric NOT BETWEEN 0 AND size - 1
              OR (e.cell #>> '{position,col}')::numeric NOT BETWEEN 0 AND size - 1
              OR (e.cell #>> '{position,row}')::numeric % 1 <> 0
              OR (e.cell #>> '{position,col}')::numeric % 1 <> 0)
       AND (SELECT count(DISTINCT (e.cell #>> '{position,row}', e.cell #>> '{position,col}'))
            FROM jsonb_array_elements(sequence -> 'emojis') AS e(cell)) = jsonb_array_length(sequence -> 'emojis')
$$;

-- array_to_string is only STABLE in general; for text[] it is immutable, which the generated
-- search vector needs.
CREATE OR REPLACE FUNCTION emoty_tags_text(tags text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string(tags, ' ') $$;

-- Every change to a pattern takes the next number of this sequence; with the writing transaction's
-- id it orders the sync feed (see Sync/).
CREATE SEQUENCE pattern_change_seq;

CREATE TABLE patterns (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id                 uuid NOT NULL REFERENCES users (id),
    name                    text NOT NULL,
    description             text,
    sequence                jsonb NOT NULL,
    palette_id              text NOT NULL DEFAULT 'default',
    size                    integer NOT NULL,
    tags                    text[] NOT NULL DEFAULT '{}',
    difficulty_rating       smallint NOT NULL DEFAULT 1,
    complexity_score        numeric(4, 2) NOT NULL DEFAULT 0,
    estimated_time_minutes  integer NOT NULL DEFAULT 1,
    is_public               boolean NOT NULL DEFAULT false,
    is_ai_generated         boolean NOT NULL DEFAULT false,
    generation_prompt       text,
    parent_pattern_id       uuid REFERENCES patterns (id) ON DELETE SET NULL,
    version                 integer NOT NULL DEFAULT 1,
    view_count              bigint NOT NULL DEFAULT 0,
    like_count              bigint NOT NULL DEFAULT 0,
    share_count             bigint NOT NULL DEFAULT 0,
    download_count          bigint NOT NULL DEFAULT 0,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    deleted_at              timestamptz,
    deleted_by              uuid REFERENCES users (id),
    change_seq              bigint NOT NULL DEFAULT nextval('pattern_change_seq'),
    change_xid              xid8 NOT NULL DEFAULT pg_current_xact_id(),
    search_vector           tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, name), 'A') ||
        setweight(to_tsvector('english'::regconfig, emoty_tags_text(tags)), 'B') ||
        setweight(to_tsvector('english'::regconfig, coalesce(description, '') || ' ' || coalesce(generation_prompt, '')), 'C')
    ) STORED,
    CONSTRAINT patterns_name_length CHECK (char_length(name) BETWEEN 1 AND 100 * 16 AND name = btrim(name)),
    CONSTRAINT patterns_description_length CHECK (description IS NULL OR char_length(description) <= 1000 * 16),
    CONSTRAINT patterns_palette_id_length CHECK (char_length(palette_id) BETWEEN 1 AND 50 * 16),
    CONSTRAINT patterns_size_range CHECK (size BETWEEN 1 AND 64),
    CONSTRAINT patterns_sequence_valid CHECK (emoty_sequence_is_valid(sequence, size)),
    CONSTRAINT patterns_tags_valid CHECK (emoty_tags_are_valid(tags)),
    CONSTRAINT patterns_difficulty_range CHECK (difficulty_rating BETWEEN 1 AND 5),
    CONSTRAINT patterns_complexity_range CHECK (complexity_score BETWEEN 0 AND 10),
    CONSTRAINT patterns_estimated_time_range CHECK (estimated_time_minutes BETWEEN 1 AND 10080),
    CONSTRAINT patterns_generation_prompt_length CHECK (generation_prompt IS NULL OR char_length(generation_prompt) <= 1000 * 16),
    CONSTRAINT patterns_version_positive CHECK (version >= 1),
    CONSTRAINT patterns_counters_non_negative CHECK (view_count >= 0 AND like_count >= 0 AND share_count >= 0 AND download_count >= 0),
    CONSTRAINT patterns_not_own_parent CHECK (parent_pattern_id IS NULL OR parent_pattern_id <> id),
    CONSTRAINT patterns_deleted_by_with_deleted_at CHECK (deleted_by IS NULL OR deleted_at IS NOT NULL)
);

-- A change of content (the version moves) or of existence (soft delete, restore) moves the row to
-- the end of the sync feed; counter updates (likes, views) do not.
CREATE OR REPLACE FUNCTION emoty_patterns_stamp_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version <> OLD.version OR NEW.deleted_at IS DISTINCT FROM OLD.deleted_at THEN
        NEW.change_seq := nextval('pattern_change_seq');
        NEW.change_xid := pg_current_xact_id();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER patterns_stamp_change BEFORE UPDATE ON patterns FOR EACH ROW EXECUTE FUNCTION emoty_patterns_stamp_change();

-- Full text, tags and sequence contents: GIN, live rows only.
CREATE INDEX patterns_search_vector_idx ON patterns USING gin (search_vector) WHERE deleted_at IS NULL;
CREATE INDEX patterns_tags_idx ON patterns USING gin (tags) WHERE deleted_at IS NULL;
CREATE INDEX patterns_sequence_idx ON patterns USING gin (sequence jsonb_path_ops) WHERE deleted_at IS NULL;
CREATE INDEX patterns_name_trgm_idx ON patterns USING gin (name gin_trgm_ops) WHERE deleted_at IS NULL;
-- The scalar filters of search (btree_gin): any combination of ranges and equalities becomes one
-- bitmap index scan, so a selective filter never needs a pass over the table.
CREATE INDEX patterns_filters_idx ON patterns USING gin (size, difficulty_rating, complexity_score, palette_id, is_ai_generated, created_at)
    WHERE deleted_at IS NULL;

-- Keyset pagination over public patterns: one index per sort key, ties broken by id.
CREATE INDEX patterns_public_created_idx ON patterns (created_at, id) WHERE is_public AND deleted_at IS NULL;
CREATE INDEX patterns_public_updated_idx ON patterns (updated_at, id) WHERE is_public AND deleted_at IS NULL;
CREATE INDEX patterns_public_likes_idx ON patterns (like_count, id) WHERE is_public AND deleted_at IS NULL;
CREATE INDEX patterns_public_views_idx ON patterns (view_count, id) WHERE is_public AND deleted_at IS NULL;
CREATE INDEX patterns_public_name_idx ON patterns (name COLLATE "C", id) WHERE is_public AND deleted_at IS NULL;
CREATE INDEX patterns_public_difficulty_idx ON patterns (difficulty_rating, id) WHERE is_public AND deleted_at IS NULL;
CREATE INDEX patterns_public_complexity_idx ON patterns (complexity_score, id) WHERE is_public AND deleted_at IS NULL;

-- A user's own patterns (the signed-in branch of search, "my patterns", user_id filter).
CREATE INDEX patterns_owner_created_idx ON patterns (user_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX patterns_owner_updated_idx ON patterns (user_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX patterns_palette_idx ON patterns (palette_id, created_at, id) WHERE deleted_at IS NULL;
-- Soft-deleted rows, for restore and purge.
CREATE INDEX patterns_deleted_idx ON patterns (user_id, deleted_at) WHERE deleted_at IS NOT NULL;
-- Sync feed, in transaction-id then sequence order (Sync/ explains why both).
CREATE INDEX patterns_change_idx ON patterns (user_id, change_xid, change_seq);
CREATE INDEX patterns_parent_idx ON patterns (parent_pattern_id) WHERE parent_pattern_id IS NOT NULL;

-- Earlier versions: a snapshot of the client-settable fields of every version that was replaced.
CREATE TABLE pattern_versions (
    pattern_id              uuid NOT NULL REFERENCES patterns (id) ON DELETE CASCADE,
    version                 integer NOT NULL,
    name                    text NOT NULL,
    description             text,
    sequence                jsonb NOT NULL,
    palette_id              text NOT NULL,
    size                    integer NOT NULL,
    tags                    text[] NOT NULL,
    difficulty_rating       smallint NOT NULL,
    complexity_score        numeric(4, 2) NOT NULL,
    estimated_time_minutes  integer NOT NULL,
    is_public               boolean NOT NULL,
    is_ai_generated         boolean NOT NULL,
    generation_prompt       text,
    changed_by              uuid REFERENCES users (id),
    created_at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pattern_id, version),
    CONSTRAINT pattern_versions_version_positive CHECK (version >= 1)
);

CREATE TABLE pattern_favorites (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pattern_id  uuid NOT NULL REFERENCES patterns (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, pattern_id)
);
CREATE INDEX pattern_favorites_pattern_idx ON pattern_favorites (pattern_id);
CREATE INDEX pattern_favorites_user_created_idx ON pattern_favorites (user_id, created_at, pattern_id);
