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
                _multiplexer = await ConnectionMultiplexer.ConnectAsync(options);
                _multiplexer.ConnectionFailed += (_, e) =>
                    logger.LogWarning(e.Exception, "Redis connection to {Endpoint} failed: {FailureType}", e.EndPoint, e.FailureType);
                _multiplexer.ConnectionRestored += (_, e) =>
                    logger.LogInformation("Redis connection to {Endpoint} restored", e.EndPoint);
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
