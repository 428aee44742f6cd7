using Dapper;
using Npgsql;

namespace Emoty.Domain.Users;

public sealed class UserStore(NpgsqlDataSource database)
{
    private const string Columns = "id, email, username, full_name AS FullName, avatar_url AS AvatarUrl, user_level AS UserLevel, created_at AS CreatedAt, updated_at AS UpdatedAt, last_seen_at AS LastSeenAt";

    /// <summary>Writes only when email or name changed or the row was last seen over 10 minutes ago, so a busy user costs a write per 10 minutes.</summary>
    public async Task UpsertAsync(Guid id, string? email, string? fullName, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO users (id, email, full_name) VALUES (@id, @email, @fullName)
            ON CONFLICT (id) DO UPDATE
               SET email = coalesce(excluded.email, users.email),
                   full_name = coalesce(excluded.full_name, users.full_name),
                   last_seen_at = now()
             WHERE users.email IS DISTINCT FROM coalesce(excluded.email, users.email)
                OR users.full_name IS DISTINCT FROM coalesce(excluded.full_name, users.full_name)
                OR users.last_seen_at < now() - interval '10 minutes'
            """;
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(sql, new { id, email, fullName }, cancellationToken: cancellationToken));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && email is not null)
        {
            // Another account already holds this email (the identity provider changed hands, say):
            // the user still gets their row, without the email.
            await UpsertAsync(id, null, fullName, cancellationToken);
        }
    }

    public async Task<User?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<User>(
            new CommandDefinition($"SELECT {Columns} FROM users WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(
            new CommandDefinition("SELECT EXISTS (SELECT 1 FROM users WHERE id = @id)", new { id }, cancellationToken: cancellationToken));
    }
}
