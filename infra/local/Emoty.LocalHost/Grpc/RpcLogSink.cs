using System.Collections.Concurrent;
using Emoty.LocalHost.Rpc;

namespace Emoty.LocalHost.Grpc;

/// <summary>Turns the worker's RpcLog messages into ILogger entries, one logger per worker category.</summary>
internal sealed class RpcLogSink(ILoggerFactory loggerFactory)
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public void Write(RpcLog log)
    {
        var level = log.Level switch
        {
            RpcLog.Types.Level.Trace => LogLevel.Trace,
            RpcLog.Types.Level.Debug => LogLevel.Debug,
            RpcLog.Types.Level.Information => LogLevel.Information,
            RpcLog.Types.Level.Warning => LogLevel.Warning,
            RpcLog.Types.Level.Error => LogLevel.Error,
            RpcLog.Types.Level.Critical => LogLevel.Critical,
            _ => LogLevel.None,
        };
        var category = string.IsNullOrEmpty(log.Category) ? "Worker" : log.Category;
        var logger = _loggers.GetOrAdd(category, static (name, factory) => factory.CreateLogger(name), loggerFactory);
        if (!logger.IsEnabled(level))
        {
            return;
        }

        if (log.Exception is { } exception)
        {
            logger.Log(level, "{Message}{NewLine}{Exception}", log.Message, Environment.NewLine, exception.Message);
        }
        else
        {
            logger.Log(level, "{Message}", log.Message);
        }
    }
}
