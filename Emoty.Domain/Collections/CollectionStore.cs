using Emoty.Domain.Persistence;
using Dapper;
using Emoty.Domain.Access;
using Emoty.Domain.Paging;
using Emoty.Domain.Patterns;
using Npgsql;

namespace Emoty.Domain.Collections;

public sealed class CollectionStore(NpgsqlDataSource database)
{
    public const int MaxDepth = 8;

    /// <summary>For a row aliased <c>c</c>, with the first four items that <c>@caller</c> may see.</summary>
    private const string Columns = $"""
        c.id, c.user_id, c.name, c.description, c.color, c.is_public, c.parent_id, c.pattern_count, c.version,
        c.created_at, c.updated_at,
        coalesce((SELECT json_agg(json_build_object('id', v.id, 'name', v.name, 'size', v.size,
                                                    'palette_id', v.palette_id, 'sequence', v.sequence) ORDER BY v.position, v.id)
                  FROM (SELECT p.id, p.name, p.size, p.palette_id, p.sequence, i.position
                        FROM pattern_collection_items i JOIN patterns p ON p.id = i.pattern_id
                        WHERE i.collection_id = c.id AND {VisibilitySql.PatternVisibleToCaller}
                        ORDER BY i.position, i.pattern_id LIMIT 4) v), '[]')::text AS preview_patterns
        """;

    internal Task<CollectionResource?> FindAsync(UnitOfWork work, Guid id, Guid? caller, CancellationToken cancellationToken, bool forUpdate = false) =>
        work.QuerySingleOrDefaultAsync<CollectionResource>(
            $"SELECT {Columns} FROM pattern_collections c WHERE c.id = @id {(forUpdate ? "FOR NO KEY UPDATE OF c" : "")}",
            new { id, caller }, cancellationToken);

    public async Task<CollectionResource?> FindAsync(Guid id, Guid? caller, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CollectionResource>(
            new CommandDefinition($"SELECT {Columns} FROM pattern_collections c WHERE c.id = @id", new { id, caller }, cancellationToken: cancellationToken));
    }

