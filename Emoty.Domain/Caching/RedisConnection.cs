using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Emoty.Domain.Caching;

/// <summary>
/// The one Redis multiplexer of the process, connected lazily and never allowed to fail startup:
/// with Redis down the app keeps serving from PostgreSQL, and the multiplexer reconnects by itself.
/// </summary>
public sealed class RedisConnection(string configuration, ILogger<RedisConnection> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnectionMultiplexer? _multiplexer;
    private readonly Lock _hooks = new();
    private Action<IConnectionMultiplexer>? _connected;

    /// <summary>Raised when the connection comes back after an outage (invalidations may have been missed meanwhile).</summary>
    public event Action? Restored;

    /// <summary>Whether Redis can be used right now; the first call waits for the first connection attempt.</summary>
    public async ValueTask<bool> IsConnectedAsync() => (_multiplexer ?? await GetAsync()).IsConnected;

    /// <summary>
    /// Calls <paramref name="action"/> with the multiplexer once it exists (at once if it does), e.g.
    /// to attach tracing to it: it is created on first use, after the app's services are built.
    /// </summary>
    public void WhenConnected(Action<IConnectionMultiplexer> action)
    {
        IConnectionMultiplexer? ready;
        lock (_hooks)
        {
            ready = _multiplexer;
            if (ready is null)
            {
                _connected += action;
            }
        }

        if (ready is not null)
        {
            action(ready);
        }
    }

    public async Task<IConnectionMultiplexer> GetAsync()
    {
        if (_multiplexer is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync();
        try
        {
            if (_multiplexer is null)
            {
                var options = ConfigurationOptions.Parse(configuration);
                options.AbortOnConnectFail = false;
                options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
                options.SyncTimeout = Math.Min(options.SyncTimeout, 1000);
                options.AsyncTimeout = Math.Min(options.AsyncTimeout, 1000);
                // A cache must not queue commands during an outage: fail them at once and use PostgreSQL.
                options.BacklogPolicy = BacklogPolicy.FailFast;
                var multiplexer = await ConnectionMultiplexer.ConnectAsync(options);
                Action<IConnectionMultiplexer>? connected;
                lock (_hooks)
                {
                    _multiplexer = multiplexer;
                    (connected, _connected) = (_connected, null);
                }

                connected?.Invoke(multiplexer);
                multiplexer.ConnectionFailed += (_, e) =>
                    logger.LogWarning(e.Exception, "Redis connection to {Endpoint} failed: {FailureType}", e.EndPoint, e.FailureType);
                multiplexer.ConnectionRestored += (_, e) =>
                {
                    logger.LogInformation("Redis connection to {Endpoint} restored", e.EndPoint);
                    Restored?.Invoke();
                };
            }

            return _multiplexer;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is not null)
        {
            await _multiplexer.DisposeAsync();
        }

        _gate.Dispose();
    }
}
