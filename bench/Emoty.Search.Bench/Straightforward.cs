using System.Text;
using Dapper;
using Emoty.Domain.Patterns;
using Npgsql;

namespace Emoty.Search.Bench;

/// <summary>
/// The straightforward design of the same search, as one would first write it: one statement over
/// the patterns table with visibility as an OR, the GIN match and the filters, ordered by the sort
/// key (or ts_rank) and cut by LIMIT; keyset paging by (sort, id); the total an exact count; facets
/// grouped over every match. It runs on the same database and indexes as the project.
/// </summary>
public static class Straightforward
{
    private const string Columns = """
        p.id, p.user_id, p.name, p.description, p.sequence::text AS sequence, p.palette_id, p.size, p.tags,
        p.difficulty_rating, p.complexity_score, p.estimated_time_minutes, p.is_public, p.is_ai_generated,
        p.generation_prompt, p.parent_pattern_id, p.version, p.view_count, p.like_count, p.share_count,
        p.download_count, p.created_at, p.updated_at
        """;

    /// <summary>Runs the search; returns the next page's cursor position, or null on the last page.</summary>
    public static async Task<(object Value, Guid Id)?> SearchAsync(NpgsqlConnection connection, PatternSearchQuery query, Guid? caller, (object Value, Guid Id)? after = null)
    {
        var parameters = new DynamicParameters();
        var where = Where(query, caller, parameters);
        var sort = SortExpression(query.Sort);
        var direction = query.Descending ? "DESC" : "ASC";
        if (after is { } cursor)
        {
            parameters.Add("cursorValue", cursor.Value is DateTimeOffset t ? t.UtcDateTime : cursor.Value);
            parameters.Add("cursorId", cursor.Id);
            var value = query.Sort == PatternSort.Name ? "(@cursorValue COLLATE \"C\")" : "@cursorValue";
            where += $" AND ({sort}, p.id) {(query.Descending ? "<" : ">")} ({value}, @cursorId)";
        }

        parameters.Add("take", query.Limit + 1);
        parameters.Add("offset", query.Offset ?? 0);
        var rows = (await connection.QueryAsync($"""
            SELECT {Columns}, {sort} AS sort_value FROM patterns p WHERE {where}
            ORDER BY {sort} {direction}, p.id {direction} LIMIT @take OFFSET @offset
            """, parameters)).ToList();
        if (query.IncludeTotal)
        {
            await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM patterns p WHERE {where}", parameters);
        }

        if (query.IncludeFacets)
        {
            await connection.QueryAsync($"""
                SELECT 'tag', t.tag, count(*) FROM patterns p, unnest(p.tags) t(tag) WHERE {where} GROUP BY t.tag ORDER BY 3 DESC LIMIT 20;
                SELECT 'difficulty', p.difficulty_rating::text, count(*) FROM patterns p WHERE {where} GROUP BY 2;
                SELECT 'palette', p.palette_id, count(*) FROM patterns p WHERE {where} GROUP BY 2 ORDER BY 3 DESC LIMIT 20
                """, parameters);
        }

        if (rows.Count <= query.Limit)
        {
            return null;
        }

        var last = (IDictionary<string, object>)rows[query.Limit - 1];
        return (last["sort_value"], (Guid)last["id"]);
    }

    private static string SortExpression(PatternSort sort) => sort switch
    {
        PatternSort.Relevance => "ts_rank(p.search_vector, websearch_to_tsquery('english', @query))",
        PatternSort.Name => "(p.name COLLATE \"C\")",
        _ => "p." + PatternSearchQuery.SortName(sort),
    };

    private static string Where(PatternSearchQuery q, Guid? caller, DynamicParameters parameters)
    {
        var where = new StringBuilder("p.deleted_at IS NULL");
        void Add(string clause, string name, object? value)
        {
            where.Append(" AND ").Append(clause);
            parameters.Add(name, value);
        }

        parameters.Add("caller", caller);
        const string Shared = "EXISTS (SELECT 1 FROM pattern_shares s WHERE s.pattern_id = p.id AND s.shared_with = @caller AND (s.expires_at IS NULL OR s.expires_at > now()))";
        where.Append(caller is null || q.IsPublic == true
            ? " AND p.is_public"
            : q.IsPublic == false
                ? $" AND NOT p.is_public AND (p.user_id = @caller OR {Shared})"
                : $" AND (p.is_public OR p.user_id = @caller OR {Shared})");
        parameters.Add("query", q.Query ?? "");
        if (q.Query is not null)
        {
            where.Append(" AND p.search_vector @@ websearch_to_tsquery('english', @query)");
        }

        if (q.Tags.Count > 0) Add("p.tags @> @tags", "tags", q.Tags.ToArray());
        if (q.AnyTags.Count > 0) Add("p.tags && @anyTags", "anyTags", q.AnyTags.ToArray());
        if (q.UserId is { } user) Add("p.user_id = @userId", "userId", user);
        if (q.ParentPatternId is { } parent) Add("p.parent_pattern_id = @parent", "parent", parent);
        if (q.PaletteId is { } palette) Add("p.palette_id = @palette", "palette", palette);
        if (q.DifficultyMin is { } dmin) Add("p.difficulty_rating >= @dmin", "dmin", (short)dmin);
        if (q.DifficultyMax is { } dmax) Add("p.difficulty_rating <= @dmax", "dmax", (short)dmax);
        if (q.ComplexityMin is { } cmin) Add("p.complexity_score >= @cmin", "cmin", cmin);
        if (q.ComplexityMax is { } cmax) Add("p.complexity_score <= @cmax", "cmax", cmax);
        if (q.SizeMin is { } smin) Add("p.size >= @smin", "smin", smin);
        if (q.SizeMax is { } smax) Add("p.size <= @smax", "smax", smax);
        if (q.IsAiGenerated is { } ai) Add("p.is_ai_generated = @ai", "ai", ai);
        if (q.CreatedAfter is { } after) Add("p.created_at > @after", "after", after.UtcDateTime);
        if (q.CreatedBefore is { } before) Add("p.created_at < @before", "before", before.UtcDateTime);
        if (q.FavoritedByMe is { } favorited)
        {
            where.Append(favorited ? " AND " : " AND NOT ")
                .Append("EXISTS (SELECT 1 FROM pattern_favorites f WHERE f.user_id = @caller AND f.pattern_id = p.id)");
        }

        return where.ToString();
    }
}
