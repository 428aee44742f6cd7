using System.Text.Json.Serialization;

namespace Emoty.Domain.Analytics;

/// <summary>
/// One usage event as it travels through the usage-events queue into pattern_usage_events.
/// <see cref="Authorized"/> marks events the server recorded itself after an authorized read (a
/// view counted on GET, also through a share link); events clients post are checked against the
/// pattern's access when they are aggregated.
/// </summary>
public sealed record UsageEvent(Guid EventId, Guid PatternId, Guid? UserId, string Viewer, string Type, DateTime OccurredAt, bool Authorized);

/// <summary>One queue message: events of one request, or of one flush of counted views.</summary>
public sealed record UsageEventBatch(UsageEvent[] Events);

/// <summary>POST /api/events → 202.</summary>
public sealed record EventsAccepted(int Accepted);

public static class UsageEventTypes
{
    public const string View = "view";
    public const string Copy = "copy";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { View, "like", "share", Copy, "download", "edit" };
}

[JsonSerializable(typeof(UsageEventBatch))]
internal sealed partial class UsageEventJsonContext : JsonSerializerContext;
