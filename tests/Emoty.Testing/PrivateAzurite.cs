using System.Diagnostics;

namespace Emoty.Testing;

/// <summary>
/// An Azurite queue service of one test's own, for tests that stop it: the run's shared Azurite is
/// never touched. The azurite that services.sh installs into .local/tools, in the foreground as a
/// child process, on a free port and a temporary folder it keeps across restarts (queued messages
/// survive a stop, as in Azure Storage).
/// </summary>
public sealed class PrivateAzurite : IAsyncDisposable
{
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string _location = Path.Combine(Path.GetTempPath(), $"emoty-azurite-{Guid.NewGuid():N}");
    private Process? _process;

    public int Port { get; } = FreePorts.Next();

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentKey};QueueEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public static async Task<PrivateAzurite> StartAsync()
    {
        var azurite = new PrivateAzurite();
        Directory.CreateDirectory(azurite._location);
        await azurite.StartAgainAsync();
        return azurite;
    }

    public async Task StartAgainAsync()
    {
        var program = Path.Combine(TestServices.RepositoryRoot(), ".local", "tools", "azurite", "node_modules", ".bin", "azurite-queue");
        if (!File.Exists(program))
        {
            throw new FileNotFoundException("azurite is not installed: run infra/local/services.sh install", program);
        }

        _process = ServiceProcess.Start(program, ["--queueHost", "127.0.0.1", "--queuePort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--location", _location, "--skipApiVersionCheck", "--loose", "--silent"]);
        await ServiceProcess.WaitForPortAsync(_process, Port, "azurite-queue");
    }

    /// <summary>Stops it as an operator would (SIGTERM, so it writes its state down): nothing answers on the port until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        await ServiceProcess.TerminateAsync(_process);
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await ServiceProcess.KillAsync(_process);
        _process = null;
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
