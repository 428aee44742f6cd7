using Emoty.Domain.Sync;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Emoty.Functions.Timers;

/// <summary>
/// Sends a queue message for every sync batch that has none coming: stored while the queue was
/// down, or stalled past its lease (a worker that died, a message that went to poison).
/// Schedule: the SyncRecoverySchedule setting.
/// </summary>
public sealed class SyncBatchesRecovery(SyncService sync, ILogger<SyncBatchesRecovery> logger)
{
    [Function(nameof(SyncBatchesRecovery))]
    public async Task Run([TimerTrigger("%SyncRecoverySchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var sent = await sync.RecoverAsync(cancellationToken);
        if (sent > 0)
        {
            logger.LogWarning("Re-enqueued {Count} stranded sync batch(es); past due: {PastDue}", sent, timer.IsPastDue);
        }
    }
}
