using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Emoty.LocalHost.Bindings;
using Emoty.LocalHost.Functions;
using Emoty.LocalHost.Grpc;
using Emoty.LocalHost.Rpc;

namespace Emoty.LocalHost.Queues;

/// <summary>
/// Runs one queue-triggered function the way the real host's queue listener does: batches of
/// batchSize, a new batch once no more than newBatchThreshold are in flight, back-off from
/// 100 ms doubling to maxPollingInterval while the queue is empty, visibilityTimeout between
/// retries, and after maxDequeueCount failures the message moves to &lt;queue&gt;-poison.
/// </summary>
internal sealed class QueuePoller(
    FunctionInfo function,
    string connectionString,
    string queueName,
    QueueSettings settings,
    QueueClients queues,
    IFunctionInvoker invoker,
    OutputBindings outputs,
    ILogger logger)
{
    // How long a received message stays hidden while its function runs (the real host's default).
    private static readonly TimeSpan ProcessingVisibility = TimeSpan.FromMinutes(10);

    private readonly BindingDescription _trigger = function.Trigger!;
    private readonly ConcurrentDictionary<Task, bool> _inFlight = new();
    private readonly SemaphoreSlim _finished = new(0);

    public string FunctionName => function.Name;

    public string QueueName => queueName;

    /// <summary>Polls until <paramref name="stop"/>, then waits for the messages already being processed.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var delay = QueueSettings.MinPollingInterval;
        QueueClient? queue = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                queue ??= await queues.GetAsync(connectionString, queueName);
                if (_inFlight.Count > settings.NewBatchThreshold)
                {
                    await _finished.WaitAsync(stop);
                    continue;
                }

                QueueMessage[] messages = await queue.ReceiveMessagesAsync(settings.BatchSize, ProcessingVisibility, stop);
                if (messages.Length == 0)
                {
                    await Task.Delay(delay, stop);
                    delay = Next(delay);
                    continue;
                }

                delay = QueueSettings.MinPollingInterval;
                foreach (var message in messages)
                {
                    Track(ProcessAsync(queue, message));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Polling {Queue} for {Function} failed ({Error}); retrying in {Delay}",
                    queueName, function.Name, ex.Message, delay);
                await Task.Delay(delay, stop).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = Next(delay);
            }
        }

        await Task.WhenAll(_inFlight.Keys);
    }

    private TimeSpan Next(TimeSpan delay) =>
        TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxPollingInterval.Ticks));

    private void Track(Task processing)
    {
        _inFlight[processing] = true;
        processing.ContinueWith(
            done =>
            {
                _inFlight.TryRemove(done, out _);
                _finished.Release();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task ProcessAsync(QueueClient queue, QueueMessage message)
    {
        try
        {
            var text = QueueTriggerInput.Decode(message, settings.Base64);
            if (text is null)
            {
                await PoisonAsync(queue, message, "it is not valid base64");
                return;
            }

            if (message.DequeueCount > settings.MaxDequeueCount)
            {
                // Left over from a host that stopped mid-processing: do not run it once more.
                await PoisonAsync(queue, message, "it was dequeued more than MaxDequeueCount times");
                return;
            }

            var failure = await InvokeAsync(message, text);
            if (failure is null)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                return;
            }

            logger.LogError("Executed {Function} (Failed, MessageId={MessageId}, DequeueCount={DequeueCount}): {Error}",
                function.Name, message.MessageId, message.DequeueCount, failure);
            if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                await PoisonAsync(queue, message, $"it has reached MaxDequeueCount of {settings.MaxDequeueCount}");
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: settings.VisibilityTimeout);
            }
        }
        catch (RequestFailedException ex)
        {
            // E.g. the pop receipt expired: the message is visible again and will come back.
            logger.LogWarning("Settling message {MessageId} on {Queue} failed: {Error}", message.MessageId, queueName, ex.Message);
        }
    }

    /// <summary>Runs the function and writes its outputs; returns why it failed, or null.</summary>
    private async Task<string?> InvokeAsync(QueueMessage message, string text)
    {
        try
        {
            // Not cancelled on shutdown: a started invocation finishes, or ends with the worker.
            var response = await invoker.InvokeAsync(function, QueueTriggerInput.Create(_trigger, message, text), CancellationToken.None);
            if (response.Result?.Status != StatusResult.Types.Status.Success)
            {
                return response.Result?.Exception?.Message ?? "the function failed";
            }

            if (function.HasStoredOutputs)
            {
                await outputs.WriteAsync(function, response, CancellationToken.None);
            }

            return null;
        }
        catch (Exception ex) when (ex is WorkerUnavailableException or RequestFailedException or InvalidOperationException)
        {
            return ex.Message;
        }
    }

    private async Task PoisonAsync(QueueClient queue, QueueMessage message, string reason)
    {
        var poisonName = queueName + "-poison";
        logger.LogWarning("Moving message {MessageId} from {Queue} to {PoisonQueue}: {Reason}", message.MessageId, queueName, poisonName, reason);
        var poison = await queues.GetAsync(connectionString, poisonName);
        // The body as it was, so the poison message is encoded exactly like the original.
        await poison.SendMessageAsync(message.Body);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
    }
}
