-- Collections: nested folders of patterns, ordered items. Text limits as in 0002 (graphemes × 16).
CREATE TABLE pattern_collections (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid NOT NULL REFERENCES users (id),
    name           text NOT NULL,
    description    text,
    color          text,
    is_public      boolean NOT NULL DEFAULT false,
    -- Deleting a folder moves its sub-folders to the top level instead of deleting them.
    parent_id      uuid REFERENCES pattern_collections (id) ON DELETE SET NULL,
    pattern_count  integer NOT NULL DEFAULT 0,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pattern_collections_name_length CHECK (char_length(name) BETWEEN 1 AND 100 * 16 AND name = btrim(name)),
    CONSTRAINT pattern_collections_description_length CHECK (description IS NULL OR char_length(description) <= 500 * 16),
    CONSTRAINT pattern_collections_color_format CHECK (color IS NULL OR color ~ '^#[0-9A-Fa-f]{6}$'),
    CONSTRAINT pattern_collections_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id),
    CONSTRAINT pattern_collections_pattern_count_non_negative CHECK (pattern_count >= 0),
    CONSTRAINT pattern_collections_version_positive CHECK (version >= 1)
);
CREATE INDEX pattern_collections_owner_idx ON pattern_collections (user_id, created_at, id);
CREATE INDEX pattern_collections_public_idx ON pattern_collections (created_at, id) WHERE is_public;
CREATE INDEX pattern_collections_parent_idx ON pattern_collections (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX pattern_collections_name_trgm_idx ON pattern_collections USING gin (name gin_trgm_ops);
CREATE TRIGGER pattern_collections_touch BEFORE UPDATE ON pattern_collections FOR EACH ROW EXECUTE FUNCTION emoty_touch_updated_at();

CREATE TABLE pattern_collection_items (
    collection_id  uuid NOT NULL REFERENCES pattern_collections (id) ON DELETE CASCADE,
    pattern_id     uuid NOT NULL REFERENCES patterns (id) ON DELETE CASCADE,
    position       integer NOT NULL,
    added_by       uuid REFERENCES users (id),
    added_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (collection_id, pattern_id),
    CONSTRAINT pattern_collection_items_position_non_negative CHECK (position >= 0)
);
CREATE INDEX pattern_collection_items_order_idx ON pattern_collection_items (collection_id, position, pattern_id);
CREATE INDEX pattern_collection_items_pattern_idx ON pattern_collection_items (pattern_id);

-- pattern_count always equals the number of items, whatever path adds or removes them.
CREATE OR REPLACE FUNCTION emoty_collection_items_count() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE pattern_collections c SET pattern_count = c.pattern_count + n.cnt
        FROM (SELECT collection_id, count(*) AS cnt FROM inserted GROUP BY collection_id) n
        WHERE c.id = n.collection_id;
    ELSE
        UPDATE pattern_collections c SET pattern_count = c.pattern_count - n.cnt
        FROM (SELECT collection_id, count(*) AS cnt FROM deleted GROUP BY collection_id) n
        WHERE c.id = n.collection_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER pattern_collection_items_count_insert AFTER INSERT ON pattern_collection_items
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION emoty_collection_items_count();
CREATE TRIGGER pattern_collection_items_count_delete AFTER DELETE ON pattern_collection_items
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION emoty_collection_items_count();
