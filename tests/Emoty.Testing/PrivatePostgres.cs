using System.Diagnostics;
using Emoty.Domain.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Emoty.Testing;

/// <summary>
/// A PostgreSQL server of one test's own, for tests that kill it: the run's shared server is never
/// touched. initdb into a temporary folder (fsync off: a throwaway instance), the emoty role and a
/// migrated database, the server in the foreground as a child process on a free port. Killed, it
/// starts again on the same port and data folder and recovers from its WAL like a crashed server.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private const string Database = "emoty";
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"emoty-pg-{Guid.NewGuid():N}");
    private readonly string _bin = PgBin();
    private Process? _process;

    public int Port { get; } = FreePorts.Next();

    /// <summary>As the application connects: the emoty role on the migrated database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Database={Database};Username=emoty;Password=emoty";

    private string Data => Path.Combine(_root, "data");

    private string Sockets => Path.Combine(_root, "run");

    public static async Task<PrivatePostgres> StartAsync()
    {
        var postgres = new PrivatePostgres();
        try
        {
            await postgres.InitialiseAsync();
            return postgres;
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    private async Task InitialiseAsync()
    {
        Directory.CreateDirectory(Data);
        Directory.CreateDirectory(Sockets);
        if (RunsAsRoot)
        {
            // initdb and postgres refuse to run as root.
            await ServiceProcess.RunAsync("chown", "-R", "postgres:postgres", _root);
        }

        await ServiceProcess.RunAsync(Command("initdb")[0], [.. Command("initdb")[1..], "-D", Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
        await StartAgainAsync();
        await using (var admin = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Database=postgres;Username=postgres;Pooling=false"))
        {
            await admin.OpenAsync();
            await using (var role = new NpgsqlCommand("CREATE ROLE emoty LOGIN CREATEDB PASSWORD 'emoty'", admin))
            {
                await role.ExecuteNonQueryAsync();
            }

            await using var create = new NpgsqlCommand($"CREATE DATABASE {Database} OWNER emoty", admin);
            await create.ExecuteNonQueryAsync();
        }

        DatabaseMigrator.Migrate(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString, NullLogger.Instance);
    }

    /// <summary>Starts the server (again) and returns once it accepts connections on its port.</summary>
    public async Task StartAgainAsync()
    {
        // fsync off loses nothing when only the processes die (the OS keeps what was written); synchronous_commit
        // stays on, or a commit acknowledged just before a kill could still sit in the server's own WAL buffers.
        var command = Command("postgres");
        string[] arguments = [.. command[1..], "-D", Data, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-k", Sockets, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200", "-c", "shared_buffers=32MB"];
        for (var attempt = 1; ; attempt++)
        {
            _process = ServiceProcess.Start(command[0], arguments);
            try
            {
                await ServiceProcess.WaitForPortAsync(_process, Port, "postgres");
                break;
            }
            catch (InvalidOperationException) when (_process.HasExited && attempt < 100)
            {
                // The killed server's backends may still be on their way out, holding its shared memory.
                _process.Dispose();
                await Task.Delay(100);
            }
        }

        // The port opens before recovery ends; ready means a query answers.
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                await using var probe = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Database=postgres;Username=postgres;Pooling=false");
                await probe.OpenAsync();
                return;
            }
            catch (PostgresException failure) when (failure.SqlState == PostgresErrorCodes.CannotConnectNow && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>SIGKILL to the postmaster and every backend: what a crashed server or a lost machine looks like to the app.</summary>
    public async Task KillAsync()
    {
        await ServiceProcess.KillAsync(_process);
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder: leaving it behind is harmless.
        }
    }

    private static bool RunsAsRoot => Environment.UserName == "root";

    // setpriv execs the program itself (runuser would stay its parent): the child process is the postmaster, so
    // killing it is killing the server, and its exit is seen only once it has been reaped.
    private string[] Command(string program) =>
        RunsAsRoot ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", Path.Combine(_bin, program)] : [Path.Combine(_bin, program)];

    /// <summary>PG_BIN of infra/local/settings.env, where the scripts take the server from too.</summary>
    private static string PgBin()
    {
        var settings = Path.Combine(TestServices.RepositoryRoot(), "infra", "local", "settings.env");
        return File.ReadLines(settings).Select(line => line.Trim())
            .Where(line => line.StartsWith("PG_BIN=", StringComparison.Ordinal))
            .Select(line => line["PG_BIN=".Length..].Trim('"', '\''))
            .Single();
    }
}
