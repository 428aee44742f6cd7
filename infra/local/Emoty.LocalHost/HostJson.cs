using System.Globalization;
using System.Text.Json;

namespace Emoty.LocalHost;

/// <summary>The parts of host.json that change how triggers behave, with the real host's defaults.</summary>
internal sealed record HostJson
{
    public string RoutePrefix { get; init; } = "api";

    public QueueSettings Queues { get; init; } = new();

    public static HostJson Load(string path)
    {
        if (!File.Exists(path))
        {
            return new HostJson();
        }

        using var document = JsonDocument.Parse(
            File.ReadAllBytes(path),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var extensions = Child(document.RootElement, "extensions");
        var http = Child(extensions, "http");
        var queues = Child(extensions, "queues");
        var defaults = new QueueSettings();

        var batchSize = Math.Clamp(Int(queues, "batchSize") ?? defaults.BatchSize, 1, 32);
        return new HostJson
        {
            // The real host trims slashes: "/api/" and "api" mean the same prefix; "" means none.
            RoutePrefix = (String(http, "routePrefix") ?? "api").Trim('/'),
            Queues = new QueueSettings
            {
                BatchSize = batchSize,
                NewBatchThreshold = Int(queues, "newBatchThreshold") ?? batchSize / 2 * Environment.ProcessorCount,
                MaxDequeueCount = Math.Max(1, Int(queues, "maxDequeueCount") ?? defaults.MaxDequeueCount),
                VisibilityTimeout = Span(queues, "visibilityTimeout") ?? defaults.VisibilityTimeout,
                MaxPollingInterval = Max(Span(queues, "maxPollingInterval") ?? defaults.MaxPollingInterval, QueueSettings.MinPollingInterval),
                Base64 = !string.Equals(String(queues, "messageEncoding"), "none", StringComparison.OrdinalIgnoreCase),
            },
        };
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    // host.json property names are case-insensitive in the real host.
    private static JsonElement Child(JsonElement element, string name)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value;
                }
            }
        }

        return default;
    }

    private static string? String(JsonElement element, string name) =>
        Child(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static int? Int(JsonElement element, string name) => Child(element, name) switch
    {
        { ValueKind: JsonValueKind.Number } n => n.GetInt32(),
        { ValueKind: JsonValueKind.String } s when int.TryParse(s.GetString(), CultureInfo.InvariantCulture, out var i) => i,
        _ => null,
    };

    private static TimeSpan? Span(JsonElement element, string name) =>
        String(element, name) is { } text && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
}

/// <summary><c>extensions.queues</c> of host.json.</summary>
internal sealed record QueueSettings
{
    public static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    public int BatchSize { get; init; } = 16;

    public int NewBatchThreshold { get; init; } = 8 * Environment.ProcessorCount;

    public int MaxDequeueCount { get; init; } = 5;

    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    public bool Base64 { get; init; } = true;
}