    public async Task<List<CollectionResource>> ListAsync(CollectionListQuery query, Guid? caller, CancellationToken cancellationToken)
    {
        var where = new List<string> { query.PublicOnly ? "c.is_public" : "c.user_id = @caller" };
        if (query.Text is not null)
        {
            where.Add("(c.name ILIKE @pattern ESCAPE '\\' OR c.description ILIKE @pattern ESCAPE '\\')");
        }

        if (query.RootOnly)
        {
            where.Add("c.parent_id IS NULL");
        }
        else if (query.ParentId is not null)
        {
            where.Add("c.parent_id = @parentId");
        }

        if (query.Cursor is not null)
        {
            where.Add("(c.created_at, c.id) < (@cursorTime, @cursorId)");
        }

        var sql = $"""
            SELECT {Columns} FROM pattern_collections c
            WHERE {string.Join(" AND ", where)}
            ORDER BY c.created_at DESC, c.id DESC
            LIMIT @take
            """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CollectionResource>(new CommandDefinition(sql, new
        {
            caller,
            pattern = query.Text is null ? null : "%" + EscapeLike(query.Text) + "%",
            parentId = query.ParentId,
            cursorTime = query.Cursor is { } c ? new DateTime(c.Key, DateTimeKind.Utc) : default,
            cursorId = query.Cursor?.Id ?? Guid.Empty,
            take = query.Limit + 1,
        }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<List<PatternResource>> PatternsAsync(Guid collectionId, Guid? caller, int limit, PageCursor? after, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT {PatternStore.ResourceColumns}, i.position
            FROM pattern_collection_items i JOIN patterns p ON p.id = i.pattern_id
            WHERE i.collection_id = @collectionId AND {VisibilitySql.PatternVisibleToCaller}
              {(after is null ? "" : "AND (i.position, i.pattern_id) > (@position, @afterId)")}
            ORDER BY i.position, i.pattern_id
            LIMIT @take
            """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PatternResource>(new CommandDefinition(sql, new
        {
            collectionId, caller, take = limit + 1,
            position = (int)(after?.Key ?? 0), afterId = after?.Id ?? Guid.Empty,
        }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    internal Task<CollectionResource> InsertAsync(UnitOfWork work, Guid owner, CollectionInput input, CancellationToken cancellationToken) =>
        work.QuerySingleAsync<CollectionResource>($"""
            INSERT INTO pattern_collections AS c (user_id, name, description, color, is_public, parent_id)
            VALUES (@caller, @name, @description, @color, @isPublic, @parentId)
            RETURNING {Columns}
            """, new
            {
                caller = owner, name = input.Name.Value, description = input.Description.Or(null), color = input.Color.Or(null),
                isPublic = input.IsPublic.Or(false), parentId = input.ParentId.Or(null),
            }, cancellationToken);

    internal Task<CollectionResource> UpdateAsync(UnitOfWork work, CollectionResource current, CollectionInput input, CancellationToken cancellationToken) =>
        work.QuerySingleAsync<CollectionResource>($"""
            UPDATE pattern_collections AS c
               SET name = @name, description = @description, color = @color, is_public = @isPublic, parent_id = @parentId,
                   version = c.version + 1, updated_at = now()
             WHERE c.id = @id
            RETURNING {Columns}
            """, new
            {
                id = current.Id, caller = current.UserId, name = input.Name.Or(current.Name), description = input.Description.Or(current.Description),
                color = input.Color.Or(current.Color), isPublic = input.IsPublic.Or(current.IsPublic), parentId = input.ParentId.Or(current.ParentId),
            }, cancellationToken);

    /// <summary>Changed items make a new version too: the ETag must change.</summary>
    internal Task<CollectionResource> TouchAsync(UnitOfWork work, Guid id, Guid caller, CancellationToken cancellationToken) =>
        work.QuerySingleAsync<CollectionResource>($"""
            UPDATE pattern_collections AS c SET version = c.version + 1, updated_at = now() WHERE c.id = @id RETURNING {Columns}
            """, new { id, caller }, cancellationToken);

    internal Task DeleteAsync(UnitOfWork work, Guid id, CancellationToken cancellationToken) =>
        work.ExecuteAsync("DELETE FROM pattern_collections WHERE id = @id", new { id }, cancellationToken);

    /// <summary>So that two concurrent moves cannot make a cycle that neither saw on its own.</summary>
    internal Task LockTreeAsync(UnitOfWork work, Guid owner, CancellationToken cancellationToken) =>
        work.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtextextended('emoty.collections:' || @owner::text, 0))",
            new { owner }, cancellationToken);

    /// <summary>Depth 1 is the top level.</summary>
    internal Task<(int Depth, bool ContainsSelf, bool OwnedByCaller)> AncestryAsync(
        UnitOfWork work, Guid parent, Guid? self, Guid owner, CancellationToken cancellationToken) =>
        work.QuerySingleAsync<(int, bool, bool)>($"""
            WITH RECURSIVE up AS (
                SELECT id, parent_id, user_id, 1 AS depth FROM pattern_collections WHERE id = @parent
                UNION ALL
                SELECT c.id, c.parent_id, c.user_id, up.depth + 1 FROM pattern_collections c JOIN up ON c.id = up.parent_id
                WHERE up.depth <= {MaxDepth + 1}
            )
            SELECT coalesce(max(depth), 0), coalesce(bool_or(id = @self), false),
                   coalesce((SELECT user_id = @owner FROM pattern_collections WHERE id = @parent), false)
            FROM up
            """, new { parent, self, owner }, cancellationToken);

    /// <summary>1 means no sub-folders.</summary>
    internal Task<int> HeightAsync(UnitOfWork work, Guid root, CancellationToken cancellationToken) =>
        work.ExecuteScalarAsync<int>($"""
            WITH RECURSIVE down AS (
                SELECT id, 1 AS height FROM pattern_collections WHERE id = @root
                UNION ALL
                SELECT c.id, down.height + 1 FROM pattern_collections c JOIN down ON c.parent_id = down.id
                WHERE down.height <= {MaxDepth + 1}
            )
            SELECT coalesce(max(height), 1) FROM down
            """, new { root }, cancellationToken);

    /// <summary>Only patterns the caller may see and that are not in yet.</summary>
    internal async Task<List<Guid>> AddPatternsAsync(UnitOfWork work, Guid collectionId, Guid caller, IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        var added = await work.QueryAsync<Guid>($"""
            WITH wanted AS (
                SELECT DISTINCT ON (w.id) w.id, w.ord FROM unnest(@ids) WITH ORDINALITY AS w(id, ord) ORDER BY w.id, w.ord
            ), addable AS (
                SELECT w.id, w.ord FROM wanted w JOIN patterns p ON p.id = w.id
                WHERE {VisibilitySql.PatternVisibleToCaller}
                  AND NOT EXISTS (SELECT 1 FROM pattern_collection_items e WHERE e.collection_id = @collectionId AND e.pattern_id = w.id)
            ), top AS (
                SELECT coalesce(max(position), -1) AS position FROM pattern_collection_items WHERE collection_id = @collectionId
            )
            INSERT INTO pattern_collection_items (collection_id, pattern_id, position, added_by)
            SELECT @collectionId, a.id, top.position + row_number() OVER (ORDER BY a.ord), @caller FROM addable a, top
            ON CONFLICT DO NOTHING
            RETURNING pattern_id
            """, new { collectionId, caller, ids = ids.ToArray() }, cancellationToken);
        return added.AsList();
    }

    internal async Task<bool> RemovePatternAsync(UnitOfWork work, Guid collectionId, Guid patternId, CancellationToken cancellationToken) =>
        await work.ExecuteAsync(
            "DELETE FROM pattern_collection_items WHERE collection_id = @collectionId AND pattern_id = @patternId",
            new { collectionId, patternId }, cancellationToken) == 1;

    internal async Task<List<Guid>> NotItemsAsync(UnitOfWork work, Guid collectionId, IReadOnlyList<Guid> ids, CancellationToken cancellationToken) =>
        (await work.QueryAsync<Guid>("""
            SELECT w.id FROM unnest(@ids) AS w(id)
            WHERE NOT EXISTS (SELECT 1 FROM pattern_collection_items i WHERE i.collection_id = @collectionId AND i.pattern_id = w.id)
            """, new { collectionId, ids = ids.ToArray() }, cancellationToken)).AsList();

    /// <summary>Items not listed follow the listed ones, in their old order.</summary>
    internal Task ReorderAsync(UnitOfWork work, Guid collectionId, IReadOnlyList<Guid> ids, CancellationToken cancellationToken) =>
        work.ExecuteAsync("""
            WITH given AS (SELECT g.id, g.ord FROM unnest(@ids) WITH ORDINALITY AS g(id, ord)),
            ranked AS (
                SELECT i.pattern_id, row_number() OVER (ORDER BY g.ord NULLS LAST, i.position, i.pattern_id) - 1 AS position
                FROM pattern_collection_items i LEFT JOIN given g ON g.id = i.pattern_id
                WHERE i.collection_id = @collectionId
            )
            UPDATE pattern_collection_items i SET position = r.position
            FROM ranked r
            WHERE i.collection_id = @collectionId AND i.pattern_id = r.pattern_id AND i.position <> r.position
            """, new { collectionId, ids = ids.ToArray() }, cancellationToken);

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}

public sealed record CollectionListQuery(bool PublicOnly, string? Text, Guid? ParentId, bool RootOnly, int Limit, PageCursor? Cursor);
