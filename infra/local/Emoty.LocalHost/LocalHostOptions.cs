namespace Emoty.LocalHost;

/// <summary>What to run and how to expose it.</summary>
public sealed record LocalHostOptions
{
    /// <summary>The worker's build output: contains the app's dll, worker.config.json and host.json.</summary>
    public required string AppDirectory { get; init; }

    /// <summary>Defaults to <c>AppDirectory/host.json</c>.</summary>
    public string? HostJsonPath { get; init; }

    /// <summary>0 picks a free port; <see cref="LocalFunctionsHost.BaseAddress"/> tells which.</summary>
    public int HttpPort { get; init; } = 7071;

    public string HttpAddress { get; init; } = "127.0.0.1";

    /// <summary>
    /// The app settings (local.settings.json <c>Values</c>): the worker's environment, the source of
    /// <c>%Name%</c> expressions, and the storage connections (<c>AzureWebJobsStorage</c> by default).
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    public bool RestartWorkerOnExit { get; init; } = true;

    /// <summary>Cross-origin calls the host allows, as Core Tools reads them from <c>Host.CORS</c>; null allows none.</summary>
    public HostCors? Cors { get; init; }

    /// <summary>
    /// Run only these functions (like <c>func start --functions</c>); null runs all of them.
    /// The others are still loaded by the worker but get no trigger.
    /// </summary>
    public IReadOnlyCollection<string>? Functions { get; init; }
}

/// <summary>
/// What the Functions platform's CORS allows: these origins (<c>*</c> for any), any method and
/// header, and cookies or Authorization with <see cref="Credentials"/>.
/// </summary>
public sealed record HostCors(IReadOnlyList<string> Origins, bool Credentials);
