using Azure.Monitor.OpenTelemetry.Exporter;
using Emoty.Domain.Caching;
using Emoty.Domain.Telemetry;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Emoty.Functions;

/// <summary>
/// OpenTelemetry for the worker: a trace per invocation (the worker's own activity, parented by the
/// host's) with PostgreSQL and Redis spans, and the metrics of the app's meter plus Npgsql's pool
/// and command metrics. Exported to Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING
/// is set, and besides, or instead, to the console or an OTLP endpoint as Telemetry__Exporter says.
/// </summary>
internal static class TelemetrySetup
{
    public const string ExporterSetting = "Telemetry:Exporter";
    public const string AppInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static IServiceCollection AddEmotyTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var exporter = Exporter(configuration);
        var appInsights = !string.IsNullOrWhiteSpace(configuration[AppInsightsSetting]);
        if (exporter == "none" && !appInsights)
        {
            // Nothing would read it: no providers, no listeners, no cost.
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing
                .AddNpgsql()
                .AddRedisInstrumentation()
                // The multiplexer is made on first use; its commands are traced from then on.
                .ConfigureRedisInstrumentation((provider, redis) =>
                    provider.GetRequiredService<RedisConnection>().WhenConnected(multiplexer => redis.AddConnection(multiplexer))))
            .WithMetrics(metrics => metrics
                .AddMeter(EmotyMetrics.MeterName)
                .AddNpgsqlInstrumentation());

        if (appInsights)
        {
            // Reads the connection string from the same setting.
            telemetry.UseAzureMonitorExporter();
        }

        switch (exporter)
        {
            case "console":
                telemetry.WithTracing(tracing => tracing.AddConsoleExporter()).WithMetrics(metrics => metrics.AddConsoleExporter());
                break;
            case "otlp":
                // OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4317) and the other OTEL_EXPORTER_OTLP_* settings.
                telemetry.UseOtlpExporter();
                break;
        }

        return services;
    }

    private static string Exporter(IConfiguration configuration)
    {
        var value = (configuration[ExporterSetting] ?? "none").Trim().ToLowerInvariant();
        return value is "" ? "none"
            : value is "none" or "console" or "otlp" ? value
            : throw new InvalidOperationException($"Setting {ExporterSetting} (Telemetry__Exporter) must be none, console or otlp, not '{value}'.");
    }
}
