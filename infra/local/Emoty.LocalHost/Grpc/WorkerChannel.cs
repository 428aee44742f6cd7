using System.Collections.Concurrent;
using System.Threading.Channels;
using Emoty.LocalHost.Rpc;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Emoty.LocalHost.Grpc;

/// <summary>
/// The host's end of one worker's EventStream. The worker answers concurrently and out of order,
/// so every request waits on its own id (request_id, or invocation_id for invocations).
/// </summary>
internal sealed class WorkerChannel
{
    private static readonly RpcTraceContext EmptyTraceContext = new();

    private readonly IAsyncStreamReader<StreamingMessage> _input;
    private readonly IServerStreamWriter<StreamingMessage> _output;
    // Not SingleReader: that variant cannot Count, which the write loop uses to batch flushes.
    private readonly Channel<StreamingMessage> _outbox = Channel.CreateUnbounded<StreamingMessage>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new();
    private readonly RpcLogSink _logs;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _closed;

    public WorkerChannel(
        string workerId,
        IAsyncStreamReader<StreamingMessage> input,
        IServerStreamWriter<StreamingMessage> output,
        ILoggerFactory loggerFactory)
    {
        WorkerId = workerId;
        _input = input;
        _output = output;
        _logs = new RpcLogSink(loggerFactory);
        _logger = loggerFactory.CreateLogger("Emoty.LocalHost.Rpc");
    }

    public string WorkerId { get; }

    /// <summary>Completes when the stream has ended, whichever side ended it.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Pumps both directions until the stream ends; then fails whatever still waits.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var writing = WriteLoopAsync(cancellationToken);
        try
        {
            while (await _input.MoveNext(cancellationToken))
            {
                Dispatch(_input.Current);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or global::Grpc.Core.RpcException or InvalidOperationException)
        {
            _logger.LogDebug(ex, "The stream of worker {WorkerId} ended abruptly", WorkerId);
        }
        finally
        {
            _closed = true;
            _outbox.Writer.TryComplete();
            foreach (var (id, waiter) in _pending)
            {
                if (_pending.TryRemove(id, out _))
                {
                    waiter.TrySetException(new WorkerUnavailableException("The worker's stream closed before it answered."));
                }
            }

            await writing;
            _completion.TrySetResult();
        }
    }

    public async Task<WorkerInitResponse> InitializeAsync(string appDirectory, CancellationToken cancellationToken)
    {
        var request = new WorkerInitRequest
        {
            HostVersion = HostVersion,
            FunctionAppDirectory = appDirectory,
            WorkerDirectory = appDirectory,
        };
        request.Capabilities["RpcHttpBodyOnly"] = "true";
        request.Capabilities["TypedDataCollection"] = "true";
        var reply = await RequestAsync(new StreamingMessage { WorkerInitRequest = request }, cancellationToken);
        return reply.WorkerInitResponse ?? throw Unexpected(reply, "WorkerInitResponse");
    }

    public async Task<FunctionMetadataResponse> GetFunctionMetadataAsync(string appDirectory, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(
            new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory } },
            cancellationToken);
        return reply.FunctionMetadataResponse ?? throw Unexpected(reply, "FunctionMetadataResponse");
    }

    public async Task<FunctionLoadResponse> LoadAsync(RpcFunctionMetadata metadata, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(
            new StreamingMessage { FunctionLoadRequest = new FunctionLoadRequest { FunctionId = metadata.FunctionId, Metadata = metadata } },
            cancellationToken);
        return reply.FunctionLoadResponse ?? throw Unexpected(reply, "FunctionLoadResponse");
    }

    /// <summary>
    /// Sends one invocation and waits for its response. Cancelling sends InvocationCancel and keeps
    /// waiting: the worker acknowledges at once and ends the invocation as a failure.
    /// </summary>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        request.TraceContext ??= EmptyTraceContext;
        var waiter = Register(request.InvocationId);
        Send(request.InvocationId, new StreamingMessage { InvocationRequest = request });

        await using var cancel = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(
                static (state, _) =>
                {
                    var (channel, id) = ((WorkerChannel, string))state!;
                    channel.TrySend(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = id } });
                },
                (this, request.InvocationId))
            : default;
        var reply = await waiter.Task;
        return reply.InvocationResponse;
    }

    /// <summary>Asks the worker to stop; it replies by closing the stream and exiting.</summary>
    public void Terminate(TimeSpan gracePeriod) =>
        TrySend(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(gracePeriod) } });

    private static string HostVersion { get; } =
        typeof(WorkerChannel).Assembly.GetName().Version?.ToString() ?? "4.0.0";

    private async Task<StreamingMessage> RequestAsync(StreamingMessage message, CancellationToken cancellationToken)
    {
        message.RequestId = Guid.NewGuid().ToString();
        var waiter = Register(message.RequestId);
        Send(message.RequestId, message);
        try
        {
            return await waiter.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _pending.TryRemove(message.RequestId, out _);
        }
    }

    private TaskCompletionSource<StreamingMessage> Register(string id)
    {
        // Continuations must not run on the read loop, or one slow caller would stall every reply.
        var waiter = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(id, waiter))
        {
            throw new InvalidOperationException($"The id {id} is already waiting for a reply.");
        }

        return waiter;
    }

    private void Send(string waitingId, StreamingMessage message)
    {
        if (!TrySend(message))
        {
            _pending.TryRemove(waitingId, out _);
            throw new WorkerUnavailableException("The worker's stream is closed.");
        }
    }

    private bool TrySend(StreamingMessage message) => !_closed && _outbox.Writer.TryWrite(message);

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        var reader = _outbox.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var message))
                {
                    // Flush only when nothing else is queued: under load several messages share a write.
                    _output.WriteOptions = reader.Count > 0 ? BufferedWrite : null;
                    await _output.WriteAsync(message, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or global::Grpc.Core.RpcException)
        {
            _logger.LogDebug(ex, "Writing to worker {WorkerId} stopped", WorkerId);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Writing to worker {WorkerId} failed", WorkerId);
        }
        finally
        {
            _closed = true;
        }
    }

    private static readonly WriteOptions BufferedWrite = new(WriteFlags.BufferHint);

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                Complete(message.InvocationResponse.InvocationId, message);
                break;
            case StreamingMessage.ContentOneofCase.RpcLog:
                _logs.Write(message.RpcLog);
                break;
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                Complete(message.RequestId, message);
                break;
            default:
                _logger.LogDebug("Ignoring a {MessageType} from worker {WorkerId}", message.ContentCase, WorkerId);
                break;
        }
    }

    private void Complete(string id, StreamingMessage message)
    {
        if (_pending.TryRemove(id, out var waiter))
        {
            waiter.TrySetResult(message);
        }
        else
        {
            _logger.LogDebug("No one waits for the {MessageType} {Id}", message.ContentCase, id);
        }
    }

    private static InvalidOperationException Unexpected(StreamingMessage reply, string expected) =>
        new($"The worker answered with {reply.ContentCase} where {expected} was expected.");
}

/// <summary>The worker is not running, not yet connected, or went away mid-request.</summary>
internal sealed class WorkerUnavailableException(string message) : Exception(message);
