using Emoty.LocalHost.Bindings;
using Emoty.LocalHost.Functions;
using Emoty.LocalHost.Grpc;
using Emoty.LocalHost.Http;
using Emoty.LocalHost.Queues;
using Emoty.LocalHost.Rpc;
using Emoty.LocalHost.Timers;
using Emoty.LocalHost.Worker;
using Microsoft.Extensions.Logging.Abstractions;

namespace Emoty.LocalHost;

/// <summary>
/// Runs an isolated-worker Functions app without Core Tools: starts the worker, serves its gRPC
/// stream, and drives its HTTP, queue and timer triggers and queue output bindings.
/// </summary>
public sealed class LocalFunctionsHost : IAsyncDisposable
{
    private readonly RpcServer _rpc;
    private readonly WorkerSupervisor _worker;
    private readonly HttpFront _http;
    private readonly CancellationTokenSource _stopTriggers;
    private readonly Task _triggers;
    private readonly ILogger _logger;
    private int _disposed;

    private LocalFunctionsHost(RpcServer rpc, WorkerSupervisor worker, HttpFront http, CancellationTokenSource stopTriggers, Task triggers, ILogger logger)
    {
        _rpc = rpc;
        _worker = worker;
        _http = http;
        _stopTriggers = stopTriggers;
        _triggers = triggers;
        _logger = logger;
    }

    /// <summary>Where the HTTP functions listen, e.g. <c>http://127.0.0.1:7071/</c>.</summary>
    public Uri BaseAddress => _http.BaseAddress;

    /// <summary>Every function the worker loaded.</summary>
    public IReadOnlyList<string> FunctionNames => _worker.Functions.Select(f => f.Name).ToArray();

    /// <summary>The running worker's process id; null while it restarts.</summary>
    internal int? WorkerProcessId => _worker.ProcessId;

    /// <summary>Sends an invocation straight over the gRPC stream, bypassing the triggers (benchmarks).</summary>
    internal Task<InvocationResponse> InvokeAsync(string functionName, InvocationRequest request, CancellationToken cancellationToken) =>
        _worker.InvokeAsync(_worker.Functions.Single(f => f.Name == functionName), request, cancellationToken);

