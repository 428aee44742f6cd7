namespace Emoty.Domain.Queues;

/// <summary>
/// The names are settings (the triggers read them as <c>%UsageEventsQueue%</c> and <c>%SyncBatchesQueue%</c>) so that several apps
/// can share one storage account, as the tests do, without taking each other's messages.
/// </summary>
public sealed record QueueNames(string UsageEvents, string SyncBatches)
{
    public const string UsageEventsSetting = "UsageEventsQueue";
    public const string SyncBatchesSetting = "SyncBatchesQueue";

    public static QueueNames Default { get; } = new("usage-events", "sync-batches");

    public IReadOnlyList<string> All => [UsageEvents, SyncBatches];
}
