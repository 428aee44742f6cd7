using Dapper;
using Npgsql;

namespace Emoty.Domain.Patterns;

/// <summary>
/// The shares of words and tags among patterns that search decides its walks by (<c>emoty_element_share</c>, migration 0023): a copy of
/// what ANALYZE last measured, so it is as fresh as the last refresh after autovacuum's last ANALYZE of the patterns.
/// </summary>
public sealed class SearchStatistics(NpgsqlDataSource database)
{
    /// <summary>Readers keep the old shares while it runs; two instances refreshing at once take turns.</summary>
    public const string RefreshSql = "REFRESH MATERIALIZED VIEW CONCURRENTLY search_element_shares";

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(RefreshSql, commandTimeout: 120, cancellationToken: cancellationToken));
    }
}
