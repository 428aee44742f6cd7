-- Offline sync, third part: a batch belongs to its worker for a lease of seconds, renewed by every
-- chunk of operations the worker commits, so a worker that died lets go of it seconds later rather
-- than after a lease longer than the function timeout (6 minutes before).
-- lease_owner: a token per claim; a worker that lost its lease (someone else claimed the batch
-- after it lapsed) finds another token there and stops, so only the owner commits.
ALTER TABLE sync_batches
    ADD COLUMN lease_owner uuid,
    ADD COLUMN lease_expires_at timestamptz;

-- Batches claimed before this migration keep the lease they were given then.
UPDATE sync_batches SET lease_expires_at = started_at + interval '6 minutes' WHERE status = 'processing';

-- A user's batches run one at a time, oldest first: the claim and the recovery sweep look for the
-- oldest unfinished batch of a user.
CREATE INDEX sync_batches_user_pending_idx ON sync_batches (user_id, received_at, batch_id)
    WHERE status IN ('queued', 'processing');
