using Emoty.Domain.Persistence;
using Dapper;
using Npgsql;

namespace Emoty.Domain.Patterns;

/// <summary>Every read of a pattern also returns the caller's share and favourite, so <see cref="Access.AccessPolicy"/> decides without a second query.</summary>
public sealed class PatternStore(NpgsqlDataSource database)
{
    /// <summary>For a row aliased <c>p</c>; the caller is <c>@caller</c> (null = anonymous).</summary>
    internal const string ResourceColumns = $"""
        p.id, p.user_id, p.name, p.description, p.sequence::text AS sequence, p.palette_id, p.size, p.tags,
        p.difficulty_rating, p.complexity_score, p.estimated_time_minutes, p.is_public, p.is_ai_generated,
        p.generation_prompt, p.parent_pattern_id, p.version, p.view_count, p.like_count, p.share_count,
        p.download_count, p.created_at, p.updated_at, p.deleted_at,
        (SELECT s.permission FROM {Access.LiveShares.Shares} s WHERE s.pattern_id = p.id AND s.shared_with = @caller) AS share_permission,
        (@caller IS NOT NULL AND EXISTS (SELECT 1 FROM pattern_favorites f WHERE f.pattern_id = p.id AND f.user_id = @caller)) AS is_favorited,
        '' AS permission
        """;

    /// <summary>The column's default.</summary>
    internal const int FirstVersion = 1;

