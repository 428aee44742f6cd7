using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Emoty.Domain.Access;
using Emoty.Domain.Paging;
using Emoty.Domain.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Emoty.Domain.Patterns;

public sealed record SearchPage(
    IReadOnlyList<PatternResource> Data,
    string? NextCursor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Total = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? TotalIsExact = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SearchFacets? Facets = null);

public sealed record SearchFacets(
    IReadOnlyList<TagFacet> Tags,
    IReadOnlyList<DifficultyFacet> DifficultyRatings,
    IReadOnlyList<PaletteFacet> Palettes);

public sealed record TagFacet(string Tag, long Count);

public sealed record DifficultyFacet(short Rating, long Count);

public sealed record PaletteFacet(string PaletteId, long Count);

/// <summary>
/// Visibility is split into disjoint branches (public; the caller's own private ones; those shared with the caller), each ordered
/// by the sort key and id and cut at the page size, so each walks its own index instead of one OR that no index serves. The cursor
/// is a keyset: rows written between pages never shift what comes next.
/// <para>
/// Which plan is fast for public patterns depends on how many match (walk the sort index for a common word, sort the few GIN matches
/// of a rare one), and a wrong guess of the planner (correlated words, a word restricted to the name) walks hundreds of thousands of
/// rows. So a bounded walk of the first <see cref="Window"/> public patterns in page order comes first: hot in cache, one generic plan,
/// and exact when it holds a full page. Only when it does not does the planner's plan for the values run.
/// Relevance (name above tags above description, then likes) is an index order within a class, so the same holds class by class.
/// </para>
/// </summary>
public sealed class PatternSearchStore(NpgsqlDataSource database, CursorSigner cursors)
{
    /// <summary>Counting and facets stop here; beyond it the total is the planner's estimate.</summary>
    public const int CountCap = 10_000;

    /// <summary>Relevance as one sortable number: the match class (3: the name alone matches; 2: name and tags; 1: otherwise) above the like count.</summary>
    internal const int RelevanceClassShift = 50;

    private const long MaxRelevanceLikes = (1L << RelevanceClassShift) - 1;

    /// <summary>How many public patterns a page first walks in its own order.</summary>
    private const int Window = 2000;

    /// <summary>Two words whose rarer one has fewer name entries than this lead with its entries and probe the other's (<see cref="SearchSql.NameTermsSql"/>).</summary>
    private const int ProbeEntries = 1000;

    /// <summary>How many more a window that found a third of a page walks (<see cref="FurtherWalkAsync"/>).</summary>
    private const int FurtherWalk = 2 * Window;

    private const string TsQuery = "websearch_to_tsquery('english', @query)";

    // The same query with every word restricted to the name (weight A), or to the name and tags (A, B).
    private const string InName = $"emoty_tsquery_in_weights({TsQuery}, 'A')";
    private const string InNameOrTags = $"emoty_tsquery_in_weights({TsQuery}, 'AB')";

    private const string LiveOnly = "p.deleted_at IS NULL";

    /// <summary>
    /// SET LOCAL: search's transaction only (PgBouncer's transaction pooling allows it). Every filter and sort has an index, and a whole-table
    /// scan that looks cheaper on a small table is the plan that grows with it. Parallel workers and JIT take longer to start than these statements.
    /// </summary>
    internal const string PlannerSettings = "SET LOCAL enable_seqscan = off; SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off;\n";

    /// <summary>
    /// For a statement whose right plan depends on how common its word, tag or filter value is: planned for this run's
    /// values, and the plan cache back to normal after it, so the page statement that follows keeps its prepared plan.
    /// </summary>
    private static string ForValues(string sql) => $"SET LOCAL plan_cache_mode = force_custom_plan;\n{sql};\nSET LOCAL plan_cache_mode = auto";

    /// <summary>
    /// A read-only transaction for the settings. BEGIN and the settings ride in the search's first statement and COMMIT in its last,
    /// and the planned statement runs inside the page, so browsing is one round trip (it was four: settings, candidates, page,
    /// COMMIT) and a word two. A search that fails half-way leaves the transaction open, and the pool rolls it back when the
    /// connection comes back.
    /// </summary>
    private const string Begin = "BEGIN READ ONLY;\n" + PlannerSettings;

    /// <summary>Joins by merging only (<see cref="SearchSql.NameTermsSettings"/>); <see cref="MergeDone"/> restores the others.</summary>
    private const string MergeOnly = "SET LOCAL enable_nestloop = off; SET LOCAL enable_hashjoin = off;\n";

    private const string MergeDone = ";\nSET LOCAL enable_nestloop = on; SET LOCAL enable_hashjoin = on";

    public async Task<SearchPage> SearchAsync(PatternSearchQuery query, Guid? caller, CancellationToken cancellationToken)
    {
        var plan = new SearchSql(query, caller);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);

        // The public candidates a window found, when they fill the page; otherwise the planned statement runs inside the page.
        List<(Guid Id, object Value)>? publicRows = null;
        var begun = false;
        var nameClassDone = false;
        if (plan.NameTermsSql() is { } nameTerms)
        {
            // Exact: every name match below the cursor, in page order. Short of a page, the name class has no more, and the page
            // takes the next classes from their tops; a window would walk the likes index for name matches that are not there.
            var settings = plan.NameTermsSettings;
            publicRows = await NameTermsAsync(connection, Begin + settings + nameTerms + (settings.Length > 0 ? MergeDone : ""), plan, cancellationToken);
            begun = true;
            nameClassDone = publicRows is not null && publicRows.Count < plan.BranchLimit;
        }

        var window = plan.HasPublic && publicRows is null ? plan.WindowSql() : null;
        if (window is not null)
        {
            var found = await CandidatesAsync(connection, Begin + (plan.WalkTestsScalars ? ForValues(window) : window), plan, cancellationToken);
            begun = true;
            if (found.Count < plan.BranchLimit && found.Count * 3 >= plan.BranchLimit && !plan.WordIndexHoldsAFilter)
            {
                found.AddRange(await FurtherWalkAsync(connection, query, caller, found[^1], cancellationToken));
            }

            publicRows = found.Count >= plan.BranchLimit ? found : null;
        }

        var last = !query.IncludeTotal && !query.IncludeFacets;
        var page = plan.PageSql(publicRows, nameClassDone);
        var planned = plan.HasPublic && (publicRows is null || nameClassDone);
        var pageSql = (begun ? "" : Begin)
            + (planned && plan.DependsOnValues ? ForValues(page) : page)
            + (last ? ";\nCOMMIT" : "");
        var rows = (await connection.QueryAsync<PatternResource>(new CommandDefinition(pageSql, plan.Parameters, cancellationToken: cancellationToken))).AsList();

        string? next = null;
        if (rows.Count > query.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            var lastRow = rows[^1];
            next = SearchCursor.After(query, SortValue(query.Sort, lastRow), lastRow.Id).Encode(cursors);
        }

        long? total = null;
        bool? exact = null;
        if (query.IncludeTotal)
        {
            (total, exact) = await CountAsync(connection, plan, cancellationToken);
        }

