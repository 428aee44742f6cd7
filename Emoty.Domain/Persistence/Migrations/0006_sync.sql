-- Offline sync: batches as received, each operation applied exactly once, temporary ids mapped to
-- real ones per user.
CREATE TABLE sync_batches (
    batch_id      uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id     text NOT NULL,
    status        text NOT NULL DEFAULT 'queued',
    operations    jsonb NOT NULL,
    results       jsonb,
    error         text,
    received_at   timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    completed_at  timestamptz,
    CONSTRAINT sync_batches_status_known CHECK (status IN ('queued', 'processing', 'completed', 'failed')),
    CONSTRAINT sync_batches_client_id_length CHECK (char_length(client_id) BETWEEN 1 AND 128),
    CONSTRAINT sync_batches_operations_array CHECK (jsonb_typeof(operations) = 'array' AND jsonb_array_length(operations) <= 1000)
);
CREATE INDEX sync_batches_user_idx ON sync_batches (user_id, received_at);

CREATE TABLE sync_operations (
    op_id        uuid PRIMARY KEY,
    batch_id     uuid NOT NULL REFERENCES sync_batches (batch_id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    op_type      text NOT NULL,
    status       text NOT NULL,
    pattern_id   uuid,
    result       jsonb NOT NULL,
    applied_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sync_operations_type_known CHECK (op_type IN ('create', 'update', 'delete')),
    CONSTRAINT sync_operations_status_known CHECK (status IN ('applied', 'merged', 'conflict', 'rejected'))
);
CREATE INDEX sync_operations_batch_idx ON sync_operations (batch_id);

CREATE TABLE sync_temp_ids (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    temp_id     text NOT NULL,
    pattern_id  uuid NOT NULL REFERENCES patterns (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, temp_id),
    CONSTRAINT sync_temp_ids_length CHECK (char_length(temp_id) BETWEEN 1 AND 64)
);

-- Changes that are not pattern rows but still change what a user's feed holds: a share granted or
-- revoked, a favourite added or removed. Ordered like patterns.change_xid/change_seq.
CREATE TABLE sync_feed_events (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pattern_id  uuid NOT NULL,
    change      text NOT NULL,
    change_seq  bigint NOT NULL DEFAULT nextval('pattern_change_seq'),
    change_xid  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, change_xid, change_seq),
    CONSTRAINT sync_feed_events_change_known CHECK (change IN ('upsert', 'delete'))
);
