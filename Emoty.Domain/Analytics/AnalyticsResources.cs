namespace Emoty.Domain.Analytics;

public sealed record EventTotals(long Views, long Likes, long Shares, long Copies, long Downloads, long Edits);

public sealed record DailyUsage(DateOnly Date, long Views, long Likes, long Shares, long Copies, long Downloads, long Edits, long UniqueUsers);

/// <summary>Read live from the running totals and rollups, so <see cref="RefreshedAt"/> is now.</summary>
public sealed record PatternAnalytics(
    Guid PatternId, EventTotals Totals, long UniqueUsers, long CollectionCount, DateTime? LastEventAt,
    IReadOnlyList<DailyUsage> Daily, DateTime? RefreshedAt);

public sealed record UserTotals(
    long Patterns, long PublicPatterns, long Collections, long FavoritesReceived,
    long Views, long Likes, long Shares, long Copies, long Downloads, long Edits, long UniqueUsers);

public sealed record MonthlyUsage(string Month, long PatternsCreated, long Views);

public sealed record TagCount(string Tag, long Count);

public sealed record DifficultyCount(int DifficultyRating, long Count);

public sealed record UserAnalytics(
    Guid UserId, UserTotals Totals, IReadOnlyList<MonthlyUsage> Monthly, IReadOnlyList<TagCount> TopTags,
    IReadOnlyList<DifficultyCount> Difficulty, DateTime? RefreshedAt);

public sealed record DailyCount(DateOnly Date, long Patterns);

public sealed record Creator(Guid UserId, string? Username, long PublicPatterns, long Likes);

/// <summary>ActiveUsers: users seen in the last 30 days.</summary>
public sealed record PlatformAnalytics(
    long ActiveUsers, long Users, long Patterns, long PublicPatterns, long Collections,
    IReadOnlyList<TagCount> TopTags, IReadOnlyList<DailyCount> CreationTrend, IReadOnlyList<Creator> TopCreators,
    DateTime? RefreshedAt, DateTime GeneratedAt);

public sealed record FeedItem(string Type, Guid PatternId, string PatternName, string? Username, DateTime OccurredAt);

public sealed record ActivityFeed(IReadOnlyList<FeedItem> Data);

public sealed record ExportedEvent(Guid EventId, Guid PatternId, string Type, DateTime OccurredAt);
