using Emoty.Domain.Sync;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Emoty.Functions.Queues;

/// <summary>
/// Applies offline-sync batches named by the sync-batches queue (setting SyncBatchesQueue): a
/// message drains its batch's user, in order. A
/// failure that the batch can recover from is rethrown, so the host retries the message; the
/// domain keeps every retry and duplicate delivery from applying anything twice.
/// </summary>
public sealed class SyncBatches(SyncService sync, ILogger<SyncBatches> logger)
{
    [Function(nameof(SyncBatches))]
    public async Task Run([QueueTrigger("%SyncBatchesQueue%")] string message, DateTimeOffset? insertionTime, CancellationToken cancellationToken)
    {
        Domain.Telemetry.EmotyMetrics.RecordQueueMessageAge(Domain.Queues.QueueNames.Default.SyncBatches, insertionTime);
        var delivery = await sync.ProcessMessageAsync(message, cancellationToken);
        logger.LogInformation("Sync batch {BatchId}: {Status}; {Processed} batch(es) of its user processed, {Changed} pattern write(s) committed",
            delivery.BatchId, delivery.Status, delivery.Processed.Count, delivery.ChangedPatternIds.Count);
    }
}
