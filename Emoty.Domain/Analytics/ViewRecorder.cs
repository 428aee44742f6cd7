using System.Collections.Concurrent;
using Emoty.Domain.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace Emoty.Domain.Analytics;

/// <summary>
/// Gathers what the server itself sees (views, copies) in memory and sends a message per second, so no request waits for the queue.
/// A viewer repeating on this instance within 10 minutes is not sent again (the aggregation applies the rule across instances).
/// A queue outage keeps at most <see cref="MaxPending"/> for the next flush and drops the rest: views are figures, and a read never fails for them.
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
