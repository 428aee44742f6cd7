using System.Text.Json;
using Azure.Storage.Queues;
using Emoty.Domain.Queues;

namespace Emoty.Domain.Analytics;

/// <summary>Puts usage events on the usage-events queue, in messages small enough for a storage queue (64 KiB).</summary>
public sealed class UsageEventQueue(QueueServiceClient queues, EmotySettings settings, TimeProvider time)
{
    /// <summary>An event is at most ~250 bytes of JSON; base64 adds a third: 120 stay well inside 64 KiB.</summary>
    internal const int EventsPerMessage = 120;

    private readonly AppQueue _queue = new(queues.GetQueueClient(settings.Queues.UsageEvents), time);

    public async Task EnqueueAsync(IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken)
    {
        foreach (var chunk in events.Chunk(EventsPerMessage))
        {
            var message = JsonSerializer.SerializeToUtf8Bytes(new UsageEventBatch(chunk), UsageEventJsonContext.Default.UsageEventBatch);
            await _queue.SendAsync(new BinaryData(message), cancellationToken);
        }
    }

    public static UsageEventBatch Read(BinaryData message) =>
        JsonSerializer.Deserialize(message.ToMemory().Span, UsageEventJsonContext.Default.UsageEventBatch)
        ?? throw new JsonException("A usage-events message holds null.");
}
