namespace Emoty.Domain.Queues;

/// <summary>
/// The storage queues between the HTTP front and the background work. Their names are settings
/// (the queue triggers read the same ones as <c>%UsageEventsQueue%</c> and <c>%SyncBatchesQueue%</c>)
/// so that several apps can share one storage account, as the tests do, without taking each
/// other's messages.
/// </summary>
public sealed record QueueNames(string UsageEvents, string SyncBatches)
{
    public const string UsageEventsSetting = "UsageEventsQueue";
    public const string SyncBatchesSetting = "SyncBatchesQueue";

    public static QueueNames Default { get; } = new("usage-events", "sync-batches");

    public IReadOnlyList<string> All => [UsageEvents, SyncBatches];
}
