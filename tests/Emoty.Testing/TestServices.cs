using System.Diagnostics;
using Emoty.Domain.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Emoty.Testing;

/// <summary>
/// The PostgreSQL, Redis and Azurite of this test run. <c>infra/local/test.sh</c> starts one private
/// instance of each on free ports and passes them in EMOTY_TEST_*; a developer running
/// <c>dotnet test</c> directly gets a reusable instance under .local/test-dev started on demand.
/// Tests never share a database: each fixture gets a fresh one cloned from a migrated template.
/// </summary>
public static class TestServices
{
    private const string TemplateDatabase = "emoty_test_template";
    private const long TemplateLockKey = 0x456d6f74795f5454;
    private static readonly Lazy<Task<Endpoints>> Services = new(StartAsync);
    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static bool _templateReady;

    public sealed record Endpoints(string Postgres, string Redis, string Storage);

    public static async Task<string> StorageConnectionStringAsync() => (await Services.Value).Storage;

    public static async Task<string> RedisAsync() => (await Services.Value).Redis;

    /// <summary>The server's maintenance database, as the application role (which may create databases).</summary>
    public static async Task<string> PostgresAdminConnectionStringAsync() =>
        new NpgsqlConnectionStringBuilder((await Services.Value).Postgres) { Database = "postgres" }.ConnectionString;

    /// <summary>A new, fully migrated database of its own; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string purpose = "t")
    {
        var admin = await PostgresAdminConnectionStringAsync();
        // At most 6 + 16 + 1 + 32 = 55 characters, inside PostgreSQL's 63.
        var name = $"emoty_{Sanitize(purpose)}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await WithTemplateLockAsync(connection, async () =>
        {
            await EnsureTemplateAsync(admin, connection);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE {TemplateDatabase}", connection);
            await create.ExecuteNonQueryAsync();
        });
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    // Several test assemblies run at once: an advisory lock serialises work on the template, and
    // CREATE DATABASE ... TEMPLATE needs nobody else connected to it.
    private static async Task WithTemplateLockAsync(NpgsqlConnection connection, Func<Task> action)
    {
        await TemplateGate.WaitAsync();
        try
        {
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({TemplateLockKey})", connection))
            {
                await take.ExecuteNonQueryAsync();
            }

            try
            {
                await action();
            }
            finally
            {
                await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({TemplateLockKey})", connection);
                await release.ExecuteNonQueryAsync();
            }
        }
        finally
        {
            TemplateGate.Release();
        }
    }

    private static async Task EnsureTemplateAsync(string admin, NpgsqlConnection connection)
    {
        if (_templateReady)
        {
            return;
        }

        await using (var exists = new NpgsqlCommand($"SELECT 1 FROM pg_database WHERE datname = '{TemplateDatabase}'", connection))
        {
            if (await exists.ExecuteScalarAsync() is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {TemplateDatabase}", connection);
                await create.ExecuteNonQueryAsync();
            }
        }

        // Always run the migrator: on a reused developer instance the template may predate a new script.
        var template = new NpgsqlConnectionStringBuilder(admin) { Database = TemplateDatabase, Pooling = false }.ConnectionString;
        DatabaseMigrator.Migrate(template, NullLogger.Instance);
        _templateReady = true;
    }

    private static string Sanitize(string purpose) =>
        new string(purpose.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(16).ToArray()) is { Length: > 0 } s ? s : "t";

    private static async Task<Endpoints> StartAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("EMOTY_TEST_POSTGRES");
        var redis = Environment.GetEnvironmentVariable("EMOTY_TEST_REDIS");
        var storage = Environment.GetEnvironmentVariable("EMOTY_TEST_STORAGE");
        if (postgres is not null && redis is not null && storage is not null)
        {
            return new Endpoints(postgres, redis, storage);
        }

        var root = RepositoryRoot();
        var script = Path.Combine(root, "infra", "local", "services.sh");
        var state = Path.Combine(root, ".local", "test-dev");
        await RunAsync(script, state, "up --free-ports --fast");
        var values = (await RunAsync(script, state, "env"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1].Trim('\''));
        return new Endpoints(values["EMOTY_POSTGRES"], values["EMOTY_REDIS"], values["EMOTY_STORAGE"]);
    }

    private static async Task<string> RunAsync(string script, string state, string arguments)
    {
        var start = new ProcessStartInfo("bash", $"{script} {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["EMOTY_STATE"] = state },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"services.sh {arguments} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Emoty.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Emoty.sln not found above " + AppContext.BaseDirectory);
    }
}
