using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Npgsql;
using Emoty.Domain.Paging;

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
/// Pattern search as SQL. Visibility is split into disjoint branches (public; the caller's own
/// private ones; private ones shared with the caller), each ordered by the sort key and id and
/// cut at the page size, so every branch walks its own index (the partial keyset indexes for
/// public patterns, the owner index, the shares index) instead of one OR that no index serves.
/// The branches are merged and cut again. Paging is keyset: (sort value, id) strictly after the
/// cursor's, so rows inserted or updated between pages never shift what comes next.
/// </summary>
public sealed class PatternSearchStore(NpgsqlDataSource database, CursorSigner cursors)
{
    /// <summary>Counting and facets stop here; beyond it the total is the planner's estimate.</summary>
    public const int CountCap = 10_000;

    private const string TsQuery = "websearch_to_tsquery('english', @query)";

    /// <summary>
    /// Every search statement runs with sequential scans priced out. Each filter and sort has an
    /// index (keyset B-trees, GIN for text, tags and the scalar filters); a plan that reads the whole
    /// table can look cheaper on a small or cold table, but it is the plan that grows with the
    /// table, and at a million patterns it is the slow one. Transaction-scoped, so pooled
    /// connections are not affected.
    /// </summary>
    internal const string PlannerSettings = "SET LOCAL enable_seqscan = off;\n";

