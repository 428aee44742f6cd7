using Emoty.Domain.Persistence;
using Dapper;
using Emoty.Domain.Access;
using Emoty.Domain.Patterns;
using Npgsql;

namespace Emoty.Domain.Sharing;

/// <summary>"Unexpired" is always checked against now(), never left to the cleanup.</summary>
public sealed class ShareStore(NpgsqlDataSource database)
{
    private const string ShareColumns = "pattern_id, shared_with AS user_id, permission, expires_at, shared_by, created_at, updated_at, expires_at <= now() IS TRUE AS is_expired";
    private const string LinkColumns = "code, pattern_id, expires_at, created_at";

    internal Task<Share?> FindAsync(UnitOfWork work, Guid patternId, Guid userId, CancellationToken cancellationToken) =>
        work.QuerySingleOrDefaultAsync<Share>(
            $"SELECT {ShareColumns} FROM pattern_shares WHERE pattern_id = @patternId AND shared_with = @userId",
            new { patternId, userId }, cancellationToken);

    internal Task<Share> UpsertAsync(UnitOfWork work, Guid patternId, Guid userId, string permission, DateTime? expiresAt, Guid sharedBy, CancellationToken cancellationToken) =>
        work.QuerySingleAsync<Share>($"""
            INSERT INTO pattern_shares (pattern_id, shared_with, permission, expires_at, shared_by)
            VALUES (@patternId, @userId, @permission, @expiresAt, @sharedBy)
            ON CONFLICT (pattern_id, shared_with) DO UPDATE
               SET permission = excluded.permission, expires_at = excluded.expires_at, shared_by = excluded.shared_by, updated_at = now()
            RETURNING {ShareColumns}
            """, new { patternId, userId, permission, expiresAt, sharedBy }, cancellationToken);

    internal async Task<bool> DeleteAsync(UnitOfWork work, Guid patternId, Guid userId, CancellationToken cancellationToken) =>
        await work.ExecuteAsync(
            "DELETE FROM pattern_shares WHERE pattern_id = @patternId AND shared_with = @userId",
            new { patternId, userId }, cancellationToken) == 1;

    public async Task<IReadOnlyList<Share>> ListAsync(Guid patternId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Share>(new CommandDefinition(
            $"SELECT {ShareColumns} FROM pattern_shares WHERE pattern_id = @patternId ORDER BY created_at, shared_with",
            new { patternId }, cancellationToken: cancellationToken))).AsList();
    }

    internal Task<bool> UserExistsAsync(UnitOfWork work, Guid userId, CancellationToken cancellationToken) =>
        work.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM users WHERE id = @userId)", new { userId }, cancellationToken);

    internal Task<(string Code, Guid PatternId, DateTime? ExpiresAt, DateTime CreatedAt)> InsertLinkAsync(
        UnitOfWork work, string code, Guid patternId, Guid createdBy, DateTime? expiresAt, CancellationToken cancellationToken) =>
        work.QuerySingleAsync<(string, Guid, DateTime?, DateTime)>($"""
            INSERT INTO pattern_share_links (code, pattern_id, created_by, expires_at) VALUES (@code, @patternId, @createdBy, @expiresAt)
            RETURNING {LinkColumns}
            """, new { code, patternId, createdBy, expiresAt }, cancellationToken);

    public async Task<IReadOnlyList<(string Code, Guid PatternId, DateTime? ExpiresAt, DateTime CreatedAt)>> ListLinksAsync(Guid patternId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(string, Guid, DateTime?, DateTime)>(new CommandDefinition($"""
            SELECT {LinkColumns} FROM {LiveShares.Links}
            WHERE pattern_id = @patternId
            ORDER BY created_at, code
            """, new { patternId }, cancellationToken: cancellationToken))).AsList();
    }

    internal async Task<bool> RevokeLinkAsync(UnitOfWork work, Guid patternId, string code, CancellationToken cancellationToken) =>
        await work.ExecuteAsync(
            "UPDATE pattern_share_links SET revoked_at = now() WHERE code = @code AND pattern_id = @patternId AND revoked_at IS NULL",
            new { patternId, code }, cancellationToken) == 1;

    public async Task<PatternResource?> FindByLinkAsync(string code, Guid? caller, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<PatternResource>(new CommandDefinition($"""
            SELECT {PatternStore.ResourceColumns}
            FROM {LiveShares.Links} l JOIN patterns p ON p.id = l.pattern_id
            WHERE l.code = @code AND p.deleted_at IS NULL
            """, new { code, caller }, cancellationToken: cancellationToken));
    }

    public async Task<List<(PatternResource Pattern, DateTime SharedAt)>> SharedWithAsync(Guid caller, int limit, DateTime? beforeTime, Guid beforeId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PatternResource, DateTime, (PatternResource, DateTime)>(new CommandDefinition($"""
            SELECT {PatternStore.ResourceColumns}, s.created_at AS shared_at
            FROM {LiveShares.Shares} s JOIN patterns p ON p.id = s.pattern_id
            WHERE s.shared_with = @caller AND p.deleted_at IS NULL
              {(beforeTime is null ? "" : "AND (s.created_at, s.pattern_id) < (@beforeTime, @beforeId)")}
            ORDER BY s.created_at DESC, s.pattern_id DESC
            LIMIT @take
            """, new { caller, take = limit + 1, beforeTime, beforeId }, cancellationToken: cancellationToken),
            (pattern, sharedAt) => (pattern, sharedAt), splitOn: "shared_at");
        return rows.AsList();
    }

    /// <summary>In bounded batches, so no sweep holds long locks.</summary>
    public async Task<CleanupResult> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        int shares = 0, links = 0, removed;
        do
        {
            removed = await connection.ExecuteAsync(new CommandDefinition("""
                DELETE FROM pattern_shares WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM pattern_shares WHERE expires_at <= now() LIMIT 1000 FOR UPDATE SKIP LOCKED))
                """, cancellationToken: cancellationToken));
            shares += removed;
        }
        while (removed == 1000);

        do
        {
            removed = await connection.ExecuteAsync(new CommandDefinition("""
                DELETE FROM pattern_share_links WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM pattern_share_links WHERE expires_at <= now() OR revoked_at IS NOT NULL LIMIT 1000 FOR UPDATE SKIP LOCKED))
                """, cancellationToken: cancellationToken));
            links += removed;
        }
        while (removed == 1000);

        return new CleanupResult(shares, links);
    }
}
