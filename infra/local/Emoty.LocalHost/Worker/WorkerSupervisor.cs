using System.Collections.Frozen;
using Emoty.LocalHost.Functions;
using Emoty.LocalHost.Grpc;
using Emoty.LocalHost.Rpc;

namespace Emoty.LocalHost.Worker;

/// <summary>
/// Keeps one worker running and ready: start, connect, initialise, load every function; when it
/// dies, say so and start another. Invocations go to whichever worker is ready now.
/// </summary>
internal sealed class WorkerSupervisor : IFunctionInvoker, IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan TerminateGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WaitForRestart = TimeSpan.FromSeconds(60);

    private readonly string _appDirectory;
    private readonly WorkerLaunch _launch;
    private readonly RpcServer _rpc;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly bool _restartOnExit;
    private readonly ILogger _logger;
    private readonly ILogger _workerOutput;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();

    // Read without the lock on every invocation; written under it.
    private volatile ReadyWorker? _ready;
    private TaskCompletionSource<ReadyWorker> _nextReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WorkerProcess? _process;
    private Task _monitor = Task.CompletedTask;

    public WorkerSupervisor(
        string appDirectory,
        WorkerLaunch launch,
        RpcServer rpc,
        IReadOnlyDictionary<string, string> environment,
        bool restartOnExit,
        ILoggerFactory loggerFactory)
    {
        _appDirectory = appDirectory;
        _launch = launch;
        _rpc = rpc;
        _environment = environment;
        _restartOnExit = restartOnExit;
        _logger = loggerFactory.CreateLogger("Emoty.LocalHost.Worker");
        _workerOutput = loggerFactory.CreateLogger("Worker.Console");
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    /// <summary>The functions the first worker reported and loaded.</summary>
    public IReadOnlyList<FunctionInfo> Functions { get; private set; } = [];

    /// <summary>The running worker's process id (tests kill it to check the restart).</summary>
    public int? ProcessId => _process?.ProcessId;

    /// <summary>Starts the first worker; fails if it does not come up (no restart for a broken build).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var (process, ready, functions) = await LaunchAsync(cancellationToken);
        Functions = functions;
        if (!Publish(process, ready))
        {
            await process.DisposeAsync();
            throw new OperationCanceledException("The host stopped while the worker was starting.");
        }
    }

    public async Task<InvocationResponse> InvokeAsync(FunctionInfo function, InvocationRequest request, CancellationToken cancellationToken)
    {
        var ready = _ready ?? await WaitForWorkerAsync(cancellationToken);
        if (!ready.FunctionIds.TryGetValue(function.Name, out var functionId))
        {
            throw new WorkerUnavailableException($"The running worker has not loaded the function '{function.Name}'.");
        }

        request.FunctionId = functionId;
        if (string.IsNullOrEmpty(request.InvocationId))
        {
            request.InvocationId = Guid.NewGuid().ToString();
        }

        return await ready.Channel.InvokeAsync(request, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        await _stopping.CancelAsync();
        WorkerProcess? process;
        ReadyWorker? ready;
        lock (_lock)
        {
            process = _process;
            ready = _ready;
            _ready = null;
            _nextReady.TrySetException(new WorkerUnavailableException("The host is stopping."));
        }

        if (process is not null)
        {
            ready?.Channel.Terminate(TerminateGrace);
            await process.StopAsync(ready is null ? TimeSpan.Zero : TerminateGrace);
            await process.DisposeAsync();
        }

        await _monitor;
        _stopping.Dispose();
    }

    private async Task<ReadyWorker> WaitForWorkerAsync(CancellationToken cancellationToken)
    {
        Task<ReadyWorker> next;
        lock (_lock)
        {
            if (_ready is { } ready)
            {
                return ready;
            }

            if (!_restartOnExit || _stopping.IsCancellationRequested)
            {
                throw new WorkerUnavailableException("The worker is not running.");
            }

            next = _nextReady.Task;
        }

        try
        {
            return await next.WaitAsync(WaitForRestart, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new WorkerUnavailableException("The worker did not come back in time.");
        }
    }

    private async Task<(WorkerProcess, ReadyWorker, IReadOnlyList<FunctionInfo>)> LaunchAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        linked.CancelAfter(ConnectTimeout);
        var token = linked.Token;

        // Listening comes first (it already does); the worker exits at once if nothing answers.
        var workerId = Guid.NewGuid().ToString();
        var connected = _rpc.Connections.ExpectAsync(workerId);
        var process = WorkerProcess.Start(_launch, _appDirectory, _rpc.Endpoint, _environment, workerId, _workerOutput);
        try
        {
            var first = await Task.WhenAny(connected, process.Exited).WaitAsync(token);
            if (first != connected)
            {
                throw new InvalidOperationException($"The worker exited with code {await process.Exited} before it connected.");
            }

            var channel = await connected;
            var init = await channel.InitializeAsync(_appDirectory, token);
            EnsureSuccess(init.Result, "initialise");

            var metadata = await channel.GetFunctionMetadataAsync(_appDirectory, token);
            EnsureSuccess(metadata.Result, "index its functions");
            if (metadata.UseDefaultMetadataIndexing)
            {
                throw new NotSupportedException("The worker asked for host indexing (functions.metadata); this host supports worker indexing only.");
            }

            var functions = metadata.FunctionMetadataResults.Select(FunctionInfo.From).ToArray();
            var loads = await Task.WhenAll(functions.Select(f => channel.LoadAsync(f.Metadata, token)));
            var loaded = new List<FunctionInfo>();
            foreach (var (function, load) in functions.Zip(loads))
            {
                if (load.Result?.Status == StatusResult.Types.Status.Success)
                {
                    loaded.Add(function);
                }
                else
                {
                    _logger.LogError("The worker could not load the function {Function}: {Error}",
                        function.Name, load.Result?.Exception?.Message);
                }
            }

            var ids = loaded.ToFrozenDictionary(f => f.Name, f => f.Metadata.FunctionId);
            return (process, new ReadyWorker(channel, ids), loaded);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            _rpc.Connections.Forget(workerId);
            await process.DisposeAsync();
            throw new TimeoutException($"The worker did not connect and load its functions within {ConnectTimeout.TotalSeconds:0} s.");
        }
        catch
        {
            _rpc.Connections.Forget(workerId);
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Makes a worker the current one, unless the host began stopping meanwhile.</summary>
    private bool Publish(WorkerProcess process, ReadyWorker ready)
    {
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested)
            {
                return false;
            }

            _process = process;
            _ready = ready;
            _nextReady.TrySetResult(ready);
        }

        _monitor = MonitorAsync(process, ready);
        return true;
    }

    private async Task MonitorAsync(WorkerProcess process, ReadyWorker ready)
    {
        try
        {
            await WatchAsync(process, ready);
        }
        catch (Exception ex)
        {
            // Nothing awaits the monitor until shutdown: a fault here must at least be visible.
            _logger.LogError(ex, "Watching the worker failed; it will not be restarted");
        }
    }

    private async Task WatchAsync(WorkerProcess process, ReadyWorker ready)
    {
        await Task.WhenAny(process.Exited, ready.Channel.Completion);
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _ready = null;
            _nextReady = new TaskCompletionSource<ReadyWorker>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        // A worker whose stream ended but that still runs is of no use: make sure it is gone.
        process.Kill();
        var exitCode = await process.Exited;
        await process.DisposeAsync();
        if (!_restartOnExit)
        {
            _logger.LogError("The worker (pid {ProcessId}) exited with code {ExitCode}; restarting is off", process.ProcessId, exitCode);
            lock (_lock)
            {
                _nextReady.TrySetException(new WorkerUnavailableException("The worker exited."));
            }

            return;
        }

        _logger.LogWarning("The worker (pid {ProcessId}) exited with code {ExitCode}; restarting it", process.ProcessId, exitCode);
        await RestartAsync();
    }

    private async Task RestartAsync()
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var (process, ready, functions) = await LaunchAsync(_stopping.Token);
                foreach (var missing in Functions.Select(f => f.Name).Except(functions.Select(f => f.Name)))
                {
                    _logger.LogWarning("The restarted worker did not load {Function}", missing);
                }

                if (Publish(process, ready))
                {
                    _logger.LogInformation("The worker is back (pid {ProcessId})", process.ProcessId);
                }
                else
                {
                    await process.DisposeAsync();
                }

                return;
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                _logger.LogError(ex, "Restarting the worker failed; trying again in {Delay}", delay);
                await Task.Delay(delay, _stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static void EnsureSuccess(StatusResult? result, string step)
    {
        if (result?.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"The worker failed to {step}: {result?.Exception?.Message ?? result?.Result}");
        }
    }

    private void KillOnExit(object? sender, EventArgs e) => _process?.Kill();

    private sealed record ReadyWorker(WorkerChannel Channel, FrozenDictionary<string, string> FunctionIds);
}
