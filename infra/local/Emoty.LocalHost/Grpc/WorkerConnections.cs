using System.Collections.Concurrent;
using Emoty.LocalHost.Rpc;
using Grpc.Core;

namespace Emoty.LocalHost.Grpc;

/// <summary>Pairs each incoming EventStream with the worker process that was started to open it.</summary>
internal sealed class WorkerConnections(ILoggerFactory loggerFactory)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WorkerChannel>> _expected = new();
    private readonly ILogger _logger = loggerFactory.CreateLogger("Emoty.LocalHost.Rpc");

    /// <summary>Call before starting the worker; completes when its stream has said StartStream.</summary>
    public Task<WorkerChannel> ExpectAsync(string workerId)
    {
        var waiter = new TaskCompletionSource<WorkerChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
        _expected[workerId] = waiter;
        return waiter.Task;
    }

    public void Forget(string workerId) => _expected.TryRemove(workerId, out _);

    /// <summary>Serves one stream until it ends.</summary>
    public async Task AcceptAsync(
        IAsyncStreamReader<StreamingMessage> input,
        IServerStreamWriter<StreamingMessage> output,
        ServerCallContext context)
    {
        if (!await input.MoveNext(context.CancellationToken) || input.Current.StartStream is not { } start)
        {
            _logger.LogWarning("A stream opened without StartStream; closing it");
            return;
        }

        if (!_expected.TryRemove(start.WorkerId, out var waiter))
        {
            _logger.LogWarning("Worker {WorkerId} connected but no such worker was started; closing its stream", start.WorkerId);
            return;
        }

        var channel = new WorkerChannel(start.WorkerId, input, output, loggerFactory);
        var running = channel.RunAsync(context.CancellationToken);
        waiter.TrySetResult(channel);
        await running;
    }
}

/// <summary>The generated FunctionRpc service; all the work happens in <see cref="WorkerConnections"/>.</summary>
internal sealed class FunctionRpcService(WorkerConnections connections) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(
        IAsyncStreamReader<StreamingMessage> requestStream,
        IServerStreamWriter<StreamingMessage> responseStream,
        ServerCallContext context) =>
        connections.AcceptAsync(requestStream, responseStream, context);
}
