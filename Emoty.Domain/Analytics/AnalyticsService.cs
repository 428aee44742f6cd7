using System.Globalization;
using System.Text.Json;
using Emoty.Domain.Access;
using Emoty.Domain.Caching;
using Emoty.Domain.Errors;
using Emoty.Domain.Identity;
using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;
using Microsoft.Extensions.Logging;
using ZiggyCreatures.Caching.Fusion;

namespace Emoty.Domain.Analytics;

/// <summary>
/// Usage analytics: events in through the queue, figures out. Per-pattern figures are for those
/// who manage the pattern (owner, admin); a user's own figures for the user; platform figures and
/// the activity feed for anyone, as they only name public patterns.
/// </summary>
public sealed class AnalyticsService(
    AnalyticsStore store, UsageEventQueue queue, PatternService patterns,
    EmotyCache cache, TimeProvider time, ILogger<AnalyticsService> logger)
{
    public const int MaxFeedLimit = 100;
    private static readonly FusionCacheEntryOptions PlatformCaching = EmotyCache.EntryOptions(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1));

    /// <summary>POST /api/events: validated now, counted when the queue message is processed.</summary>
    public async Task<EventsAccepted> RecordAsync(Caller caller, JsonElement body, CancellationToken cancellationToken)
    {
        var events = UsageEventInput.Parse(body, caller, Now);
        await queue.EnqueueAsync(events, cancellationToken);
        return new EventsAccepted(events.Length);
    }

    /// <summary>The usage-events queue function: safe to run twice on one message (events are keyed by event_id).</summary>
    public async Task ProcessAsync(UsageEventBatch batch, CancellationToken cancellationToken)
    {
        var moved = await store.IngestAsync(batch.Events, cancellationToken);
        logger.LogInformation("Aggregated {Count} usage events; counters of {Patterns} patterns moved", batch.Events.Length, moved.Length);
        await patterns.ForgetCachedAsync(moved);
    }

    /// <summary>The refresh timer: the creators' figures of the materialized view, then the platform figures.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (await store.RefreshAsync(cancellationToken))
        {
            await cache.InvalidateAsync(CacheKeys.PlatformAnalytics, CacheKeys.PlatformAnalytics);
            logger.LogInformation("Refreshed user_analytics");
        }
        else
        {
            logger.LogInformation("user_analytics is being refreshed by another instance; skipped");
        }
    }

    /// <summary>
    /// Raw events are kept while they can still be a duplicate's match: an event may be back-dated
    /// 30 days (<see cref="UsageEventInput"/>) and matches within 10 minutes, so a day more is enough.
    /// Their figures live on in the daily rollups and the running totals.
    /// </summary>
    public static readonly TimeSpan RawEventRetention = TimeSpan.FromDays(31);

    /// <summary>Raw events pruned per statement.</summary>
    public const int PruneBatch = 5000;

    /// <summary>The history pruning timer: raw events older than <see cref="RawEventRetention"/>; returns how many went.</summary>
    public async Task<int> PruneEventsAsync(CancellationToken cancellationToken)
    {
        var pruned = await Pruning.InBatchesAsync((limit, ct) => store.PruneEventsAsync(RawEventRetention, limit, ct), PruneBatch, cancellationToken);
        if (pruned > 0)
        {
            logger.LogInformation("Pruned {Count} raw usage events older than {Days} days", pruned, RawEventRetention.TotalDays);
        }

        return pruned;
    }

    public async Task<PatternAnalytics> ForPatternAsync(Caller caller, Guid patternId, CancellationToken cancellationToken)
    {
        caller.RequireUserId();
        var pattern = await patterns.GetAsync(caller, patternId, cancellationToken);
        if (PatternService.Resolve(pattern, caller.UserId) < Permission.Admin)
        {
            throw new EmotyException(ProblemCode.Forbidden, "A pattern's figures are for its owner and admins.");
        }

        return await store.ForPatternAsync(patternId, cancellationToken);
    }

    public Task<UserAnalytics> ForMeAsync(Caller caller, CancellationToken cancellationToken) =>
        store.ForUserAsync(caller.RequireUserId(), cancellationToken);

    public async Task<PlatformAnalytics> PlatformAsync(CancellationToken cancellationToken) =>
        await cache.GetOrSetAsync(CacheKeys.PlatformAnalytics, CacheKeys.PlatformAnalytics,
            store.PlatformAsync, cancellationToken, PlatformCaching);

    public Task<ActivityFeed> FeedAsync(IEnumerable<KeyValuePair<string, string?>> parameters, CancellationToken cancellationToken)
    {
        var limit = 20;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters)
        {
            if (name == "limit" && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxFeedLimit)
            {
                limit = n;
            }
            else
            {
                errors[name] = [name == "limit" ? $"must be an integer from 1 to {MaxFeedLimit}" : "is not a parameter of this route"];
            }
        }

        return errors.Count > 0
            ? throw new EmotyException(ProblemCode.ValidationFailed, "The query parameters are not valid.", errors)
            : store.FeedAsync(limit, cancellationToken);
    }

    public IAsyncEnumerable<ExportedEvent> ExportAsync(Caller caller, CancellationToken cancellationToken) =>
        store.ExportAsync(caller.RequireUserId(), cancellationToken);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

}