        var facets = query.IncludeFacets ? await FacetsAsync(connection, plan, cancellationToken) : null;
        if (!last)
        {
            await connection.ExecuteAsync(new CommandDefinition("COMMIT", cancellationToken: cancellationToken));
        }

        return new SearchPage(rows, next, total, exact, facets);
    }

    /// <summary>
    /// A window that found a third of a page or more saw matches dense enough that walking on finds the rest sooner than the planned
    /// statement, which reads every match of the word ("pixel" in the last 180 days: 12 hits in the first 2,000, then 6,924 name
    /// matches read to sort). It walks <see cref="FurtherWalk"/> more rows after its last hit, in the same order, so it stays exact;
    /// what it finds counts only if it completes the page. Not when the word index holds one of the filters: there the planned statement
    /// reads only the rows matching both, and walking on cost more (word + AI-generated p99 7.7 → 16.1 ms).
    /// </summary>
    private static async Task<List<(Guid Id, object Value)>> FurtherWalkAsync(
        NpgsqlConnection connection, PatternSearchQuery query, Guid? caller, (Guid Id, object Value) lastHit, CancellationToken cancellationToken)
    {
        var further = new SearchSql(query with { Cursor = SearchCursor.After(query, lastHit.Value, lastHit.Id) }, caller, walk: FurtherWalk);
        var window = further.WindowSql()!;
        return await CandidatesAsync(connection, further.WalkTestsScalars ? ForValues(window) : window, further, cancellationToken);
    }

    /// <summary>For EXPLAIN in tests: each statement with the settings it runs under beside <see cref="PlannerSettings"/>.</summary>
    internal static IEnumerable<(string Name, string Sql, string Settings, SqlParameters Parameters)> StatementsFor(PatternSearchQuery query, Guid? caller)
    {
        var plan = new SearchSql(query, caller);
        var nameTerms = plan.NameTermsSql();
        if (nameTerms is not null)
        {
            yield return ("window", nameTerms, plan.NameTermsSettings, plan.Parameters);
        }
        else if (plan.WindowSql() is { } window)
        {
            yield return ("window", window, "", plan.Parameters);
        }

        if (plan.HasPublic)
        {
            // After the name terms: the classes below the name, from their tops.
            yield return ("planned", plan.PlannedSql(afterNameClass: nameTerms is not null), "", plan.Parameters);
        }

        // As it runs after a window that came up short, or with none: the planned statement inside it.
        yield return ("page", plan.PageSql(publicRows: null), "", plan.Parameters);
        if (plan.NameClassCountSql() is { } nameClassCount)
        {
            yield return ("name class count", nameClassCount, "", plan.Parameters);
        }

        yield return ("count", CountSql(plan), "", plan.Parameters);
        yield return ("facets", FacetsSql(plan), "", plan.Parameters);
    }

    /// <returns>Null when the query was not one lexeme after all (the statement's one row of nulls): the other paths answer.</returns>
    private static async Task<List<(Guid Id, object Value)>?> NameTermsAsync(NpgsqlConnection connection, string sql, SearchSql plan, CancellationToken cancellationToken)
    {
        var rows = new List<(Guid, object)>(plan.BranchLimit);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, plan.Parameters, cancellationToken: cancellationToken));
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.IsDBNull(0))
            {
                return null;
            }

            rows.Add((reader.GetGuid(0), reader.GetValue(1)));
        }

        return rows;
    }

    private static async Task<List<(Guid Id, object Value)>> CandidatesAsync(NpgsqlConnection connection, string sql, SearchSql plan, CancellationToken cancellationToken)
    {
        var rows = new List<(Guid, object)>(plan.BranchLimit);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, plan.Parameters, cancellationToken: cancellationToken));
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetGuid(0), reader.GetValue(1)));
        }

        return rows;
    }

    // Counting needs no order: each branch stops at the cap in whatever order its index hands the
    // matches out, so the cost is bounded by the cap, never by how many patterns match.
    private static string CountSql(SearchSql plan) =>
        $"SELECT count(*) FROM (SELECT 1 FROM ({plan.MatchBranches("1", CountCap + 1)}) b LIMIT {CountCap + 1}) m";

    // Facets count the first 10,000 matches the indexes hand out (api.md), for the same reason.
    private static string FacetsSql(SearchSql plan) =>
        $"SELECT * FROM ({plan.MatchBranches("p.tags, p.difficulty_rating, p.palette_id", CountCap)}) matches LIMIT {CountCap}";

    private static async Task<(long, bool)> CountAsync(NpgsqlConnection connection, SearchSql plan, CancellationToken cancellationToken)
    {
        var capped = plan.NameClassCountSql() is { } nameClass
            ? await connection.ExecuteScalarAsync<long>(new CommandDefinition(nameClass, plan.Parameters, cancellationToken: cancellationToken))
            : 0;
        if (capped <= CountCap)
        {
            capped = await connection.ExecuteScalarAsync<long>(new CommandDefinition(ForValues(CountSql(plan)), plan.Parameters, cancellationToken: cancellationToken));
        }

        if (capped <= CountCap)
        {
            return (capped, true);
        }

        // Past the cap an exact count would read every match; the planner's estimate costs nothing.
        // Estimated for these values: a generic plan's estimate is the same for every word.
        var explain = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            ForValues($"EXPLAIN (FORMAT JSON) {plan.MatchBranches("1", limit: null)}"),
            plan.Parameters, cancellationToken: cancellationToken));
        using var document = JsonDocument.Parse(explain!);
        var estimate = document.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
        return (Math.Max(CountCap + 1, (long)estimate), false);
    }

    /// <summary>
    /// The worker counts the rows as they arrive: in the database, unnesting and grouping the tags of 10,000 rows cost as much as reading
    /// them (a common word: 19 ms to read the rows, 36 with the tags unnested, 47 grouped), and a worker is the part that scales out.
    /// </summary>
    private static async Task<SearchFacets> FacetsAsync(NpgsqlConnection connection, SearchSql plan, CancellationToken cancellationToken)
    {
        var tags = new Dictionary<string, long>(StringComparer.Ordinal);
        var ratings = new Dictionary<short, long>();
        var palettes = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(ForValues(FacetsSql(plan)), plan.Parameters, cancellationToken: cancellationToken));
        while (await reader.ReadAsync(cancellationToken))
        {
            foreach (var tag in reader.GetFieldValue<string[]>(0))
            {
                CollectionsMarshal.GetValueRefOrAddDefault(tags, tag, out _)++;
            }

            CollectionsMarshal.GetValueRefOrAddDefault(ratings, reader.GetInt16(1), out _)++;
            CollectionsMarshal.GetValueRefOrAddDefault(palettes, reader.GetString(2), out _)++;
        }

        return new SearchFacets(
            tags.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).Take(20).Select(t => new TagFacet(t.Key, t.Value)).ToList(),
            ratings.OrderBy(r => r.Key).Select(r => new DifficultyFacet(r.Key, r.Value)).ToList(),
            palettes.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(20).Select(p => new PaletteFacet(p.Key, p.Value)).ToList());
    }

    private static object SortValue(PatternSort sort, PatternResource row) => sort switch
    {
        PatternSort.CreatedAt => row.CreatedAt,
        PatternSort.UpdatedAt => row.UpdatedAt,
        PatternSort.LikeCount => row.LikeCount,
        PatternSort.ViewCount => row.ViewCount,
        PatternSort.Name => row.Name,
        PatternSort.DifficultyRating => row.DifficultyRating,
        PatternSort.ComplexityScore => row.ComplexityScore,
        PatternSort.Relevance => row.Rank ?? 0L,
        _ => throw new ArgumentOutOfRangeException(nameof(sort)),
    };

    private sealed class SearchSql
    {
        private readonly PatternSearchQuery _query;
        private readonly Guid? _caller;
        private readonly string _filters;
        private readonly string _windowFilters;
        private readonly string _walkScalars;
        private readonly int _walk;
        private readonly string _personalFilters;
        private readonly string _nameClassFilters;
        private readonly string _sortExpression;
        private readonly string _keyset;

        /// <summary>The query text as the name terms can take it (<see cref="NameWords"/>), read once.</summary>
        private readonly NameQuery? _nameWords;

        public SqlParameters Parameters { get; } = new();

        /// <summary>The page, one more to tell whether a next page exists, and the offset.</summary>
        public int BranchLimit { get; }

        public bool HasPublic => _query.IsPublic != false;

        private bool HasPersonal => _caller is not null && _query.IsPublic != true;

        /// <summary>
        /// A walk in likes order (relevance, or sort=like_count) tests the range and flag filters on the likes index's own columns
        /// (migration 0018), before it fetches a row, so a window holds rows that pass them. Likes follow age, so the most liked are
        /// old: walked in the heap, the first 2,000 held few patterns of the last 180 days and "love" in the last 180 days fell to a
        /// plan that read all 23,000 of its name matches (65 ms). Planned for its values: for a range that few rows pass, the planner
        /// takes that range's own index instead of walking the likes index through it.
        /// </summary>
        public bool WalkTestsScalars => (_query.Sort is PatternSort.Relevance or PatternSort.LikeCount) && HasWalkScalars(_query);

        /// <summary>Whether a filter meets the word inside its GIN index (migration 0017), so the planned statement reads only rows that match both.</summary>
        public bool WordIndexHoldsAFilter =>
            _query.Tags.Count > 0 || _query.AnyTags.Count > 0 || _query.PaletteId is not null || _query.SizeMin is not null || _query.SizeMax is not null
            || _query.IsAiGenerated is not null;

        /// <summary>The word index holds the search's filters, and the walk tests them all on the likes index (size, the AI flag; no tag or palette).</summary>
        private bool WalkTestsAllTheWordIndexHolds =>
            WalkTestsScalars && WordIndexHoldsAFilter && _query.Tags.Count == 0 && _query.AnyTags.Count == 0 && _query.PaletteId is null;

        /// <summary>Without the filters <see cref="WalkScalars"/> tests.</summary>
        private static PatternSearchQuery WithoutWalkScalars(PatternSearchQuery q) => q with
        {
            DifficultyMin = null, DifficultyMax = null, ComplexityMin = null, ComplexityMax = null,
            SizeMin = null, SizeMax = null, IsAiGenerated = null, CreatedAfter = null, CreatedBefore = null,
        };

        private static bool HasWalkScalars(PatternSearchQuery q) =>
            q.DifficultyMin is not null || q.DifficultyMax is not null || q.ComplexityMin is not null || q.ComplexityMax is not null
            || q.SizeMin is not null || q.SizeMax is not null || q.IsAiGenerated is not null || q.CreatedAfter is not null || q.CreatedBefore is not null;

        /// <summary>Browsing (no word, tag or filter) walks the sort index whatever the values: one generic plan serves it.</summary>
        public bool DependsOnValues => _filters != LiveOnly;

        /// <param name="walk">
        /// How many public patterns the window walks. By default a quarter of <see cref="Window"/> when <see cref="WalkTestsAllTheWordIndexHolds"/>: the walk then meets matches at the word's own density,
        /// and the planned statement reads only rows matching both, so the window pays only for a word that fills a page in 500 rows
        /// ("parrot" with size 16-32 walked 2,000 rows for 8 hits in 14 ms, where the planned statement took 1.2). A tag or palette is not
        /// on the likes index and thins the walk's hits, so with one the window keeps its length ("heart" with a palette: 7 hits in 500,
        /// then 20,000 rows matching both, 40 ms).
        /// </param>
        public SearchSql(PatternSearchQuery query, Guid? caller, int? walk = null)
        {
            _query = query;
            _walk = walk ?? (WalkTestsAllTheWordIndexHolds ? Window / 4 : Window);
            _caller = caller;
            _sortExpression = query.Sort switch
            {
                PatternSort.CreatedAt => "p.created_at",
                PatternSort.UpdatedAt => "p.updated_at",
                PatternSort.LikeCount => "p.like_count",
                PatternSort.ViewCount => "p.view_count",
                // Byte order: the same in every database whatever its locale, and what the index holds.
                PatternSort.Name => "(p.name COLLATE \"C\")",
                PatternSort.DifficultyRating => "p.difficulty_rating",
                PatternSort.ComplexityScore => "p.complexity_score",
                PatternSort.Relevance => RelevanceKey($"CASE WHEN p.search_vector @@ {InName} THEN 3 WHEN p.search_vector @@ {InNameOrTags} THEN 2 ELSE 1 END"),
                _ => throw new ArgumentOutOfRangeException(nameof(query)),
            };
            Parameters.Add("caller", caller, NpgsqlDbType.Uuid);
            BranchLimit = query.Limit + 1 + (query.Offset ?? 0);
            Parameters.Add("take", query.Limit + 1);
            Parameters.Add("offset", query.Offset ?? 0);
            Parameters.Add("branchLimit", BranchLimit);
            _filters = BuildFilters(scalarsIndexable: true, TsQuery);
            _personalFilters = BuildFilters(scalarsIndexable: false, TsQuery);
            // In a generic plan a function of a parameter runs for every row; the window reads the
            // parsed query from a one-row CTE instead, parsed once per run.
            _walkScalars = WalkScalars();
            _windowFilters = BuildFilters(scalarsIndexable: true, "terms.q", WalkTestsScalars ? WithoutWalkScalars(query) : null);
            // A name match is a match, unless the query excludes a word ("-storm" absent from the
            // name may be in the description). Without the plain text match beside it, the planner
            // takes name matches from the name index instead of filtering every match of the word.
            _nameClassFilters = query.Query is { } text && !Excludes(text) ? BuildFilters(scalarsIndexable: true, tsQuery: null) : _filters;
            _keyset = query.Cursor is { } cursor ? KeysetClause(cursor) : "";
            _nameWords = query.Query is { } queryText ? NameWords(queryText) : null;
        }

        public string OrderBy(string value, string id)
        {
            var direction = _query.Descending ? "DESC" : "ASC";
            return $"{value} {direction}, {id} {direction}";
        }

        /// <summary>Null where a window cannot help: nothing to match (the sort index is the plan), a page deeper than the window, or <see cref="Narrowed"/>.</summary>
        public string? WindowSql()
        {
            if (BranchLimit > Window || Narrowed || (_filters == LiveOnly && _query.Sort != PatternSort.Relevance))
            {
                return null;
            }

            string order, keyset, hit, key;
            if (_query.Sort == PatternSort.Relevance)
            {
                var matchClass = CursorClass;
                order = OrderBy("p.like_count", "p.id");
                keyset = LikesKeyset();
                hit = $"{_windowFilters} AND {WindowClass(matchClass)}";
                key = RelevanceKey(matchClass);
            }
            else
            {
                order = OrderBy(_sortExpression, "p.id");
                keyset = _keyset;
                hit = _windowFilters;
                key = _sortExpression;
            }

            var text = _query.Query is not null;
            return $"""
                {(text ? $"WITH terms AS MATERIALIZED (SELECT q, emoty_tsquery_in_weights(q, 'A') AS name, emoty_tsquery_in_weights(q, 'AB') AS name_or_tags, {WordShare} AS word_share FROM {TsQuery} AS q)" : "")}
                SELECT w.id, w.sort_value FROM (
                    SELECT p.id, {key} AS sort_value, ({hit}) AS hit
                    FROM patterns p{(text ? ", terms" : "")} WHERE p.is_public AND {LiveOnly}{(WalkTestsScalars ? _walkScalars : "")}{WindowGate(text)}{keyset}
                    ORDER BY {order} LIMIT {_walk}
                ) w
                WHERE w.hit LIMIT @branchLimit
                """;
        }

        /// <summary>
        /// A window pays only when it fills the page, and a word or tag in fewer than one in <see cref="Window"/> ÷ 21 patterns almost never
        /// does: it walked 2,000 rows for nothing ("volcanoes" by difficulty, 0.6 % of patterns: 16 hits and 30 ms, then the planned
        /// statement walked the same index again). So the walk runs only when the shares ANALYZE measured (migration 0023) let it expect
        /// a page and a half of hits: the word's share (one lexeme; several words count as common), the rarest of the tags, the sum of
        /// any_tags, multiplied as if independent. A condition on no row: the executor tests it once, before the walk, and a false one skips the walk. Without
        /// statistics (a table never analyzed) every share counts as 1, and the window walks as before.
        /// </summary>
        private string WindowGate(bool text)
        {
            var shares = new List<string>(3);
            if (text)
            {
                shares.Add("(SELECT word_share FROM terms)");
            }

            if (_query.Tags.Count > 0)
            {
                shares.Add("(SELECT min(emoty_element_share('tags', t)) FROM unnest(@tags::text[]) AS t)");
            }

            if (_query.AnyTags.Count > 0)
            {
                shares.Add("(SELECT sum(emoty_element_share('tags', t)) FROM unnest(@anyTags::text[]) AS t)");
            }

            // Half a page more than it needs: at the line itself ("picking", 1.2 %: 24 hits expected) a window came up short as often as not.
            return shares.Count == 0 ? "" : $" AND {string.Join(" * ", shares.Select(s => $"coalesce({s}, 1)"))} * {_walk} >= 1.5 * @branchLimit";
        }

        /// <summary>The share of patterns with the query's word, for a query of one lexeme (null otherwise, or without statistics).</summary>
        private const string WordShare = $"CASE WHEN numnode(q) = 1 THEN emoty_element_share('search_vector', {LexemeOfOne}) END";

        /// <summary>An index narrows these to a few rows whatever the word.</summary>
        private bool Narrowed => _query.UserId is not null || _query.ParentPatternId is not null || _query.FavoritedByMe == true;

        /// <summary>Exact whatever the density. Relevance goes class by class, except among a few narrowed rows (ranked in one pass, not once per class).</summary>
        public string PlannedSql(bool afterNameClass = false) => _query.Sort == PatternSort.Relevance && !Narrowed
            ? PublicByClass(afterNameClass)
            : $"SELECT p.id, {_sortExpression} AS sort_value FROM patterns p WHERE p.is_public AND {_filters}{_keyset} ORDER BY {OrderBy(_sortExpression, "p.id")} LIMIT @branchLimit";

        /// <param name="publicRows">The public candidates a window found; null to take them with <see cref="PlannedSql"/> inside the page.</param>
        /// <param name="nameClassDone">The candidates are the name class's last (<see cref="NameTermsSql"/>): the classes below it follow inside the page.</param>
        public string PageSql(List<(Guid Id, object Value)>? publicRows, bool nameClassDone = false)
        {
            var branches = new List<string>(4);
            if (HasPublic && publicRows is null)
            {
                branches.Add($"({PlannedSql()})");
            }
            else if (HasPublic && publicRows is not null)
            {
                Parameters.Add("publicIds", publicRows.Select(r => r.Id).ToArray());
                Parameters.Add("publicValues", SortValues(publicRows));
                var collate = _query.Sort == PatternSort.Name ? " COLLATE \"C\"" : "";
                branches.Add($"SELECT u.id, u.sort_value{collate} AS sort_value FROM unnest(@publicIds::uuid[], @publicValues::{SortType}[]) AS u(id, sort_value)");
                if (nameClassDone)
                {
                    branches.Add($"({PlannedSql(afterNameClass: true)})");
                }
            }

            if (HasPersonal)
            {
                var select = $"p.id, {_sortExpression} AS sort_value";
                var tail = $"ORDER BY {OrderBy(_sortExpression, "p.id")} LIMIT @branchLimit";
                branches.Add($"(SELECT {select} FROM patterns p WHERE {OwnBranch}{_keyset} {tail})");
                branches.Add($"(SELECT {select} FROM {SharedBranch}{_keyset} {tail})");
            }

            var union = branches.Count == 0 ? "SELECT NULL::uuid AS id, NULL::bigint AS sort_value WHERE false" : string.Join("\nUNION ALL\n", branches);
            return $"""
                WITH page AS (
                    SELECT c.id, c.sort_value FROM ({union}) c
                    ORDER BY {OrderBy("c.sort_value", "c.id")} LIMIT @take OFFSET @offset
                )
                SELECT {PatternStore.ResourceColumns}, {(_query.Sort == PatternSort.Relevance ? "page.sort_value" : "NULL::bigint")} AS rank
                FROM page JOIN patterns p ON p.id = page.id
                ORDER BY {OrderBy("page.sort_value", "page.id")}
                """;
        }

        /// <summary>In no order, each branch cut at <paramref name="limit"/> (null: uncut).</summary>
        public string MatchBranches(string columns, int? limit)
        {
            var tail = limit is null ? "" : $" LIMIT {limit}";
            var branches = new List<string>(3);
            if (HasPublic)
            {
                branches.Add($"(SELECT {columns} FROM patterns p WHERE p.is_public AND {_filters}{tail})");
            }

            if (HasPersonal)
            {
                branches.Add($"(SELECT {columns} FROM patterns p WHERE {OwnBranch}{tail})");
                branches.Add($"(SELECT {columns} FROM {SharedBranch}{tail})");
            }

            return branches.Count == 0 ? $"SELECT {columns} FROM patterns p WHERE false" : string.Join("\nUNION ALL\n", branches);
        }

        private string OwnBranch => $"p.user_id = @caller AND NOT p.is_public AND {_personalFilters}";

        private string SharedBranch => $"""
            {LiveShares.Shares} s JOIN patterns p ON p.id = s.pattern_id
            WHERE s.shared_with = @caller
              AND NOT p.is_public AND p.user_id <> @caller AND {_personalFilters}
            """;

        private string SortType => _query.Sort switch
        {
            PatternSort.CreatedAt or PatternSort.UpdatedAt => "timestamptz",
            PatternSort.LikeCount or PatternSort.ViewCount or PatternSort.Relevance => "bigint",
            PatternSort.DifficultyRating => "smallint",
            PatternSort.ComplexityScore => "numeric",
            _ => "text",
        };

        private Array SortValues(List<(Guid Id, object Value)> rows) => _query.Sort switch
        {
            PatternSort.CreatedAt or PatternSort.UpdatedAt => rows.Select(r => (DateTime)r.Value).ToArray(),
            PatternSort.LikeCount or PatternSort.ViewCount or PatternSort.Relevance => rows.Select(r => (long)r.Value).ToArray(),
            PatternSort.DifficultyRating => rows.Select(r => (short)r.Value).ToArray(),
            PatternSort.ComplexityScore => rows.Select(r => (decimal)r.Value).ToArray(),
            _ => rows.Select(r => (string)r.Value).ToArray(),
        };

        private int CursorClass => _query.Cursor is { } cursor
            ? (int)((long)cursor.LastValue >> RelevanceClassShift)
            : _query.Descending ? 3 : 1;

        private string LikesKeyset(string likes = "p.like_count", string id = "p.id")
        {
            if (_query.Cursor is not { } cursor)
            {
                return "";
            }

            Parameters.Add("cursorLikes", (long)cursor.LastValue & MaxRelevanceLikes);
            return $" AND ({likes}, {id}) {(_query.Descending ? "<" : ">")} (@cursorLikes, @cursorId)";
        }

        /// <summary>
        /// A search for one or two words (or a two-word phrase) by relevance, with no filter or only those the terms hold, from the name
        /// class: the class in the order of the page, from the name terms (migrations 0019, 0020). 21 entries of one index for the first
        /// page or any later one, where the GIN indexes either walk the likes index testing each pattern or sort every name match. A range
        /// or flag filter (difficulty, complexity, size, the AI flag, creation dates) is tested on each entry's own columns in the same
        /// index-only walk, so the walk reads 20 ÷ (the share that passes) entries, at most every name entry of the word. Tags and a
        /// palette are tested on the entry's signatures, and the few entries that pass are checked on their pattern. Two words merge their
        /// two walks on (likes, id); a phrase checks the pattern's name for the merged pairs; a word with one it excludes ("storm -rain")
        /// checks each entry's pattern for the excluded word, for at most <see cref="Window"/> entries. Null where it does not apply: more
        /// words or exclusions, any_tags, a creator, parent or favourites filter (the terms do not hold them), or a cursor past the name class.
        /// <para>
        /// Only words of letters and digits, which the parser reads as one token each. The statement checks that the parsed query is
        /// those lexemes and takes them from the text itself; otherwise it returns one row of nulls, and the other paths answer, so
        /// a word parsed otherwise costs a round trip and never a wrong page. A stop word ("the") parses to no lexeme.
        /// </para>
        /// </summary>
        public string? NameTermsSql()
        {
            if (_query.Sort != PatternSort.Relevance || !_query.Descending || CursorClass != 3 || !TermsHoldTheSearch || _nameWords is not { } words)
            {
                return null;
            }

            // Signatures are computed once, in the word's row; an entry whose signature holds them is checked on its pattern.
            var (signatures, signatureTests, recheck) = (new StringBuilder(), new StringBuilder(), new List<string>());
            if (_query.Tags.Count > 0)
            {
                signatures.Append(", emoty_signature(@tags::text[]) AS tags");
                signatureTests.Append(" AND t.tag_signature & (SELECT tags FROM word) = (SELECT tags FROM word)");
                recheck.Add("p.tags @> @tags");
            }

            if (_query.PaletteId is not null)
            {
                signatures.Append(", emoty_signature(ARRAY[@paletteId::text]) AS palette");
                signatureTests.Append(" AND t.palette_signature = (SELECT palette FROM word)");
                recheck.Add("p.palette_id = @paletteId");
            }

            if (words.Excluded is not null)
            {
                // The word's name entries hold every pattern of its name class; the pattern itself tells whether it has the excluded word.
                recheck.Add("p.search_vector @@ (SELECT q FROM word)");
            }

            if (words.Phrase)
            {
                // Both words in the name is not yet the phrase: the name itself decides, against the query parsed once in the word's row.
                recheck.Add("to_tsvector('english'::regconfig, p.name) @@ (SELECT q FROM word)");
            }

            string word, second = "", patternRow = "t.pattern_id";
            if (words.Excluded is { } excluded)
            {
                // The parsed query must be the word's one lexeme AND NOT the excluded word (an excluded stop word leaves the word alone),
                // and not one of the word's own stem ("love -lovely" matches nothing; the sort of the other paths tells at once).
                Parameters.Add("namePositive", words.Positive!);
                Parameters.Add("nameExcluded", excluded);
                word = $"""
                    SELECT CASE WHEN numnode(w) = 1 AND q = (w && e) AND NOT l && tsvector_to_array(to_tsvector('english'::regconfig, @nameExcluded))
                           THEN l[1] END AS lexeme, q{signatures}
                    FROM {TsQuery} AS q, websearch_to_tsquery('english', @namePositive) AS w, websearch_to_tsquery('english', @nameExcluded) AS e,
                         tsvector_to_array(w::text::tsvector) AS l
                    """;
            }
            else if (words.Count == 1)
            {
                word = $"SELECT {OneLexeme} AS lexeme{signatures} FROM {TsQuery} AS q";
            }
            else
            {
                // Two words of letters and digits are two lexemes at most, which the text's own vector holds in byte order; the
                // parsed query must be exactly those two, ANDed or as a phrase (a stop word or two words of one stem fall back).
                word = $"""
                    SELECT CASE WHEN numnode(q) = 3 AND q IN (a && b, b && a, a <-> b, b <-> a) THEN l[1] END AS lexeme, l[2] AS second, q{signatures}
                    FROM {TsQuery} AS q, tsvector_to_array(to_tsvector('english'::regconfig, @query)) AS l,
                         LATERAL (SELECT quote_literal(l[1])::tsquery AS a, quote_literal(l[2])::tsquery AS b) AS lexemes
                    """;
                second = """
                     JOIN pattern_name_terms s
                       ON s.lexeme = (SELECT second FROM word) AND s.like_count = t.like_count AND s.pattern_id = t.pattern_id
                    """;
                // Naming both sides keeps the check a filter of the merged pairs, not of every entry of one word.
                patternRow = "t.pattern_id AND p.id = s.pattern_id";
            }

            // A subquery, not a join: it is planned on its own (by the pattern's key), so the merge settings do not reach it.
            string PatternCheck(string row) => recheck.Count == 0
                ? ""
                : $" AND (SELECT {string.Join(" AND ", recheck)} FROM patterns p WHERE p.id = {row}) IS TRUE";
            var patternCheck = PatternCheck(patternRow);
            string Entries(string check) => $"""
                FROM pattern_name_terms t{second}
                WHERE t.lexeme = (SELECT lexeme FROM word){WalkScalars("t")}{signatureTests}{check}{LikesKeyset("t.like_count", "t.pattern_id")}
                ORDER BY t.like_count DESC, t.pattern_id DESC
                """;
            if (words.Excluded is not null)
            {
                // How many entries pass depends on how often the excluded word goes with the word, which no index tells: a walk of at most
                // Window entries, and past it without a page the one row of nulls, so the other paths answer.
                return $"""
                    WITH word AS MATERIALIZED ({word}),
                    walk AS MATERIALIZED (SELECT t.pattern_id, t.like_count {Entries(check: "")} LIMIT {Window}),
                    hits AS MATERIALIZED (
                        SELECT t.pattern_id, {RelevanceKey(3, "t.like_count")} AS sort_value FROM walk t WHERE true{patternCheck} LIMIT @branchLimit)
                    SELECT pattern_id, sort_value FROM hits
                    UNION ALL
                    SELECT NULL, NULL FROM word WHERE lexeme IS NULL
                    UNION ALL
                    SELECT NULL, NULL WHERE (SELECT count(*) FROM hits) < @branchLimit AND (SELECT count(*) FROM walk) = {Window}
                    """;
            }

            if (words.Count == 2)
            {
                // A merge reads the entries of both words down to the page's last pair, so a common word beside a rare one reads
                // thousands of the common one's ("heart maifougym": 61,429 entries of heart for 21 pairs, 41 ms). Where one word has
                // fewer than ProbeEntries, its own entries lead, and each probes the other word's entry at the same likes and id.
                return $"""
                    WITH word AS MATERIALIZED ({word}),
                    sizes AS MATERIALIZED (
                        SELECT w.lexeme IS NOT NULL AND least(n1, n2) < {ProbeEntries} AS probe,
                               CASE WHEN n1 <= n2 THEN w.lexeme ELSE w.second END AS rarer,
                               CASE WHEN n1 <= n2 THEN w.second ELSE w.lexeme END AS commoner
                        FROM word w,
                             LATERAL (SELECT count(*) FROM (SELECT 1 FROM pattern_name_terms c WHERE c.lexeme = w.lexeme LIMIT {ProbeEntries}) c) AS c1(n1),
                             LATERAL (SELECT count(*) FROM (SELECT 1 FROM pattern_name_terms c WHERE c.lexeme = w.second LIMIT {ProbeEntries}) c) AS c2(n2))
                    (SELECT t.pattern_id, {RelevanceKey(3, "t.like_count")} AS sort_value
                     FROM pattern_name_terms t
                     WHERE (SELECT probe FROM sizes) AND t.lexeme = (SELECT rarer FROM sizes){WalkScalars("t")}{signatureTests}
                       AND (SELECT true FROM pattern_name_terms s
                            WHERE s.lexeme = (SELECT commoner FROM sizes) AND s.like_count = t.like_count AND s.pattern_id = t.pattern_id) IS TRUE
                       {PatternCheck("t.pattern_id")}{LikesKeyset("t.like_count", "t.pattern_id")}
                     ORDER BY t.like_count DESC, t.pattern_id DESC LIMIT @branchLimit)
                    UNION ALL
                    (SELECT t.pattern_id, {RelevanceKey(3, "t.like_count")} AS sort_value
                     {Entries($" AND NOT (SELECT probe FROM sizes){patternCheck}")} LIMIT @branchLimit)
                    UNION ALL
                    SELECT NULL, NULL FROM word WHERE lexeme IS NULL
                    """;
            }

            return $"""
                WITH word AS MATERIALIZED ({word})
                (SELECT t.pattern_id, {RelevanceKey(3, "t.like_count")} AS sort_value
                 {Entries(patternCheck)} LIMIT @branchLimit)
                UNION ALL
                SELECT NULL, NULL FROM word WHERE lexeme IS NULL
                """;
        }

        /// <summary>A query <c>q</c>'s one lexeme, or null when it is not one: a one-node query prints as its quoted lexeme, which reads back as a one-lexeme tsvector.</summary>
        private const string OneLexeme = $"CASE WHEN numnode(q) = 1 THEN {LexemeOfOne} END";

        private const string LexemeOfOne = "(tsvector_to_array(q::text::tsvector))[1]";

        /// <summary>Public patterns, a query the name terms take (<see cref="NameWords"/>), and no filter but those they hold (ranges, flags, tags, a palette).</summary>
        private bool TermsHoldTheSearch =>
            HasPublic && _nameWords is not null
            && BuildFilters(scalarsIndexable: true, TsQuery, WithoutWalkScalars(_query) with { Tags = [], PaletteId = null })
               == $"{LiveOnly} AND p.search_vector @@ {TsQuery}";

        /// <summary>
        /// For one word with no tag or palette: how many listed patterns have it in their name, up to the count's cap. Every one is a
        /// match, so a word this counts past the cap has a total past it, which spares the GIN count its bitmap of every match ("heart":
        /// 280,000 entries and 120 ms, where its first 10,001 name entries take 1). Null where it does not apply.
        /// </summary>
        public string? NameClassCountSql() =>
            _nameWords is { Count: 1, Excluded: null } && _query.Tags.Count == 0 && _query.PaletteId is null && TermsHoldTheSearch
                ? $"""
                  SELECT count(*) FROM (
                      SELECT 1 FROM pattern_name_terms t
                      WHERE t.lexeme = (SELECT {OneLexeme} FROM {TsQuery} AS q){WalkScalars("t")}
                      LIMIT {CountCap + 1}) m
                  """
                : null;

        /// <summary>
        /// What <see cref="NameTermsSql"/> runs under: for two words, their entries, each in page order, merged, so both lists are read
        /// once at most whatever the words, where a nested loop from the wrong word probes every entry of a common one ("heart": 126,848
        /// names at a million). Set before the statement and undone after it, as <see cref="ForValues"/> does.
        /// </summary>
        public string NameTermsSettings => _nameWords is { Count: 2 } ? MergeOnly : "";

        /// <summary>The query text as the name terms take it: its words, whether in quotes, and for one word the word it excludes.</summary>
        private readonly record struct NameQuery(int Count, bool Phrase, string? Positive = null, string? Excluded = null);

        /// <summary>
        /// One word, two words, two words in quotes (a phrase), or one word and one it excludes ("storm -rain"), each of letters and
        /// digits, which the parser reads as one token each; null for anything else (OR, punctuation, more words).
        /// </summary>
        private static NameQuery? NameWords(string text)
        {
            var words = text.Trim();
            var phrase = words.Length > 2 && words[0] == '"' && words[^1] == '"';
            var tokens = (phrase ? words[1..^1] : words).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            static bool Plain(string token) => token.All(char.IsLetterOrDigit);
            if (phrase)
            {
                return tokens.Length == 2 && tokens.All(Plain) ? new NameQuery(2, Phrase: true) : null;
            }

            var positive = tokens.Where(Plain).ToArray();
            var excluded = tokens.Where(t => t.Length > 1 && t[0] == '-' && Plain(t[1..])).ToArray();
            return (positive.Length, excluded.Length) switch
            {
                _ when positive.Length + excluded.Length != tokens.Length => null,
                (1 or 2, 0) => new NameQuery(positive.Length, Phrase: false),
                // One exclusion: the statement rebuilds the parsed query from the two parts, and more would nest differently.
                (1, 1) => new NameQuery(1, Phrase: false, positive[0], excluded[0]),
                _ => null,
            };
        }

        /// <summary>
        /// One part per match class from the cursor's on. A UNION ALL without an outer ORDER BY runs its parts in turn and the LIMIT
        /// stops it once the page is full, so a later class runs only when the earlier ones ran out.
        /// </summary>
        /// <param name="afterNameClass">The name class came from <see cref="NameTermsSql"/>: the classes below it, each from its top.</param>
        private string PublicByClass(bool afterNameClass = false)
        {
            var direction = _query.Descending ? "DESC" : "ASC";
            var first = afterNameClass ? 2 : CursorClass;
            var keyset = LikesKeyset();
            var parts = new List<string>(3);
            foreach (var matchClass in _query.Descending ? new[] { 3, 2, 1 } : [1, 2, 3])
            {
                if (_query.Descending ? matchClass > first : matchClass < first)
                {
                    continue;
                }

                var inClass = matchClass switch
                {
                    // The name index finds them; the weighted test (IS TRUE keeps it off the other
                    // index) is cheap and spares parsing every name a walk passes.
                    3 => $"(p.search_vector @@ {InName}) IS TRUE AND to_tsvector('english'::regconfig, p.name) @@ {TsQuery}",
                    // A GIN index cannot tell weights apart, so the weighted test would only repeat the word's own
                    // lookup there; the planner, taking the two for independent, preferred that pair to the word
                    // and a filter the index holds (word + size 16-32: "dogs" read 7,036 heap blocks for 116 rows).
                    2 => $"(p.search_vector @@ {InNameOrTags}) IS TRUE AND NOT to_tsvector('english'::regconfig, p.name) @@ {TsQuery}",
                    _ => $"NOT p.search_vector @@ {InNameOrTags}",
                };
                var key = RelevanceKey(matchClass);
                if (matchClass == first && !afterNameClass)
                {
                    // The window statement has just walked this class from its top and found it sparse, so a first page
                    // sorts its matches (+ 0 keeps the likes index out): a walk guided by the planner's estimate read
                    // 637,651 rows to find that "love -lovely" (both stem to love) matches nothing. A later page, or one
                    // deeper than the window, is left to the planner: below a cursor a common word's matches are many,
                    // and sorting them all cost 600 ms where the walk costs 20.
                    var order = BranchLimit <= Window && _query.Cursor is null ? "(p.like_count + 0)" : "p.like_count";
                    parts.Add($"""
                        (SELECT p.id, {key} AS sort_value FROM patterns p
                         WHERE p.is_public AND {(matchClass == 3 ? _nameClassFilters : _filters)} AND {inClass}{keyset}
                         ORDER BY {order} {direction}, p.id {direction} LIMIT @branchLimit)
                        """);
                    continue;
                }

                // A later class starts at its top, where a window decides as for the first: a word
                // common in tags (the "art" of pixel-art) fills the page from the likes index, one
                // whose class is sparse is sorted from its matches. The planner cannot tell the two
                // apart, since its estimate of a word restricted to some fields is the word's own.
                // A quarter of the window: only a class dense enough to be worth walking needs it,
                // and a rare word, which reaches every class, pays it twice.
                var sorted = $"""
                    SELECT p.id, {key} AS sort_value FROM patterns p
                    WHERE p.is_public AND {_filters} AND {inClass}
                    """;
                var sortedOrder = $"ORDER BY (p.like_count + 0) {direction}, p.id {direction} LIMIT @branchLimit";
                if (WalkTestsAllTheWordIndexHolds)
                {
                    // With a size or the AI flag the word index reads only the rows matching both, and a walk meets hits at the
                    // word's density times the filter's (a size of 16-32 is 2 % of patterns): 500 rows of it found 6 for "dogs" and
                    // cost 4 ms a class, where sorting the 173 matches of both took 1.5.
                    parts.Add($"({sorted} {sortedOrder})");
                    continue;
                }

                var window = $"""
                    SELECT w.id, w.sort_value FROM (
                        SELECT p.id, {key} AS sort_value, ({_filters} AND {WindowClass(matchClass, InName, InNameOrTags)}) AS hit
                        FROM patterns p WHERE p.is_public AND {LiveOnly}{_walkScalars}
                        ORDER BY p.like_count {direction}, p.id {direction} LIMIT {Window / 4}
                    ) w WHERE w.hit LIMIT @branchLimit
                    """;
                parts.Add($"""
                    (WITH window_page AS MATERIALIZED ({window})
                     SELECT id, sort_value FROM window_page WHERE (SELECT count(*) FROM window_page) >= @branchLimit
                     UNION ALL
                     ({sorted} AND (SELECT count(*) FROM window_page) < @branchLimit
                      {sortedOrder}))
                    """);
            }

            return $"SELECT * FROM ({string.Join("\nUNION ALL\n", parts)}) by_class LIMIT @branchLimit";
        }

        /// <summary>For a row in hand (a window): the weights of the stored vector, no parsing of the name.</summary>
        private static string WindowClass(int matchClass, string name = "terms.name", string nameOrTags = "terms.name_or_tags") => matchClass switch
        {
            3 => $"p.search_vector @@ {name}",
            2 => $"p.search_vector @@ {nameOrTags} AND NOT p.search_vector @@ {name}",
            _ => $"NOT p.search_vector @@ {nameOrTags}",
        };

        private static string RelevanceKey(int matchClass, string likes = "p.like_count") =>
            RelevanceKey(matchClass.ToString(CultureInfo.InvariantCulture), likes);

        private static string RelevanceKey(string matchClass, string likes = "p.like_count") =>
            $"(({matchClass})::bigint << {RelevanceClassShift}) + least({likes}, {MaxRelevanceLikes})";

        private string KeysetClause(SearchCursor cursor)
        {
            Parameters.Add("cursorId", cursor.LastId);
            Parameters.Add("cursorValue", cursor.LastValue switch
            {
                DateTimeOffset t => t.UtcDateTime,
                var other => other,
            });
            var comparison = _query.Descending ? "<" : ">";
            var value = _query.Sort == PatternSort.Name ? "(@cursorValue COLLATE \"C\")" : "@cursorValue";
            return $" AND ({_sortExpression}, p.id) {comparison} ({value}, @cursorId)";
        }

        /// <summary>Whether websearch_to_tsquery may read an exclusion: a minus that starts a word (pixel-art has none).</summary>
        private static bool Excludes(string text) =>
            text.Where((c, i) => c == '-' && (i == 0 || !char.IsLetterOrDigit(text[i - 1]))).Any();

        /// <summary>
        /// The range and flag filters as conditions on the likes index's columns (migration 0018), or with <paramref name="table"/> "t" on
        /// the name terms' own (migration 0020), each as its own comparison.
        /// </summary>
        private string WalkScalars(string table = "p")
        {
            var q = _query;
            var where = new StringBuilder();
            void Add(string clause, string name, object value)
            {
                where.Append(" AND ").Append(clause);
                Parameters.Add(name, value);
            }

            if (q.DifficultyMin is { } dmin) Add($"{table}.difficulty_rating >= @walkDifficultyMin", "walkDifficultyMin", (short)dmin);
            if (q.DifficultyMax is { } dmax) Add($"{table}.difficulty_rating <= @walkDifficultyMax", "walkDifficultyMax", (short)dmax);
            if (q.ComplexityMin is { } cmin) Add($"{table}.complexity_score >= @walkComplexityMin", "walkComplexityMin", cmin);
            if (q.ComplexityMax is { } cmax) Add($"{table}.complexity_score <= @walkComplexityMax", "walkComplexityMax", cmax);
            if (q.SizeMin is { } smin) Add($"{table}.size >= @walkSizeMin", "walkSizeMin", smin);
            if (q.SizeMax is { } smax) Add($"{table}.size <= @walkSizeMax", "walkSizeMax", smax);
            if (q.IsAiGenerated is { } ai) Add($"{table}.is_ai_generated = @walkAiGenerated", "walkAiGenerated", ai);
            if (q.CreatedAfter is { } after) Add($"{table}.created_at > @walkCreatedAfter", "walkCreatedAfter", after.UtcDateTime);
            if (q.CreatedBefore is { } before) Add($"{table}.created_at < @walkCreatedBefore", "walkCreatedBefore", before.UtcDateTime);
            return where.ToString();
        }

        /// <summary>
        /// For public patterns the word indexes hold the filters too (migration 0017), so a word and a selective filter meet inside the index and
        /// only the rows matching both are fetched from the heap (word + size 16-32: 20,629 heap pages read for 565 name matches, now 563).
        /// A GIN index answers equality only: a range of sizes is written as the list of its values,
        /// each looked up exactly, where a range is two open-ended scans of which one reads nearly every entry (size &lt;= 32: a million rows,
        /// 56 ms). A flag is a one-value list too: "= true" folds into the bare column, which only a btree index can use.
        /// <para>
        /// The caller's own and shared branches start from a few thousand rows at most, so there the scalars are written so that the GIN index
        /// cannot serve them: the planner underrates a GIN range scan and would AND a bitmap of tens of thousands of rows onto the caller's few
        /// (measured: 70 ms instead of 2 at a million rows). A null <paramref name="tsQuery"/> leaves the text match out.
        /// </para>
        /// </summary>
        /// <param name="query">The search's query by default; one with some filters left out, for what tests them elsewhere.</param>
        private string BuildFilters(bool scalarsIndexable, string? tsQuery, PatternSearchQuery? query = null)
        {
            var q = query ?? _query;
            var where = new StringBuilder(LiveOnly);
            string Scalar(string column, string neutral) => scalarsIndexable ? column : $"({column}{neutral})";
            void Add(string clause, string name, object value)
            {
                where.Append(" AND ").Append(clause);
                Parameters.Add(name, value);
            }

            if (q.Query is { Length: > 0 } text)
            {
                // In the caller's own and shared branches the text is tested on their few rows, for
                // the reason the scalars are (IS TRUE keeps the word's GIN bitmap out of the plan).
                var match = scalarsIndexable ? $"p.search_vector @@ {tsQuery}" : $"(p.search_vector @@ {tsQuery}) IS TRUE";
                Add(tsQuery is null ? "true" : match, "query", text);
            }
            else if (q.Sort == PatternSort.Relevance)
            {
                Parameters.Add("query", "");
            }

            if (q.Tags.Count > 0)
            {
                Add("p.tags @> @tags", "tags", q.Tags.ToArray());
            }

            if (q.AnyTags.Count > 0)
            {
                Add("p.tags && @anyTags", "anyTags", q.AnyTags.ToArray());
            }

            if (q.UserId is { } userId)
            {
                Add("p.user_id = @userId", "userId", userId);
            }

            if (q.ParentPatternId is { } parent)
            {
                Add("p.parent_pattern_id = @parentPatternId", "parentPatternId", parent);
            }

            if (q.PaletteId is { } palette)
            {
                Add($"{Scalar("p.palette_id", " || ''")} = @paletteId", "paletteId", palette);
            }

            if (q.DifficultyMin is { } dmin)
            {
                Add($"{Scalar("p.difficulty_rating", " + 0")} >= @difficultyMin", "difficultyMin", (short)dmin);
            }

            if (q.DifficultyMax is { } dmax)
            {
                Add($"{Scalar("p.difficulty_rating", " + 0")} <= @difficultyMax", "difficultyMax", (short)dmax);
            }

            if (q.ComplexityMin is { } cmin)
            {
                Add($"{Scalar("p.complexity_score", " + 0")} >= @complexityMin", "complexityMin", cmin);
            }

            if (q.ComplexityMax is { } cmax)
            {
                Add($"{Scalar("p.complexity_score", " + 0")} <= @complexityMax", "complexityMax", cmax);
            }

            if (q.SizeMin is not null || q.SizeMax is not null)
            {
                var (low, high) = (q.SizeMin ?? PatternRules.MinSize, q.SizeMax ?? PatternRules.MaxSize);
                if (scalarsIndexable)
                {
                    Add("p.size = ANY (@sizes)", "sizes", Enumerable.Range(low, high - low + 1).ToArray());
                }
                else
                {
                    Add("(p.size + 0) BETWEEN @sizeMin AND @sizeMax", "sizeMin", low);
                    Parameters.Add("sizeMax", high);
                }
            }

            if (q.IsAiGenerated is { } ai)
            {
                Add(scalarsIndexable ? "p.is_ai_generated = ANY (@isAiGenerated)" : "(p.is_ai_generated IS TRUE) = ANY (@isAiGenerated)", "isAiGenerated", new[] { ai });
            }

            if (q.CreatedAfter is { } after)
            {
                Add($"{Scalar("p.created_at", " + interval '0 s'")} > @createdAfter", "createdAfter", after.UtcDateTime);
            }

            if (q.CreatedBefore is { } before)
            {
                Add($"{Scalar("p.created_at", " + interval '0 s'")} < @createdBefore", "createdBefore", before.UtcDateTime);
            }

            if (q.FavoritedByMe is { } favorited)
            {
                where.Append(favorited ? " AND " : " AND NOT ")
                    .Append("EXISTS (SELECT 1 FROM pattern_favorites f WHERE f.user_id = @caller AND f.pattern_id = p.id)");
            }

            return where.ToString();
        }
    }
}
