using Emoty.Domain.Queues;
using Microsoft.Extensions.Configuration;

namespace Emoty.Domain;

/// <summary>
/// Every setting the app reads, in one place, with its default. README's "Configuration" table
/// lists the same names; environment variables use <c>__</c> for <c>:</c>.
/// </summary>
public sealed record EmotySettings
{
    public required string PostgresConnectionString { get; init; }
    public required string RedisConnectionString { get; init; }
    public required string StorageConnectionString { get; init; }

    /// <summary>Api:RequireVersionOnWrite: writes without If-Match or a body version are 428.</summary>
    public bool RequireVersionOnWrite { get; init; }

    /// <summary>Api:PublicBaseUrl: the origin share links point at; by default the origin the request came to.</summary>
    public string? PublicBaseUrl { get; init; }

    /// <summary>UsageEventsQueue and SyncBatchesQueue: the names of the two storage queues.</summary>
    public QueueNames Queues { get; init; } = QueueNames.Default;

    public static EmotySettings From(IConfiguration configuration) => new()
    {
        PostgresConnectionString = configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException("Setting ConnectionStrings:Postgres (ConnectionStrings__Postgres) is required."),
        RedisConnectionString = configuration.GetConnectionString("Redis") ?? "127.0.0.1:63799",
        StorageConnectionString = configuration["AzureWebJobsStorage"] ?? "UseDevelopmentStorage=true",
        RequireVersionOnWrite = bool.TryParse(configuration["Api:RequireVersionOnWrite"], out var require) && require,
        PublicBaseUrl = string.IsNullOrWhiteSpace(configuration["Api:PublicBaseUrl"]) ? null : configuration["Api:PublicBaseUrl"],
        Queues = new QueueNames(
            configuration[QueueNames.UsageEventsSetting] ?? QueueNames.Default.UsageEvents,
            configuration[QueueNames.SyncBatchesSetting] ?? QueueNames.Default.SyncBatches),
    };
}
