using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Emoty.Testing;

namespace Emoty.LocalHost.Tests.Infrastructure;

/// <summary>
/// One local host on the test app for the whole collection: a free HTTP port, the run's Azurite,
/// queue names of its own (so leftovers of other runs never count) and a one-second timer.
/// </summary>
public sealed class LocalHostFixture : IAsyncLifetime
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public LocalFunctionsHost Host { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    public string StorageConnectionString { get; private set; } = null!;

    public string EchoIn => $"echo-in-{_run}";

    public string EchoOut => $"echo-out-{_run}";

    public string SdkIn => $"sdk-in-{_run}";

    public string SdkOut => $"sdk-out-{_run}";

    public string FailQueue => $"fails-{_run}";

    public string TickQueue => $"ticks-{_run}";

    public string EnqueueQueue => $"enqueued-{_run}";

    public async Task InitializeAsync()
    {
        StorageConnectionString = await TestServices.StorageConnectionStringAsync();
        Host = await LocalFunctionsHost.StartAsync(
            new LocalHostOptions
            {
                AppDirectory = TestApp.Directory,
                HttpPort = 0,
                Settings = new Dictionary<string, string>
                {
                    ["AzureWebJobsStorage"] = StorageConnectionString,
                    ["EchoInQueue"] = EchoIn,
                    ["EchoOutQueue"] = EchoOut,
                    ["SdkInQueue"] = SdkIn,
                    ["SdkOutQueue"] = SdkOut,
                    ["FailQueue"] = FailQueue,
                    ["TickQueue"] = TickQueue,
                    ["TickSchedule"] = "*/1 * * * * *",
                    ["EnqueueQueue"] = EnqueueQueue,
                },
            },
            Logs.Factory);
        Http = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        Logs.Factory.Dispose();

        if (StorageConnectionString is not null)
        {
            // Leave the shared Azurite as it was found.
            var service = new QueueServiceClient(StorageConnectionString);
            await foreach (var queue in service.GetQueuesAsync(prefix: null))
            {
                if (queue.Name.EndsWith(_run, StringComparison.Ordinal) || queue.Name.Contains($"-{_run}-", StringComparison.Ordinal))
                {
                    await service.DeleteQueueAsync(queue.Name);
                }
            }
        }
    }

    /// <summary>A client that speaks base64, as the real host and the SDK's Functions samples do.</summary>
    public QueueClient Queue(string name) =>
        new(StorageConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>How long a wait for a positive marker may take before it counts as a hang: it bounds a failure, it times nothing.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Receives (and deletes) messages until <paramref name="predicate"/> holds or <see cref="Patience"/> runs out.</summary>
    public Task<List<QueueMessage>> ReceiveUntilAsync(string queueName, Func<IReadOnlyList<QueueMessage>, bool> predicate) =>
        ReceiveUntilAsync(queueName, predicate, Patience);

    /// <summary>Receives (and deletes) every message the queue holds now, without waiting for more.</summary>
    public Task<List<QueueMessage>> ReceiveAllNowAsync(string queueName) =>
        ReceiveUntilAsync(queueName, _ => false, TimeSpan.Zero);

    /// <summary>Messages in the queue, visible or not (being processed, or waiting for a retry).</summary>
    public async Task<int> CountAsync(string queueName) =>
        (await Queue(queueName).GetPropertiesAsync()).Value.ApproximateMessagesCount;

    private async Task<List<QueueMessage>> ReceiveUntilAsync(
        string queueName, Func<IReadOnlyList<QueueMessage>, bool> predicate, TimeSpan timeout)
    {
        var queue = Queue(queueName);
        await queue.CreateIfNotExistsAsync();
        var received = new List<QueueMessage>();
        var deadline = DateTime.UtcNow + timeout;
        while (!predicate(received))
        {
            QueueMessage[] batch = await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), CancellationToken.None);
            foreach (var message in batch)
            {
                received.Add(message);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }

            if (batch.Length == 0)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    break;
                }

                await Task.Delay(100, CancellationToken.None);
            }
        }

        return received;
    }
}

[CollectionDefinition(Name)]
public sealed class LocalHostCollection : ICollectionFixture<LocalHostFixture>
{
    public const string Name = "local host";
}