    /// <summary>Returns once every function is loaded and HTTP is listening.</summary>
    public static async Task<LocalFunctionsHost> StartAsync(
        LocalHostOptions options,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("Emoty.LocalHost");
        var appDirectory = Path.GetFullPath(options.AppDirectory);
        if (!Directory.Exists(appDirectory))
        {
            throw new DirectoryNotFoundException($"The app directory '{appDirectory}' does not exist; build the Functions app first.");
        }

        var hostJson = HostJson.Load(options.HostJsonPath ?? Path.Combine(appDirectory, "host.json"));
        var settings = new AppSettings(options.Settings);
        var launch = WorkerLaunch.Read(appDirectory);

        var started = new Stack<IAsyncDisposable>();
        try
        {
            var rpc = await RpcServer.StartAsync(loggerFactory, cancellationToken);
            started.Push(rpc);
            var worker = new WorkerSupervisor(appDirectory, launch, rpc, settings.Values, options.RestartWorkerOnExit, loggerFactory);
            started.Push(worker);
            await worker.StartAsync(cancellationToken);

            var triggered = worker.Functions
                .Where(f => options.Functions is null || options.Functions.Contains(f.Name, StringComparer.OrdinalIgnoreCase))
                .ToArray();
            var queues = new QueueClients();
            var outputs = new OutputBindings(settings, queues, loggerFactory.CreateLogger("Emoty.LocalHost.Bindings"));

            var http = await HttpFront.StartAsync(new HttpFrontOptions(options.HttpAddress, options.HttpPort, hostJson.RoutePrefix,
                    settings.MaxRequestBodySize, options.Cors), triggered,
                worker, outputs, loggerFactory.CreateLogger("Emoty.LocalHost.Http"), cancellationToken);
            started.Push(http);

            var stopTriggers = new CancellationTokenSource();
            var pollers = QueuePollers(triggered, settings, hostJson.Queues, queues, worker, outputs, loggerFactory, logger);
            var timers = ScheduledFunctions(triggered, settings, logger);
            var scheduler = new TimerScheduler(worker, outputs, TimeProvider.System, loggerFactory.CreateLogger("Emoty.LocalHost.Timers"));
            var triggers = Task.WhenAll(
                pollers.Select(p => Task.Run(() => p.RunAsync(stopTriggers.Token), CancellationToken.None))
                    .Append(Task.Run(() => scheduler.RunAsync(timers, stopTriggers.Token), CancellationToken.None)));

            var host = new LocalFunctionsHost(rpc, worker, http, stopTriggers, triggers, logger);
            host.LogFunctions(triggered, pollers, timers);
            return host;
        }
        catch
        {
            while (started.TryPop(out var component))
            {
                await component.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Stops accepting work, lets started invocations finish briefly, terminates the worker.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _http.DisposeAsync();
        await _stopTriggers.CancelAsync();
        // Give in-flight queue and timer runs a moment; terminating the worker ends the rest.
        await Task.WhenAny(_triggers, Task.Delay(TimeSpan.FromSeconds(10)));
        await _worker.DisposeAsync();
        await _triggers;
        await _rpc.DisposeAsync();
        _stopTriggers.Dispose();
        _logger.LogInformation("The local Functions host has stopped");
    }

    private static QueuePoller[] QueuePollers(
        IEnumerable<FunctionInfo> functions,
        AppSettings settings,
        QueueSettings queueSettings,
        QueueClients queues,
        IFunctionInvoker invoker,
        OutputBindings outputs,
        ILoggerFactory loggerFactory,
        ILogger logger)
    {
        var pollers = new List<QueuePoller>();
        var pollerLogger = loggerFactory.CreateLogger("Emoty.LocalHost.Queues");
        foreach (var function in functions.Where(f => f.Trigger?.Is("queueTrigger") == true))
        {
            var trigger = function.Trigger!;
            try
            {
                var queueName = settings.Resolve(trigger.String("queueName") ?? "");
                var connection = settings.StorageConnectionString(trigger.String("connection"));
                pollers.Add(new QueuePoller(function, connection, queueName, queueSettings, queues, invoker, outputs, pollerLogger));
            }
            catch (InvalidOperationException ex)
            {
                // The real host refuses to start; locally the other functions stay usable.
                logger.LogError("The queue trigger of {Function} is disabled: {Reason}", function.Name, ex.Message);
            }
        }

        return pollers.ToArray();
    }

    private static ScheduledFunction[] ScheduledFunctions(IEnumerable<FunctionInfo> functions, AppSettings settings, ILogger logger)
    {
        var scheduled = new List<ScheduledFunction>();
        foreach (var function in functions.Where(f => f.Trigger?.Is("timerTrigger") == true))
        {
            var trigger = function.Trigger!;
            try
            {
                var schedule = TimerSchedule.Parse(settings.Resolve(trigger.String("schedule") ?? ""));
                scheduled.Add(new ScheduledFunction(function, schedule, trigger.Bool("runOnStartup")));
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or NCrontab.CrontabException)
            {
                logger.LogError("The timer trigger of {Function} is disabled: {Reason}", function.Name, ex.Message);
            }
        }

        return scheduled.ToArray();
    }

    private void LogFunctions(IEnumerable<FunctionInfo> functions, IEnumerable<QueuePoller> pollers, IEnumerable<ScheduledFunction> timers)
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        foreach (var route in _http.Routes)
        {
            _logger.LogInformation("{Function}: [{Methods}] {Url}", route.Function.Name,
                route.Methods is null ? "ANY" : string.Join(",", route.Methods), BaseAddress + route.Template);
        }

        foreach (var poller in pollers)
        {
            _logger.LogInformation("{Function}: queueTrigger on {Queue}", poller.FunctionName, poller.QueueName);
        }

        foreach (var timer in timers)
        {
            _logger.LogInformation("{Function}: timerTrigger", timer.Function.Name);
        }

        foreach (var other in functions.Where(f => f.Trigger is { } t && !t.Is("httpTrigger") && !t.Is("queueTrigger") && !t.Is("timerTrigger")))
        {
            _logger.LogWarning("{Function}: the {Trigger} trigger is not supported by the local host", other.Name, other.Trigger!.Type);
        }
    }
}
