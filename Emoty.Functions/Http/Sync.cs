using System.Net;
using Emoty.Domain.Sync;
using Emoty.Functions.Middleware;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Emoty.Functions.Http;

/// <summary>The Offline sync section of api.md: batches in (processed by the SyncBatches queue function), status and the changes feed out.</summary>
public sealed class Sync(SyncService sync)
{
    [Function("SubmitSyncBatch")]
    public async Task<HttpResponseData> Submit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sync")] HttpRequestData request, FunctionContext context)
    {
        using var body = await request.ReadJsonAsync(context.CancellationToken, RequestReader.BatchMaxBody);
        var accepted = await sync.SubmitAsync(context.GetCaller(), body.RootElement, context.CancellationToken);
        var response = await request.JsonAsync(HttpStatusCode.Accepted, accepted, context.CancellationToken);
        response.Headers.Add("Location", $"/api/sync/{accepted.BatchId}");
        return response;
    }

    [Function("GetSyncBatch")]
    public async Task<HttpResponseData> Status(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sync/{batchId:guid}")] HttpRequestData request, Guid batchId, FunctionContext context)
    {
        var status = await sync.GetStatusAsync(context.GetCaller(), batchId, context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, status, context.CancellationToken);
    }

    [Function("ListSyncChanges")]
    public async Task<HttpResponseData> Changes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sync/changes")] HttpRequestData request, FunctionContext context)
    {
        var page = await sync.ChangesAsync(context.GetCaller(), request.QueryPairs(), context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, page, context.CancellationToken);
    }
}
