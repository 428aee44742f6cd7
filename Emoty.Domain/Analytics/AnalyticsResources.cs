namespace Emoty.Domain.Analytics;

/// <summary>Event counts by type.</summary>
public sealed record EventTotals(long Views, long Likes, long Shares, long Copies, long Downloads, long Edits);

public sealed record DailyUsage(DateOnly Date, long Views, long Likes, long Shares, long Copies, long Downloads, long Edits, long UniqueUsers);

/// <summary>GET /api/patterns/{id}/analytics. Totals from the running totals and daily from the live rollups, both as of <see cref="RefreshedAt"/> (now).</summary>
public sealed record PatternAnalytics(
    Guid PatternId, EventTotals Totals, long UniqueUsers, long CollectionCount, DateTime? LastEventAt,
    IReadOnlyList<DailyUsage> Daily, DateTime? RefreshedAt);

public sealed record UserTotals(
    long Patterns, long PublicPatterns, long Collections, long FavoritesReceived,
    long Views, long Likes, long Shares, long Copies, long Downloads, long Edits, long UniqueUsers);

public sealed record MonthlyUsage(string Month, long PatternsCreated, long Views);

public sealed record TagCount(string Tag, long Count);

public sealed record DifficultyCount(int DifficultyRating, long Count);

/// <summary>GET /api/me/analytics.</summary>
public sealed record UserAnalytics(
    Guid UserId, UserTotals Totals, IReadOnlyList<MonthlyUsage> Monthly, IReadOnlyList<TagCount> TopTags,
    IReadOnlyList<DifficultyCount> Difficulty, DateTime? RefreshedAt);

public sealed record DailyCount(DateOnly Date, long Patterns);

public sealed record Creator(Guid UserId, string? Username, long PublicPatterns, long Likes);

/// <summary>GET /api/analytics/platform. ActiveUsers: users seen in the last 30 days.</summary>
public sealed record PlatformAnalytics(
    long ActiveUsers, long Users, long Patterns, long PublicPatterns, long Collections,
    IReadOnlyList<TagCount> TopTags, IReadOnlyList<DailyCount> CreationTrend, IReadOnlyList<Creator> TopCreators,
    DateTime? RefreshedAt, DateTime GeneratedAt);

public sealed record FeedItem(string Type, Guid PatternId, string PatternName, string? Username, DateTime OccurredAt);

/// <summary>GET /api/analytics/feed: recent public activity, newest first.</summary>
public sealed record ActivityFeed(IReadOnlyList<FeedItem> Data);

/// <summary>One row of GET /api/me/analytics/export.</summary>
public sealed record ExportedEvent(Guid EventId, Guid PatternId, string Type, DateTime OccurredAt);
