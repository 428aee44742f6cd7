using System.Text.Json;
using Azure.Storage.Queues;
using Emoty.Domain.Queues;

namespace Emoty.Domain.Sync;

/// <summary>
/// A message only names a batch, <c>{"batch_id":"…"}</c>: the operations stay in PostgreSQL, so a message
/// can be lost, repeated or poisoned without losing or repeating any work.
/// </summary>
public sealed class SyncQueue(QueueServiceClient queues, EmotySettings settings, TimeProvider time)
{
    private readonly AppQueue _queue = new(queues.GetQueueClient(settings.Queues.SyncBatches), time);

    public Task SendAsync(Guid batchId, CancellationToken cancellationToken, TimeSpan? delay = null) =>
        _queue.SendAsync(BinaryData.FromString(Format(batchId)), cancellationToken, delay);

    public static string Format(Guid batchId) => JsonSerializer.Serialize(new Dictionary<string, Guid> { ["batch_id"] = batchId });

    public static Guid? Parse(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(message);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("batch_id", out var id)
                   && id.ValueKind == JsonValueKind.String
                   && Guid.TryParseExact(id.GetString(), "D", out var batchId)
                ? batchId
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
