using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Emoty.LocalHost.Tests.Infrastructure;

/// <summary>Keeps the host's log lines (warnings and up) so tests can look at what it said.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public CapturedLogs() => Factory = LoggerFactory.Create(logging => logging.AddProvider(this).SetMinimumLevel(LogLevel.Warning));

    public ILoggerFactory Factory { get; }

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
    }
}
