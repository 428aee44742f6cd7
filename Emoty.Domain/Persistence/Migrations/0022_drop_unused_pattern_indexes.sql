-- Two GIN indexes of 0002 that no statement of the app can use: nothing queries the grid's
-- contents (@>, @? on sequence) or the name by trigram (LIKE, similarity). Every write of a pattern
-- kept them up, the grid's the costliest (a 32×32 grid has up to a thousand cells). Measured at a
-- million patterns: a bulk load's index builds 28 → 17 s; with 0021, together, inserting
-- 5,000 patterns in one statement about 490 → 340 µs a row and renaming them 500 → 415
-- (docs/benchmarks.md, "Seeding a million patterns in under 3 minutes"). A search by emoji or a
-- fuzzy name would bring back the index it needs with it.
DROP INDEX IF EXISTS patterns_sequence_idx;
DROP INDEX IF EXISTS patterns_name_trgm_idx;
