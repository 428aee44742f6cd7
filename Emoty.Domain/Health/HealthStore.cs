using Npgsql;

namespace Emoty.Domain.Health;

/// <summary>One round trip through the app's own pool.</summary>
public sealed class HealthStore(NpgsqlDataSource database)
{
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }
}