    public async Task<SearchPage> SearchAsync(PatternSearchQuery query, Guid? caller, CancellationToken cancellationToken)
    {
        var plan = new SearchSql(query, caller);
        var sql = PageSql(plan, query);

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        // BEGIN is sent with the first command and SET LOCAL rides in it: no extra round trip.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<PatternResource>(
            new CommandDefinition(PlannerSettings + sql, plan.Parameters, transaction, cancellationToken: cancellationToken))).AsList();

        string? next = null;
        if (rows.Count > query.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            var last = rows[^1];
            next = SearchCursor.After(query, SortValue(query.Sort, last), last.Id).Encode(cursors);
        }

        long? total = null;
        bool? exact = null;
        if (query.IncludeTotal)
        {
            (total, exact) = await CountAsync(connection, plan, cancellationToken);
        }

        var facets = query.IncludeFacets ? await FacetsAsync(connection, plan, cancellationToken) : null;
        await transaction.CommitAsync(cancellationToken);
        return new SearchPage(rows, next, total, exact, facets);
    }

    /// <summary>Every statement a search runs (page, count, facets), for EXPLAIN in tests.</summary>
    internal static IEnumerable<(string Name, string Sql, DynamicParameters Parameters)> StatementsFor(PatternSearchQuery query, Guid? caller)
    {
        var plan = new SearchSql(query, caller);
        yield return ("page", PageSql(plan, query), plan.Parameters);
        yield return ("count", CountSql(plan), plan.Parameters);
        yield return ("facets", FacetsSql(plan), plan.Parameters);
    }

    private static string PageSql(SearchSql plan, PatternSearchQuery query)
    {
        var take = query.Limit + 1;
        var offset = query.Offset ?? 0;
        plan.Parameters.Add("take", take);
        plan.Parameters.Add("offset", offset);
        plan.Parameters.Add("branchLimit", take + offset);
        return $"""
            WITH page AS (
                SELECT c.id, c.sort_value FROM ({plan.Branches(keyset: true, limit: "@branchLimit")}) c
                ORDER BY {plan.OrderBy("c.sort_value", "c.id")} LIMIT @take OFFSET @offset
            )
            SELECT {PatternStore.ResourceColumns}, {(query.Sort == PatternSort.Relevance ? "page.sort_value" : "NULL::real")} AS rank
            FROM page JOIN patterns p ON p.id = page.id
            ORDER BY {plan.OrderBy("page.sort_value", "page.id")}
            """;
    }

    // Each branch walks its sort index and stops at the cap, as the page query does: a bounded
    // ordered index scan, never a pass over the whole table however unselective the filters.
    private static string CountSql(SearchSql plan) =>
        $"SELECT count(*) FROM (SELECT 1 FROM ({plan.Branches(keyset: false, limit: (CountCap + 1).ToString(CultureInfo.InvariantCulture), columns: "1")}) b LIMIT {CountCap + 1}) m";

    private static string FacetsSql(SearchSql plan) => $"""
        WITH m AS MATERIALIZED (
            SELECT * FROM ({plan.Branches(keyset: false, limit: CountCap.ToString(CultureInfo.InvariantCulture), columns: "p.tags, p.difficulty_rating, p.palette_id")}) matches LIMIT {CountCap}
        )
        SELECT 'tag' AS kind, t.tag AS key, count(*) AS count FROM m, unnest(m.tags) AS t(tag) GROUP BY t.tag
        UNION ALL
        SELECT 'difficulty', m.difficulty_rating::text, count(*) FROM m GROUP BY m.difficulty_rating
        UNION ALL
        SELECT 'palette', m.palette_id, count(*) FROM m GROUP BY m.palette_id
        """;

    private static async Task<(long, bool)> CountAsync(NpgsqlConnection connection, SearchSql plan, CancellationToken cancellationToken)
    {
        var capped = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountSql(plan), plan.Parameters, cancellationToken: cancellationToken));
        if (capped <= CountCap)
        {
            return (capped, true);
        }

        // Past the cap an exact count would read every match; the planner's estimate costs nothing.
        var explain = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            $"EXPLAIN (FORMAT JSON) {plan.Branches(keyset: false, limit: null, columns: "1")}",
            plan.Parameters, cancellationToken: cancellationToken));
        using var document = JsonDocument.Parse(explain!);
        var estimate = document.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
        return (Math.Max(CountCap + 1, (long)estimate), false);
    }

    private static async Task<SearchFacets> FacetsAsync(NpgsqlConnection connection, SearchSql plan, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string Kind, string Key, long Count)>(new CommandDefinition(FacetsSql(plan), plan.Parameters, cancellationToken: cancellationToken));
        var tags = new List<TagFacet>();
        var ratings = new List<DifficultyFacet>();
        var palettes = new List<PaletteFacet>();
        foreach (var (kind, key, count) in rows)
        {
            switch (kind)
            {
                case "tag": tags.Add(new TagFacet(key, count)); break;
                case "difficulty": ratings.Add(new DifficultyFacet(short.Parse(key, CultureInfo.InvariantCulture), count)); break;
                default: palettes.Add(new PaletteFacet(key, count)); break;
            }
        }

        return new SearchFacets(
            tags.OrderByDescending(t => t.Count).ThenBy(t => t.Tag, StringComparer.Ordinal).Take(20).ToList(),
            ratings.OrderBy(r => r.Rating).ToList(),
            palettes.OrderByDescending(p => p.Count).ThenBy(p => p.PaletteId, StringComparer.Ordinal).Take(20).ToList());
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
        PatternSort.Relevance => row.Rank ?? 0f,
        _ => throw new ArgumentOutOfRangeException(nameof(sort)),
    };

    /// <summary>The WHERE clauses and parameters of one search, and the visibility branches built from them.</summary>
    private sealed class SearchSql
    {
        private readonly PatternSearchQuery _query;
        private readonly Guid? _caller;
        private readonly string _filters;
        private readonly string _personalFilters;
        private readonly string _sortExpression;

        public DynamicParameters Parameters { get; } = new();

        public SearchSql(PatternSearchQuery query, Guid? caller)
        {
            _query = query;
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
                PatternSort.Relevance => $"ts_rank(p.search_vector, {TsQuery})",
                _ => throw new ArgumentOutOfRangeException(nameof(query)),
            };
            Parameters.Add("caller", caller, System.Data.DbType.Guid);
            _filters = BuildFilters(scalarsIndexable: true);
            _personalFilters = BuildFilters(scalarsIndexable: false);
        }

        public string OrderBy(string value, string id)
        {
            var direction = _query.Descending ? "DESC" : "ASC";
            return $"{value} {direction}, {id} {direction}";
        }

        /// <summary>UNION ALL of the visibility branches that can match, each cut at <paramref name="limit"/>.</summary>
        public string Branches(bool keyset, string? limit, string? columns = null)
        {
            var select = columns ?? $"p.id, {_sortExpression} AS sort_value";
            var keysetClause = keyset && _query.Cursor is { } cursor ? KeysetClause(cursor) : "";
            var tail = limit is null ? "" : $"ORDER BY {OrderBy(_sortExpression, "p.id")} LIMIT {limit}";
            var branches = new List<string>(3);
            if (_query.IsPublic != false)
            {
                branches.Add($"(SELECT {select} FROM patterns p WHERE p.is_public AND {_filters}{keysetClause} {tail})");
            }

            if (_caller is not null && _query.IsPublic != true)
            {
                branches.Add($"(SELECT {select} FROM patterns p WHERE p.user_id = @caller AND NOT p.is_public AND {_personalFilters}{keysetClause} {tail})");
                branches.Add($"""
                    (SELECT {select} FROM pattern_shares s JOIN patterns p ON p.id = s.pattern_id
                     WHERE s.shared_with = @caller AND (s.expires_at IS NULL OR s.expires_at > now())
                       AND NOT p.is_public AND p.user_id <> @caller AND {_personalFilters}{keysetClause} {tail})
                    """);
            }

            return branches.Count == 0
                ? $"SELECT {select} FROM patterns p WHERE false"
                : string.Join("\nUNION ALL\n", branches);
        }

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

        /// <summary>
        /// The WHERE clause. The caller's own and shared branches start from the caller's rows (an
        /// owner index, the shares), a few thousand at most; there the scalar filters are written so
        /// that the filters GIN index cannot serve them (<paramref name="scalarsIndexable"/> false),
        /// because the planner underrates a GIN range scan and would AND a bitmap of tens of
        /// thousands of rows onto the caller's few (measured: 70 ms instead of 2 at a million rows).
        /// </summary>
        private string BuildFilters(bool scalarsIndexable)
        {
            var q = _query;
            var where = new StringBuilder("p.deleted_at IS NULL");
            string Scalar(string column, string neutral) => scalarsIndexable ? column : $"({column}{neutral})";
            void Add(string clause, string name, object? value, System.Data.DbType? type = null)
            {
                where.Append(" AND ").Append(clause);
                Parameters.Add(name, value, type);
            }

            if (q.Query is { Length: > 0 } text)
            {
                Add($"p.search_vector @@ {TsQuery}", "query", text);
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

            if (q.SizeMin is { } smin)
            {
                Add($"{Scalar("p.size", " + 0")} >= @sizeMin", "sizeMin", smin);
            }

            if (q.SizeMax is { } smax)
            {
                Add($"{Scalar("p.size", " + 0")} <= @sizeMax", "sizeMax", smax);
            }

            if (q.IsAiGenerated is { } ai)
            {
                Add($"{Scalar("p.is_ai_generated", " IS TRUE")} = @isAiGenerated", "isAiGenerated", ai);
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
