using Emoty.Domain.Queues;
using Microsoft.Extensions.Configuration;

namespace Emoty.Domain;

/// <summary>Every setting the app reads, with its default; README's "Configuration" table lists the same names.</summary>
public sealed record EmotySettings
{
    public required string PostgresConnectionString { get; init; }
    public required string RedisConnectionString { get; init; }
    public required string StorageConnectionString { get; init; }

    public bool RequireVersionOnWrite { get; init; }

    /// <summary>The origin share links point at. Required outside Development, since a request's Host is the client's to write.</summary>
    public string? PublicBaseUrl { get; init; }

    /// <summary>
    /// The front end (Azure's, and the local host) appends the client's address to X-Forwarded-For, so only that last entry is read.
    /// False: the header is ignored and anonymous visitors are not told apart.
    /// </summary>
    public bool TrustForwardedFor { get; init; } = true;

    /// <summary>Every instance needs the same.</summary>
    public required string CursorKey { get; init; }

    /// <summary>An older cursor is 410.</summary>
    public TimeSpan FeedRetention { get; init; } = TimeSpan.FromDays(30);

    public QueueNames Queues { get; init; } = QueueNames.Default;

    public static EmotySettings From(IConfiguration configuration) => new()
    {
        PostgresConnectionString = configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException("Setting ConnectionStrings:Postgres (ConnectionStrings__Postgres) is required."),
        RedisConnectionString = configuration.GetConnectionString("Redis") ?? "127.0.0.1:63799",
        StorageConnectionString = configuration["AzureWebJobsStorage"] ?? "UseDevelopmentStorage=true",
        RequireVersionOnWrite = bool.TryParse(configuration["Api:RequireVersionOnWrite"], out var require) && require,
        PublicBaseUrl = PublicBaseUrlFrom(configuration),
        TrustForwardedFor = !bool.TryParse(configuration["Api:TrustForwardedFor"], out var trust) || trust,
        CursorKey = configuration["Api:CursorKey"] is { Length: > 0 } key && System.Text.Encoding.UTF8.GetByteCount(key) >= Paging.CursorSigner.MinKeyBytes
            ? key
            : throw new InvalidOperationException($"Setting Api:CursorKey (Api__CursorKey) is required: a secret of at least {Paging.CursorSigner.MinKeyBytes} bytes that signs page cursors, the same on every instance."),
        FeedRetention = TimeSpan.FromDays(PositiveInt(configuration, "Sync:FeedRetentionDays") ?? 30),
        Queues = new QueueNames(
            configuration[QueueNames.UsageEventsSetting] ?? QueueNames.Default.UsageEvents,
            configuration[QueueNames.SyncBatchesSetting] ?? QueueNames.Default.SyncBatches),
    };

    private static string? PublicBaseUrlFrom(IConfiguration configuration)
    {
        var value = configuration["Api:PublicBaseUrl"];
        if (!string.IsNullOrWhiteSpace(value))
        {
            return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
                ? value.TrimEnd('/')
                : throw new InvalidOperationException("Setting Api:PublicBaseUrl (Api__PublicBaseUrl) must be an absolute http(s) origin, such as https://emoty.app.");
        }

        var environment = configuration["AZURE_FUNCTIONS_ENVIRONMENT"] ?? configuration["DOTNET_ENVIRONMENT"] ?? "Production";
        return environment.Equals("Development", StringComparison.OrdinalIgnoreCase)
            ? null
            : throw new InvalidOperationException("Setting Api:PublicBaseUrl (Api__PublicBaseUrl) is required outside Development: share links must not point wherever a request's Host header says.");
    }

    private static int? PositiveInt(IConfiguration configuration, string key) =>
        configuration[key] is not { Length: > 0 } text ? null
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value
        : throw new InvalidOperationException($"Setting {key} ({key.Replace(":", "__", StringComparison.Ordinal)}) must be a positive whole number.");
}
