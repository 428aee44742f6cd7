using System.Net;
using System.Text;
using System.Text.Json;
using Emoty.Domain.Analytics;
using Emoty.Domain.Exports;
using Emoty.Functions.Middleware;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Emoty.Functions.Http;

/// <summary>The Analytics section of api.md.</summary>
public sealed class Analytics(AnalyticsService analytics)
{
    [Function("PostEvents")]
    public async Task<HttpResponseData> PostEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "events")] HttpRequestData request, FunctionContext context)
    {
        using var body = await request.ReadJsonAsync(context.CancellationToken);
        var accepted = await analytics.RecordAsync(context.GetCaller(), body.RootElement, context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.Accepted, accepted, context.CancellationToken);
    }

    [Function("GetPatternAnalytics")]
    public async Task<HttpResponseData> ForPattern(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patterns/{id:guid}/analytics")] HttpRequestData request, Guid id, FunctionContext context)
    {
        var figures = await analytics.ForPatternAsync(context.GetCaller(), id, context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, figures, context.CancellationToken);
    }

    [Function("GetMyAnalytics")]
    public async Task<HttpResponseData> ForMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/analytics")] HttpRequestData request, FunctionContext context)
    {
        var figures = await analytics.ForMeAsync(context.GetCaller(), context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, figures, context.CancellationToken);
    }

    [Function("GetPlatformAnalytics")]
    public async Task<HttpResponseData> Platform(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/platform")] HttpRequestData request, FunctionContext context)
    {
        var figures = await analytics.PlatformAsync(context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, figures, context.CancellationToken);
    }

    [Function("GetActivityFeed")]
    public async Task<HttpResponseData> Feed(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/feed")] HttpRequestData request, FunctionContext context)
    {
        var feed = await analytics.FeedAsync(request.QueryPairs(), context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, feed, context.CancellationToken);
    }

    /// <summary>
    /// Writes the caller's events as they are read from PostgreSQL (never a list of them in memory); the
    /// worker's built-in HTTP model still hands the host the whole body at once (README, Known limits).
    /// </summary>
    [Function("ExportMyAnalytics")]
    public async Task<HttpResponseData> Export(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/analytics/export")] HttpRequestData request, FunctionContext context)
    {
        var format = ExportFormats.Parse(request.QueryPairs(), ExportFormat.Json, ExportFormat.Csv);
        var events = analytics.ExportAsync(context.GetCaller(), context.CancellationToken);
        var response = request.CreateResponse(HttpStatusCode.OK);
        var extension = format == ExportFormat.Csv ? "csv" : "json";
        response.Headers.Add("Content-Type", format == ExportFormat.Csv ? "text/csv; charset=utf-8" : HttpJson.JsonContentType);
        response.Headers.Add("Content-Disposition", $"attachment; filename=\"emoty-usage.{extension}\"");
        if (format == ExportFormat.Csv)
        {
            await WriteCsvAsync(response.Body, events, context.CancellationToken);
        }
        else
        {
            await WriteJsonAsync(response.Body, events, context.CancellationToken);
        }

        return response;
    }

    private static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<ExportedEvent> events, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), leaveOpen: true);
        await writer.WriteLineAsync("event_id,pattern_id,type,occurred_at");
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            // Every field is a uuid, a known word or a timestamp: nothing needs quoting.
            await writer.WriteLineAsync($"{e.EventId},{e.PatternId},{e.Type},{e.OccurredAt:yyyy-MM-ddTHH:mm:ss.fffZ}");
        }
    }

    private static async Task WriteJsonAsync(Stream body, IAsyncEnumerable<ExportedEvent> events, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartObject();
        writer.WriteString("exported_at", DateTime.UtcNow);
        writer.WriteStartArray("events");
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            writer.WriteStartObject();
            writer.WriteString("event_id", e.EventId);
            writer.WriteString("pattern_id", e.PatternId);
            writer.WriteString("type", e.Type);
            writer.WriteString("occurred_at", e.OccurredAt);
            writer.WriteEndObject();
            if (writer.BytesPending > 16 * 1024)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }
}
