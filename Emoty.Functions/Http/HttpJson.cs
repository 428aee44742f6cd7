using System.IO.Compression;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Emoty.Domain.Analytics;
using Emoty.Domain.Collections;
using Emoty.Domain.Errors;
using Emoty.Domain.Health;
using Emoty.Domain.Patterns;
using Emoty.Domain.Sharing;
using Emoty.Domain.Sync;
using Emoty.Domain.Telemetry;
using Emoty.Domain.Users;
using Microsoft.Azure.Functions.Worker.Http;

namespace Emoty.Functions.Http;

/// <summary>The API's JSON: snake_case, source-generated (no reflection per request).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DictionaryKeyPolicy = JsonKnownNamingPolicy.Unspecified)]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(PatternResource))]
[JsonSerializable(typeof(SearchPage))]
[JsonSerializable(typeof(FavoriteToggle))]
[JsonSerializable(typeof(BatchResult))]
[JsonSerializable(typeof(PatternVersionList))]
[JsonSerializable(typeof(CollectionResource))]
[JsonSerializable(typeof(CollectionDetail))]
[JsonSerializable(typeof(CollectionPage))]
[JsonSerializable(typeof(AddPatternsResult))]
[JsonSerializable(typeof(Share))]
[JsonSerializable(typeof(ShareList))]
[JsonSerializable(typeof(ShareLink))]
[JsonSerializable(typeof(ShareLinkList))]
[JsonSerializable(typeof(EventsAccepted))]
[JsonSerializable(typeof(PatternAnalytics))]
[JsonSerializable(typeof(UserAnalytics))]
[JsonSerializable(typeof(PlatformAnalytics))]
[JsonSerializable(typeof(ActivityFeed))]
[JsonSerializable(typeof(SyncAccepted))]
[JsonSerializable(typeof(SyncBatchStatus))]
[JsonSerializable(typeof(SyncChangePage))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;

internal static class HttpJson
{
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();

    public static async Task<HttpResponseData> JsonAsync<T>(this HttpRequestData request, HttpStatusCode status, T value, CancellationToken cancellationToken)
    {
        var response = request.CreateResponse(status);
        response.Headers.Add("Content-Type", JsonContentType);
        var typeInfo = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)ApiJsonContext.Default.GetTypeInfo(typeof(T))!;
        await JsonSerializer.SerializeAsync(response.Body, value, typeInfo, cancellationToken);
        return response;
    }

    /// <summary>A pattern with its ETag, so the client can send it back as If-Match.</summary>
    public static async Task<HttpResponseData> PatternAsync(this HttpRequestData request, HttpStatusCode status, PatternResource pattern, CancellationToken cancellationToken)
    {
        var response = await request.JsonAsync(status, pattern, cancellationToken);
        response.Headers.Add("ETag", Patterns.ETag(pattern.Version));
        return response;
    }

    public static async Task<HttpResponseData> CollectionAsync<T>(this HttpRequestData request, HttpStatusCode status, T collection, CancellationToken cancellationToken)
        where T : CollectionResource
    {
        var response = await request.JsonAsync(status, collection, cancellationToken);
        response.Headers.Add("ETag", Patterns.ETag(collection.Version));
        return response;
    }

    /// <summary>
    /// A gzip stream over <paramref name="response"/>'s body when the request's Accept-Encoding
    /// allows it (the headers then say so), else null: write to the body itself. Dispose it before
    /// returning the response, so that the gzip trailer is written.
    /// </summary>
    public static GZipStream? GzipIfAccepted(this HttpRequestData request, HttpResponseData response)
    {
        response.Headers.Add("Vary", "Accept-Encoding");
        if (!AcceptsGzip(request))
        {
            return null;
        }

        response.Headers.Add("Content-Encoding", "gzip");
        return new GZipStream(response.Body, CompressionLevel.Optimal, leaveOpen: true);
    }

    private static bool AcceptsGzip(HttpRequestData request)
    {
        if (!request.Headers.TryGetValues("Accept-Encoding", out var values))
        {
            return false;
        }

        foreach (var coding in values.SelectMany(v => v.Split(',')))
        {
            var parts = coding.Split(';');
            if (parts[0].Trim().Equals("gzip", StringComparison.OrdinalIgnoreCase))
            {
                // "gzip;q=0" says no.
                return !parts.Skip(1).Any(p => p.Trim().StartsWith("q=", StringComparison.Ordinal)
                    && decimal.TryParse(p.Trim()[2..], System.Globalization.CultureInfo.InvariantCulture, out var q) && q == 0);
            }
        }

        return false;
    }

    /// <summary>
    /// Writes <paramref name="items"/> as they arrive, as one JSON array or, with
    /// <paramref name="lines"/>, one document per line (NDJSON), flushing every 64 KiB or line.
    /// </summary>
    public static async Task WriteSequenceAsync<T>(Stream body, IAsyncEnumerable<T> items, bool lines, CancellationToken cancellationToken)
    {
        var typeInfo = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)ApiJsonContext.Default.GetTypeInfo(typeof(T))!;
        await using var writer = new Utf8JsonWriter(body);
        if (!lines)
        {
            writer.WriteStartArray();
        }

        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, item, typeInfo);
            if (lines)
            {
                // Each line is a document of its own: flush it, end the line, start the next afresh.
                await writer.FlushAsync(cancellationToken);
                await body.WriteAsync(NewLine, cancellationToken);
                writer.Reset();
            }
            else if (writer.BytesPending > 64 * 1024)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        if (!lines)
        {
            writer.WriteEndArray();
        }

        await writer.FlushAsync(cancellationToken);
    }

    public static async Task<HttpResponseData> ProblemAsync(this HttpRequestData request, Problem problem, string traceId, CancellationToken cancellationToken)
    {
        var response = request.CreateResponse((HttpStatusCode)problem.Status);
        response.Headers.Add("Content-Type", ProblemContentType);
        EmotyMetrics.RecordProblem(problem);
        await JsonSerializer.SerializeAsync(response.Body, problem with { TraceId = traceId }, ApiJsonContext.Default.Problem, cancellationToken);
        return response;
    }
}