    public async Task<PatternResource?> FindAsync(Guid id, Guid? caller, CancellationToken cancellationToken, bool includeDeleted = false)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<PatternResource>(
            new CommandDefinition(FindSql(includeDeleted, forUpdate: false), new { id, caller }, cancellationToken: cancellationToken));
    }

    /// <summary>As nobody in particular sees it, with up to <paramref name="maxShares"/> of its live shares, in one round trip.</summary>
    public async Task<CachedPattern?> FindForCacheAsync(Guid id, int maxShares, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT {ResourceColumns} FROM patterns p WHERE p.id = @id AND p.deleted_at IS NULL;
            SELECT shared_with AS user_id, permission, expires_at IS NOT NULL AS expires FROM {Access.LiveShares.Shares}
            WHERE pattern_id = @id
            ORDER BY shared_with LIMIT @take;
            """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            sql, new { id, caller = (Guid?)null, take = maxShares + 1 }, cancellationToken: cancellationToken));
        var pattern = await results.ReadSingleOrDefaultAsync<PatternResource>();
        if (pattern is null)
        {
            return null;
        }

        var shares = (await results.ReadAsync<CachedShare>()).ToArray();
        return shares.Length > maxShares ? new CachedPattern(pattern, shares[..maxShares], false) : new CachedPattern(pattern, shares, true);
    }

    public async Task<bool> IsFavoritedAsync(Guid user, Guid pattern, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM pattern_favorites WHERE user_id = @user AND pattern_id = @pattern)",
            new { user, pattern }, cancellationToken: cancellationToken));
    }

    internal Task<PatternResource?> FindAsync(
        UnitOfWork work, Guid id, Guid? caller, CancellationToken cancellationToken, bool includeDeleted = false, bool forUpdate = false) =>
        work.QuerySingleOrDefaultAsync<PatternResource>(FindSql(includeDeleted, forUpdate), new { id, caller }, cancellationToken);

    private static string FindSql(bool includeDeleted, bool forUpdate) => $"""
        SELECT {ResourceColumns}
        FROM patterns p
        WHERE p.id = @id {(includeDeleted ? "" : "AND p.deleted_at IS NULL")}
        {(forUpdate ? "FOR NO KEY UPDATE OF p" : "")}
        """;

    internal async Task<bool> SoftDeleteAsync(UnitOfWork work, Guid id, Guid by, CancellationToken cancellationToken) =>
        await work.ExecuteAsync(
            "UPDATE patterns SET deleted_at = now(), deleted_by = @by WHERE id = @id AND deleted_at IS NULL",
            new { id, by }, cancellationToken) == 1;

    internal Task RestoreAsync(UnitOfWork work, Guid id, CancellationToken cancellationToken) =>
        work.ExecuteAsync(
            "UPDATE patterns SET deleted_at = NULL, deleted_by = NULL WHERE id = @id",
            new { id }, cancellationToken);

    /// <summary>Keeps like_count equal to the number of favourites. Setting what is set (or clearing what is clear) changes nothing, so a retry is harmless.</summary>
    internal async Task<(bool IsFavorited, long LikeCount)?> ChangeFavoriteAsync(
        UnitOfWork work, Guid patternId, Guid userId, FavoriteChange change, Func<PatternResource, bool> mayRead, CancellationToken cancellationToken)
    {
        var pattern = await FindAsync(work, patternId, userId, cancellationToken, forUpdate: true);
        if (pattern is null || !mayRead(pattern))
        {
            return null;
        }

        // The row lock queues concurrent changes of one pattern; under READ COMMITTED each statement below has a
        // fresh snapshot, so it sees what the transactions that held the lock before it committed (the read above may not have).
        var sql = change switch
        {
            FavoriteChange.Set => """
                WITH added AS (
                    INSERT INTO pattern_favorites (user_id, pattern_id) VALUES (@userId, @patternId) ON CONFLICT DO NOTHING RETURNING 1
                ), counted AS (
                    UPDATE patterns SET like_count = like_count + 1 WHERE id = @patternId AND EXISTS (SELECT 1 FROM added) RETURNING like_count
                )
                SELECT true AS is_favorited, coalesce((SELECT like_count FROM counted), (SELECT like_count FROM patterns WHERE id = @patternId))
                """,
            FavoriteChange.Clear => """
                WITH removed AS (
                    DELETE FROM pattern_favorites WHERE user_id = @userId AND pattern_id = @patternId RETURNING 1
                ), counted AS (
                    UPDATE patterns SET like_count = like_count - 1 WHERE id = @patternId AND EXISTS (SELECT 1 FROM removed) RETURNING like_count
                )
                SELECT false AS is_favorited, coalesce((SELECT like_count FROM counted), (SELECT like_count FROM patterns WHERE id = @patternId))
                """,
            _ => """
                WITH removed AS (
                    DELETE FROM pattern_favorites WHERE user_id = @userId AND pattern_id = @patternId RETURNING 1
                ), added AS (
                    INSERT INTO pattern_favorites (user_id, pattern_id)
                    SELECT @userId, @patternId WHERE NOT EXISTS (SELECT 1 FROM removed)
                    ON CONFLICT DO NOTHING
                    RETURNING 1
                )
                UPDATE patterns SET like_count = like_count + (SELECT count(*) FROM added) - (SELECT count(*) FROM removed)
                WHERE id = @patternId
                RETURNING EXISTS (SELECT 1 FROM added) AS is_favorited, like_count
                """,
        };
        return await work.QuerySingleAsync<(bool, long)>(sql, new { patternId, userId }, cancellationToken);
    }

    /// <summary>Each page is its own statement on the owner index, so an export holds no transaction open however long it runs.</summary>
    public async Task<IReadOnlyList<PatternResource>> OwnPageAsync(
        Guid owner, DateTime? afterCreated, Guid afterId, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PatternResource>(new CommandDefinition($"""
            SELECT {ResourceColumns} FROM patterns p
            WHERE p.user_id = @caller AND p.deleted_at IS NULL
              {(afterCreated is null ? "" : "AND (p.created_at, p.id) > (@afterCreated, @afterId)")}
            ORDER BY p.created_at, p.id
            LIMIT @take
            """, new { caller = owner, afterCreated, afterId, take }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<PatternVersion>> ListVersionsAsync(Guid patternId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PatternVersion>(new CommandDefinition($"""
            SELECT {VersionColumns} FROM pattern_versions WHERE pattern_id = @patternId ORDER BY version DESC
            """, new { patternId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    internal Task<PatternVersion?> FindVersionAsync(UnitOfWork work, Guid patternId, int version, CancellationToken cancellationToken) =>
        work.QuerySingleOrDefaultAsync<PatternVersion>($"""
            SELECT {VersionColumns} FROM pattern_versions WHERE pattern_id = @patternId AND version = @version
            """, new { patternId, version }, cancellationToken);

    private const string VersionColumns = """
        pattern_id, version, name, description, sequence::text AS sequence, palette_id, size, tags, difficulty_rating,
        complexity_score, estimated_time_minutes, is_public, is_ai_generated, generation_prompt, changed_by, created_at
        """;

    /// <summary>Before the row is replaced by version + 1.</summary>
    internal Task SnapshotAsync(UnitOfWork work, Guid id, Guid changedBy, CancellationToken cancellationToken) =>
        SnapshotManyAsync(work, [id], changedBy, cancellationToken);

    /// <inheritdoc cref="SnapshotAsync"/>
    internal Task SnapshotManyAsync(UnitOfWork work, Guid[] ids, Guid changedBy, CancellationToken cancellationToken) =>
        work.ExecuteAsync("""
            INSERT INTO pattern_versions (pattern_id, version, name, description, sequence, palette_id, size, tags,
                difficulty_rating, complexity_score, estimated_time_minutes, is_public, is_ai_generated, generation_prompt, changed_by, created_at)
            SELECT id, version, name, description, sequence, palette_id, size, tags,
                difficulty_rating, complexity_score, estimated_time_minutes, is_public, is_ai_generated, generation_prompt, @changedBy, updated_at
            FROM patterns WHERE id = ANY(@ids)
            ON CONFLICT (pattern_id, version) DO NOTHING
            """, new { ids, changedBy }, cancellationToken);

    /// <summary>Locked in id order, so two such transactions cannot deadlock.</summary>
    internal async Task<List<PatternResource>> FindManyForUpdateAsync(
        UnitOfWork work, Guid[] ids, Guid caller, CancellationToken cancellationToken) =>
        (await work.QueryAsync<PatternResource>($"""
            SELECT {ResourceColumns} FROM patterns p
            WHERE p.id = ANY(@ids) AND p.deleted_at IS NULL
            ORDER BY p.id
            FOR NO KEY UPDATE OF p
            """, new { ids, caller }, cancellationToken)).AsList();

    internal Task<PatternResource> InsertAsync(UnitOfWork work, Guid owner, PatternDraft draft, CancellationToken cancellationToken) =>
        work.QuerySingleAsync<PatternResource>($"""
            INSERT INTO patterns AS p (user_id, name, description, sequence, palette_id, size, tags, difficulty_rating,
                complexity_score, estimated_time_minutes, is_public, is_ai_generated, generation_prompt, parent_pattern_id)
            VALUES (@caller, @Name, @Description, @Sequence::jsonb, @PaletteId, @Size, @Tags, @DifficultyRating,
                @ComplexityScore, @EstimatedMinutes, @IsPublic, @IsAiGenerated, @GenerationPrompt, @ParentPatternId)
            RETURNING {ResourceColumns}
            """, ContentParameters(owner, draft), cancellationToken);

    /// <summary>One statement (so no parent): each row costs its indexes, not a statement and a round trip of its own.</summary>
    internal Task InsertManyAsync(
        UnitOfWork work, Guid owner, IReadOnlyList<(Guid Id, PatternDraft Draft)> patterns, CancellationToken cancellationToken)
    {
        var rows = DraftRows(patterns);
        return work.ExecuteAsync($"""
            INSERT INTO patterns (id, user_id, name, description, sequence, palette_id, size, tags, difficulty_rating,
                complexity_score, estimated_time_minutes, is_public, is_ai_generated, generation_prompt)
            SELECT r.id, @owner, r.name, r.description, r.sequence, r.palette_id, r.size, r.tags, r.difficulty_rating,
                r.complexity_score, r.estimated_time_minutes, r.is_public, r.is_ai_generated, r.generation_prompt
            FROM jsonb_to_recordset(@rows::jsonb) AS r({DraftRowColumns})
            """, new { owner, rows }, cancellationToken);
    }

    /// <summary>As <see cref="UpdateContentAsync"/>, in one statement.</summary>
    internal async Task<Dictionary<Guid, int>> UpdateContentManyAsync(
        UnitOfWork work, IReadOnlyList<(Guid Id, PatternDraft Draft)> patterns, CancellationToken cancellationToken)
    {
        var rows = DraftRows(patterns);
        var versions = await work.QueryAsync<(Guid Id, int Version)>($"""
            UPDATE patterns AS p
               SET name = r.name, description = r.description, sequence = r.sequence, palette_id = r.palette_id,
                   size = r.size, tags = r.tags, difficulty_rating = r.difficulty_rating, complexity_score = r.complexity_score,
                   estimated_time_minutes = r.estimated_time_minutes, is_public = r.is_public, is_ai_generated = r.is_ai_generated,
                   generation_prompt = r.generation_prompt, parent_pattern_id = r.parent_pattern_id,
                   version = p.version + 1, updated_at = now()
              FROM jsonb_to_recordset(@rows::jsonb) AS r({DraftRowColumns})
             WHERE p.id = r.id
            RETURNING p.id, p.version
            """, new { rows }, cancellationToken);
        return versions.ToDictionary(v => v.Id, v => v.Version);
    }

    private const string DraftRowColumns = """
        id uuid, name text, description text, sequence jsonb, palette_id text, size integer, tags text[], difficulty_rating smallint,
        complexity_score numeric, estimated_time_minutes integer, is_public boolean, is_ai_generated boolean, generation_prompt text, parent_pattern_id uuid
        """;

    private static string DraftRows(IReadOnlyList<(Guid Id, PatternDraft Draft)> patterns)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512 * patterns.Count);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var (id, draft) in patterns)
            {
                json.WriteStartObject();
                json.WriteString("id", id);
                json.WriteString("name", draft.Name);
                json.WriteString("description", draft.Description);
                json.WritePropertyName("sequence");
                json.WriteRawValue(draft.ToSequenceJson(), skipInputValidation: true);
                json.WriteString("palette_id", draft.PaletteId);
                json.WriteNumber("size", draft.Size);
                json.WriteStartArray("tags");
                foreach (var tag in draft.Tags)
                {
                    json.WriteStringValue(tag);
                }

                json.WriteEndArray();
                json.WriteNumber("difficulty_rating", draft.DifficultyRating);
                json.WriteNumber("complexity_score", draft.ComplexityScore);
                json.WriteNumber("estimated_time_minutes", draft.EstimatedMinutes);
                json.WriteBoolean("is_public", draft.IsPublic);
                json.WriteBoolean("is_ai_generated", draft.IsAiGenerated);
                json.WriteString("generation_prompt", draft.GenerationPrompt);
                if (draft.ParentPatternId is { } parent)
                {
                    json.WriteString("parent_pattern_id", parent);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The caller holds the row lock.</summary>
    internal Task<PatternResource> UpdateContentAsync(UnitOfWork work, Guid id, Guid caller, PatternDraft draft, CancellationToken cancellationToken)
    {
        var parameters = ContentParameters(caller, draft);
        parameters.Add("id", id);
        return work.QuerySingleAsync<PatternResource>($"""
            UPDATE patterns AS p
               SET name = @Name, description = @Description, sequence = @Sequence::jsonb, palette_id = @PaletteId,
                   size = @Size, tags = @Tags, difficulty_rating = @DifficultyRating, complexity_score = @ComplexityScore,
                   estimated_time_minutes = @EstimatedMinutes, is_public = @IsPublic, is_ai_generated = @IsAiGenerated,
                   generation_prompt = @GenerationPrompt, parent_pattern_id = @ParentPatternId,
                   version = p.version + 1, updated_at = now()
             WHERE p.id = @id
            RETURNING {ResourceColumns}
            """, parameters, cancellationToken);
    }

    private static DynamicParameters ContentParameters(Guid caller, PatternDraft draft)
    {
        var parameters = new DynamicParameters();
        parameters.Add("caller", caller);
        parameters.Add("Name", draft.Name);
        parameters.Add("Description", draft.Description);
        parameters.Add("Sequence", draft.ToSequenceJson());
        parameters.Add("PaletteId", draft.PaletteId);
        parameters.Add("Size", draft.Size);
        parameters.Add("Tags", draft.Tags.ToArray());
        parameters.Add("DifficultyRating", (short)draft.DifficultyRating);
        parameters.Add("ComplexityScore", draft.ComplexityScore);
        parameters.Add("EstimatedMinutes", draft.EstimatedMinutes);
        parameters.Add("IsPublic", draft.IsPublic);
        parameters.Add("IsAiGenerated", draft.IsAiGenerated);
        parameters.Add("GenerationPrompt", draft.GenerationPrompt);
        parameters.Add("ParentPatternId", draft.ParentPatternId, System.Data.DbType.Guid);
        return parameters;
    }
}

/// <summary>POST toggles; PUT sets and DELETE clears, both safe to retry.</summary>
public enum FavoriteChange
{
    Toggle,
    Set,
    Clear,
}
