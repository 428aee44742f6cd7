using System.Net;
using Emoty.Domain.Exports;
using Emoty.Domain.Patterns;
using Emoty.Functions.Middleware;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Emoty.Functions.Http;

/// <summary>The Patterns section of api.md: each function parses, makes one domain call and maps the result.</summary>
public sealed class Patterns(PatternService patterns)
{
    [Function("SearchPatterns")]
    public async Task<HttpResponseData> Search(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patterns")] HttpRequestData request, FunctionContext context)
    {
        var page = await patterns.SearchAsync(context.GetCaller(), request.QueryPairs(), context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, page, context.CancellationToken);
    }

    [Function("CreatePattern")]
    public async Task<HttpResponseData> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "patterns")] HttpRequestData request, FunctionContext context)
    {
        using var body = await request.ReadJsonAsync(context.CancellationToken);
        var pattern = await patterns.CreateAsync(context.GetCaller(), body.RootElement, context.CancellationToken);
        var response = await request.PatternAsync(HttpStatusCode.Created, pattern, context.CancellationToken);
        response.Headers.Add("Location", $"/api/patterns/{pattern.Id}");
        return response;
    }

    [Function("GetPattern")]
    public async Task<HttpResponseData> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patterns/{id:guid}")] HttpRequestData request, Guid id, FunctionContext context)
    {
        var pattern = await patterns.ViewAsync(context.GetCaller(), id, context.CancellationToken);
        if (request.Headers.TryGetValues("If-None-Match", out var tags) && tags.Any(t => t.Contains(ETag(pattern.Version), StringComparison.Ordinal) || t.Trim() == "*"))
        {
            var notModified = request.CreateResponse(HttpStatusCode.NotModified);
            notModified.Headers.Add("ETag", ETag(pattern.Version));
            return notModified;
        }

        return await request.PatternAsync(HttpStatusCode.OK, pattern, context.CancellationToken);
    }

    [Function("UpdatePattern")]
    public Task<HttpResponseData> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "patterns/{id:guid}")] HttpRequestData request, Guid id, FunctionContext context) =>
        UpdateAsync(request, id, context);

    /// <summary>The same partial update as PUT: the web app's detail editor sends PATCH.</summary>
    [Function("PatchPattern")]
    public Task<HttpResponseData> Patch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "patterns/{id:guid}")] HttpRequestData request, Guid id, FunctionContext context) =>
        UpdateAsync(request, id, context);

    private async Task<HttpResponseData> UpdateAsync(HttpRequestData request, Guid id, FunctionContext context)
    {
        var ifMatch = request.IfMatchVersion();
        using var body = await request.ReadJsonAsync(context.CancellationToken);
        var pattern = await patterns.UpdateAsync(context.GetCaller(), id, body.RootElement, ifMatch, context.CancellationToken);
        return await request.PatternAsync(HttpStatusCode.OK, pattern, context.CancellationToken);
    }

    [Function("DeletePattern")]
    public async Task<HttpResponseData> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "patterns/{id:guid}")] HttpRequestData request, Guid id, FunctionContext context)
    {
        await patterns.DeleteAsync(context.GetCaller(), id, request.IfMatchVersion(), context.CancellationToken);
        return request.CreateResponse(HttpStatusCode.NoContent);
    }

    [Function("RestorePattern")]
    public async Task<HttpResponseData> Restore(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "patterns/{id:guid}/restore")] HttpRequestData request, Guid id, FunctionContext context)
    {
        var pattern = await patterns.RestoreAsync(context.GetCaller(), id, context.CancellationToken);
        return await request.PatternAsync(HttpStatusCode.OK, pattern, context.CancellationToken);
    }

    [Function("TogglePatternFavorite")]
    public Task<HttpResponseData> ToggleFavorite(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "patterns/{id:guid}/favorite")] HttpRequestData request, Guid id, FunctionContext context) =>
        ChangeFavoriteAsync(request, id, FavoriteChange.Toggle, context);

    /// <summary>Sets the favourite, so that a retry after a lost answer cannot undo it (a toggle would).</summary>
    [Function("SetPatternFavorite")]
    public Task<HttpResponseData> SetFavorite(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "patterns/{id:guid}/favorite")] HttpRequestData request, Guid id, FunctionContext context) =>
        ChangeFavoriteAsync(request, id, FavoriteChange.Set, context);

    [Function("ClearPatternFavorite")]
    public Task<HttpResponseData> ClearFavorite(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "patterns/{id:guid}/favorite")] HttpRequestData request, Guid id, FunctionContext context) =>
        ChangeFavoriteAsync(request, id, FavoriteChange.Clear, context);

    private async Task<HttpResponseData> ChangeFavoriteAsync(HttpRequestData request, Guid id, FavoriteChange change, FunctionContext context)
    {
        var result = await patterns.ChangeFavoriteAsync(context.GetCaller(), id, change, context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, result, context.CancellationToken);
    }

    [Function("DuplicatePattern")]
    public async Task<HttpResponseData> Duplicate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "patterns/{id:guid}/duplicate")] HttpRequestData request, Guid id, FunctionContext context)
    {
        using var body = await request.ReadOptionalJsonAsync(context.CancellationToken);
        var copy = await patterns.DuplicateAsync(context.GetCaller(), id, body?.RootElement, context.CancellationToken);
        var response = await request.PatternAsync(HttpStatusCode.Created, copy, context.CancellationToken);
        response.Headers.Add("Location", $"/api/patterns/{copy.Id}");
        return response;
    }

    [Function("ListPatternRemixes")]
    public async Task<HttpResponseData> Remixes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patterns/{id:guid}/remixes")] HttpRequestData request, Guid id, FunctionContext context)
    {
        var page = await patterns.RemixesAsync(context.GetCaller(), id, request.QueryPairs(), context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, page, context.CancellationToken);
    }

    /// <summary>
    /// Writes the caller's patterns as they are read, a page at a time: a JSON array, or one
    /// pattern per line (NDJSON) for tools that read a line at a time. Gzipped when the client
    /// accepts it (browsers always do): the isolated worker hands the host the whole body in one
    /// message, and grids of emojis shrink some twentyfold.
    /// </summary>
    [Function("ExportMyPatterns")]
    public async Task<HttpResponseData> Export(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/patterns/export")] HttpRequestData request, FunctionContext context)
    {
        var format = ExportFormats.Parse(request.QueryPairs(), ExportFormat.Json, ExportFormat.Ndjson);
        var exported = patterns.ExportAsync(context.GetCaller(), context.CancellationToken);
        var response = request.CreateResponse(HttpStatusCode.OK);
        response.Headers.Add("Content-Type", format == ExportFormat.Ndjson ? "application/x-ndjson; charset=utf-8" : HttpJson.JsonContentType);
        response.Headers.Add("Content-Disposition", $"attachment; filename=\"emoty-patterns.{ExportFormats.Name(format)}\"");
        var gzip = request.GzipIfAccepted(response);
        await HttpJson.WriteSequenceAsync(gzip ?? response.Body, exported, format == ExportFormat.Ndjson, context.CancellationToken);
        if (gzip is not null)
        {
            await gzip.DisposeAsync();
        }

        return response;
    }

    [Function("ListPatternVersions")]
    public async Task<HttpResponseData> Versions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patterns/{id:guid}/versions")] HttpRequestData request, Guid id, FunctionContext context)
    {
        var versions = await patterns.ListVersionsAsync(context.GetCaller(), id, context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, new PatternVersionList(versions), context.CancellationToken);
    }

    [Function("RestorePatternVersion")]
    public async Task<HttpResponseData> RestoreVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "patterns/{id:guid}/versions/{version:int}/restore")] HttpRequestData request,
        Guid id, int version, FunctionContext context)
    {
        var pattern = await patterns.RestoreVersionAsync(context.GetCaller(), id, version, request.IfMatchVersion(), context.CancellationToken);
        return await request.PatternAsync(HttpStatusCode.OK, pattern, context.CancellationToken);
    }

    [Function("BatchPatterns")]
    public async Task<HttpResponseData> Batch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "patterns/batch")] HttpRequestData request, FunctionContext context)
    {
        using var body = await request.ReadJsonAsync(context.CancellationToken, RequestReader.BatchMaxBody);
        var result = await patterns.BatchAsync(context.GetCaller(), body.RootElement, context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, result, context.CancellationToken);
    }

    [Function("ListMyFavorites")]
    public async Task<HttpResponseData> MyFavorites(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/favorites")] HttpRequestData request, FunctionContext context)
    {
        var page = await patterns.FavoritesAsync(context.GetCaller(), request.QueryPairs(), context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, page, context.CancellationToken);
    }

    internal static string ETag(int version) => $"\"{version}\"";
}

/// <summary>GET /api/patterns/{id}/versions: <c>{"data":[…]}</c>, newest first.</summary>
public sealed record PatternVersionList(IReadOnlyList<PatternVersion> Data);
