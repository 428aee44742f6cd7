-- Relevance ranks a name match above a tags match above a description or prompt match (api.md),
-- then the most liked. The class of a match is the query with every word restricted to the name
-- (weight A) or to the name and tags (A, B): the GIN index serves such a query (rechecking the
-- weights), and the planner estimates it from the word's statistics.
-- websearch_to_tsquery never writes weights or prefixes, so every quoted lexeme gets the weights.
CREATE OR REPLACE FUNCTION emoty_tsquery_in_weights(query tsquery, weights text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT regexp_replace(query::text, '(''(?:[^'']|'''')*'')', '\1:' || weights, 'g')::tsquery
$$;

-- Name matches, the first class of relevance, straight from an index of the name alone: without
-- it, finding the few patterns whose name has a word means reading every pattern that has it
-- anywhere. An expression index (no stored column, no table rewrite); GIN needs no recheck of a
-- plain query, so the name is not parsed again per row.
CREATE INDEX patterns_name_search_idx ON patterns USING gin (to_tsvector('english'::regconfig, name)) WHERE deleted_at IS NULL;
-- ANALYZE keeps no word statistics for a GIN expression (its column is the key type, text), so the
-- planner would take every word as equally rare in names; statistics on the expression itself
-- give it the word frequencies it has for search_vector.
CREATE STATISTICS patterns_name_vector_stats ON (to_tsvector('english'::regconfig, name)) FROM patterns;
