-- How common a lexeme of search_vector or a tag is among patterns, as ANALYZE last measured it, so
-- that a search can tell before it walks a sort index whether the walk can fill a page (a word in
-- 0.6 % of patterns finds 12 hits in the window's 2,000 rows and the walk is wasted; see
-- WindowGate in PatternSearchStore). pg_stats holds these shares (most_common_elems), but reading
-- one from there parses the whole 1,000-element array on every call (0.4-0.9 ms); this copy is
-- looked up by key (about 15 µs). Refreshed by the SearchStatisticsRefresh timer and by the seed
-- after its ANALYZE; CONCURRENTLY needs the unique index.
CREATE MATERIALIZED VIEW search_element_shares AS
SELECT s.attname::text AS field, u.element, u.share::float8 AS share
FROM pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(element, share)
WHERE s.schemaname = current_schema() AND s.tablename = 'patterns' AND s.attname IN ('search_vector', 'tags')
  AND u.element IS NOT NULL
UNION ALL
-- '' is no lexeme and no tag: it holds the share of an element the statistics do not list, half the
-- least listed one's, as the planner assumes. (most_common_elem_freqs ends with the least and the
-- greatest share and the share of nulls.)
SELECT s.attname::text, '', (s.most_common_elem_freqs[cardinality(s.most_common_elem_freqs) - 2] / 2)::float8
FROM pg_stats s
WHERE s.schemaname = current_schema() AND s.tablename = 'patterns' AND s.attname IN ('search_vector', 'tags')
  AND s.most_common_elem_freqs IS NOT NULL;

CREATE UNIQUE INDEX search_element_shares_key ON search_element_shares (field, element);

-- The share of patterns whose p_field ('search_vector' or 'tags') holds p_element; null before
-- the patterns were analyzed (and the view refreshed).
CREATE FUNCTION emoty_element_share(p_field text, p_element text) RETURNS float8
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(
        (SELECT s.share FROM search_element_shares s WHERE s.field = p_field AND s.element = p_element),
        (SELECT s.share FROM search_element_shares s WHERE s.field = p_field AND s.element = ''))
$$;
