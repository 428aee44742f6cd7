using System.Collections.Concurrent;
using Emoty.Domain.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace Emoty.Domain.Analytics;

/// <summary>
/// Counts what the server itself sees people do (a view when a pattern is read, a copy when it is
/// duplicated) without making the request wait for the queue: events are gathered in memory and
/// sent as one message per second (or per 120 events). A viewer seen doing the same to the same
/// pattern on this instance in the last 10 minutes is not sent again; the aggregation applies the
/// same rule across instances. Views still buffered when the app stops are flushed on disposal; a queue outage
/// keeps at most <see cref="MaxPending"/> of them for the next flush and then drops (logged):
/// views are figures, and a read never fails because of them.
/// </summary>
public sealed class ViewRecorder : IAsyncDisposable
{
    public static readonly TimeSpan ViewWindow = TimeSpan.FromMinutes(10);
    private const int MaxPending = 10_000;
    private static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(1);

    private readonly UsageEventQueue _queue;
    private readonly IMemoryCache _seen;
    private readonly TimeProvider _time;
    private readonly ILogger<ViewRecorder> _logger;
    private readonly ConcurrentQueue<UsageEvent> _pending = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly ITimer _timer;

    public ViewRecorder(UsageEventQueue queue, IMemoryCache seen, TimeProvider time, ILogger<ViewRecorder> logger)
    {
        _queue = queue;
        _seen = seen;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(_ => _ = FlushAsync(), null, FlushEvery, FlushEvery);
    }

    public void Record(Guid patternId, Caller caller, string type = UsageEventTypes.View)
    {
        var viewer = caller.Viewer;
        var key = (nameof(ViewRecorder), patternId, viewer, type);
        if (_seen.TryGetValue(key, out _))
        {
            return;
        }

        _seen.Set(key, true, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = ViewWindow, Size = 128 });
        _pending.Enqueue(new UsageEvent(Guid.CreateVersion7(), patternId, caller.UserId, viewer, type,
            _time.GetUtcNow().UtcDateTime, Authorized: true));
        if (_pending.Count >= UsageEventQueue.EventsPerMessage)
        {
            _ = FlushAsync();
        }
    }

    /// <summary>Sends what is pending; shutdown calls it so as not to wait for the timer.</summary>
    public async Task FlushAsync()
    {
        if (_pending.IsEmpty || !await _flushing.WaitAsync(0))
        {
            return;
        }

        var batch = new List<UsageEvent>();
        try
        {
            while (_pending.TryDequeue(out var view))
            {
                batch.Add(view);
            }

            await _queue.EnqueueAsync(batch, CancellationToken.None);
        }
        catch (Exception e)
        {
            var kept = batch.Take(Math.Max(0, MaxPending - _pending.Count)).ToList();
            kept.ForEach(_pending.Enqueue);
            _logger.LogWarning(e, "Could not queue {Count} counted views; {Kept} are kept for the next attempt", batch.Count, kept.Count);
        }
        finally
        {
            _flushing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync();
        await FlushAsync();
    }
}
