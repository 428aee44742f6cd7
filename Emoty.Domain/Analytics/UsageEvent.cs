using System.Text.Json.Serialization;

namespace Emoty.Domain.Analytics;

/// <summary>
/// <see cref="Authorized"/> marks events the server recorded itself after an authorized read (also through a share link);
/// events clients post are checked against the pattern's access when they are aggregated.
/// </summary>
public sealed record UsageEvent(Guid EventId, Guid PatternId, Guid? UserId, string Viewer, string Type, DateTime OccurredAt, bool Authorized);

public sealed record UsageEventBatch(UsageEvent[] Events);

public sealed record EventsAccepted(int Accepted);

public static class UsageEventTypes
{
    public const string View = "view";
    public const string Copy = "copy";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { View, "like", "share", Copy, "download", "edit" };
}

[JsonSerializable(typeof(UsageEventBatch))]
internal sealed partial class UsageEventJsonContext : JsonSerializerContext;
