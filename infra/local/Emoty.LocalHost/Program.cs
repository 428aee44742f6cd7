using System.Globalization;
using System.Runtime.InteropServices;
using Emoty.LocalHost;

// dotnet Emoty.LocalHost.dll --app <dir> [--port 7071] [--settings local.settings.json] [--functions A,B] [--log-level Debug]
var arguments = ParseArguments(args);
if (arguments is null || !arguments.TryGetValue("app", out var appDirectory))
{
    Console.Error.WriteLine("usage: Emoty.LocalHost --app <worker build output> [--port 7071] [--settings local.settings.json] [--functions A,B] [--log-level Debug]");
    return 2;
}

using var loggerFactory = LoggerFactory.Create(logging => logging
    .AddSimpleConsole(console =>
    {
        console.SingleLine = true;
        console.TimestampFormat = "HH:mm:ss ";
    })
    .SetMinimumLevel(arguments.TryGetValue("log-level", out var level) ? Enum.Parse<LogLevel>(level, ignoreCase: true) : LogLevel.Information)
    .AddFilter("Microsoft", LogLevel.Warning));
var logger = loggerFactory.CreateLogger("Emoty.LocalHost");

// Like Core Tools: an explicit file, else local.settings.json beside the app or in the current folder.
var settingsPath = arguments.GetValueOrDefault("settings")
    ?? new[] { Path.Combine(appDirectory, "local.settings.json"), "local.settings.json" }.FirstOrDefault(File.Exists);
var settings = settingsPath is null ? null : LocalSettingsFile.Read(settingsPath);
if (settingsPath is not null)
{
    logger.LogInformation("Settings from {SettingsFile}", Path.GetFullPath(settingsPath));
}

var options = new LocalHostOptions
{
    AppDirectory = appDirectory,
    HttpPort = arguments.TryGetValue("port", out var port) ? int.Parse(port, CultureInfo.InvariantCulture) : settings?.LocalHttpPort ?? 7071,
    Settings = settings?.Values ?? new Dictionary<string, string>(),
    Cors = settings?.Cors,
    Functions = arguments.TryGetValue("functions", out var only) ? only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
};

using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

LocalFunctionsHost host;
try
{
    host = await LocalFunctionsHost.StartAsync(options, loggerFactory, stop.Token);
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    logger.LogCritical("The host could not start: {Error}", ex.Message);
    return 1;
}
catch (OperationCanceledException)
{
    return 130;
}

await using (host)
{
    logger.LogInformation("Listening on {BaseAddress}; press Ctrl+C to stop", host.BaseAddress);
    await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    logger.LogInformation("Stopping");
}

return 0;

void Stop(PosixSignalContext context)
{
    // Handle the signal ourselves: a clean stop terminates the worker instead of orphaning it.
    context.Cancel = true;
    stop.Cancel();
}

static Dictionary<string, string>? ParseArguments(string[] args)
{
    var parsed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    for (var i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
        {
            return null;
        }

        parsed[args[i][2..]] = args[++i];
    }

    return parsed;
}
