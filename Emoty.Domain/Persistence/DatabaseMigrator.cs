using DbUp;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Emoty.Domain.Persistence;

/// <summary>The same runner serves tests, the local run command and deployment.</summary>
public static class DatabaseMigrator
{
    // Any constant works; it only has to be the same for every process that migrates this database.
    private const long AdvisoryLockKey = 0x456d6f7479_4d6967; // "Emoty" "Mig"

    public static IReadOnlyList<string> ScriptNames { get; } = typeof(DatabaseMigrator).Assembly
        .GetManifestResourceNames()
        .Where(IsMigration)
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Returns the scripts applied by this call.</summary>
    public static IReadOnlyList<string> Migrate(string connectionString, ILogger logger)
    {
        // Two instances starting together must not both run a script: the second waits here and then
        // finds nothing left to do. The lock is session-scoped, so it is released if this process dies.
        using var lockConnection = new NpgsqlConnection(connectionString);
        lockConnection.Open();
        using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", lockConnection))
        {
            take.Parameters.AddWithValue("key", AdvisoryLockKey);
            take.ExecuteNonQuery();
        }

        try
        {
            var upgrader = DeployChanges.To
                .PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, IsMigration)
                .WithTransactionPerScript()
                // Scripts use PostgreSQL dollar quoting; DbUp's $variable$ substitution would mangle it.
                .WithVariablesDisabled()
                .JournalToPostgresqlTable("public", "schema_migrations")
                .LogTo(new UpgradeLog(logger))
                .Build();

            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException(
                    $"Migration {result.ErrorScript?.Name ?? "?"} failed: {result.Error?.Message}", result.Error);
            }

            return result.Scripts.Select(s => s.Name).ToArray();
        }
        finally
        {
            using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", lockConnection);
            release.Parameters.AddWithValue("key", AdvisoryLockKey);
            release.ExecuteNonQuery();
        }
    }

    private static bool IsMigration(string resourceName) =>
        resourceName.Contains(".Persistence.Migrations.", StringComparison.Ordinal)
        && resourceName.EndsWith(".sql", StringComparison.Ordinal);

    private sealed class UpgradeLog(ILogger logger) : IUpgradeLog
    {
#pragma warning disable CA2254 // DbUp hands us its own format strings
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);
        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogInformation(string format, params object[] args) => logger.LogInformation(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
#pragma warning restore CA2254
    }
}
