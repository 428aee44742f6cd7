using System.Net;
using Emoty.Domain.Collections;
using Emoty.Functions.Middleware;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Emoty.Functions.Http;

/// <summary>The Collections section of api.md.</summary>
public sealed class Collections(CollectionService collections)
{
    [Function("ListCollections")]
    public async Task<HttpResponseData> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "collections")] HttpRequestData request, FunctionContext context)
    {
        var page = await collections.ListAsync(context.GetCaller(), request.QueryPairs(), context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, page, context.CancellationToken);
    }

    [Function("CreateCollection")]
    public async Task<HttpResponseData> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "collections")] HttpRequestData request, FunctionContext context)
    {
        using var body = await request.ReadJsonAsync(context.CancellationToken);
        var collection = await collections.CreateAsync(context.GetCaller(), body.RootElement, context.CancellationToken);
        var response = await request.CollectionAsync(HttpStatusCode.Created, collection, context.CancellationToken);
        response.Headers.Add("Location", $"/api/collections/{collection.Id}");
        return response;
    }

    [Function("GetCollection")]
    public async Task<HttpResponseData> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "collections/{id:guid}")] HttpRequestData request, Guid id, FunctionContext context)
    {
        var detail = await collections.GetAsync(context.GetCaller(), id, request.QueryPairs(), context.CancellationToken);
        return await request.CollectionAsync(HttpStatusCode.OK, detail, context.CancellationToken);
    }

    [Function("UpdateCollection")]
    public async Task<HttpResponseData> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "collections/{id:guid}")] HttpRequestData request, Guid id, FunctionContext context)
    {
        var ifMatch = request.IfMatchVersion();
        using var body = await request.ReadJsonAsync(context.CancellationToken);
        var collection = await collections.UpdateAsync(context.GetCaller(), id, body.RootElement, ifMatch, context.CancellationToken);
        return await request.CollectionAsync(HttpStatusCode.OK, collection, context.CancellationToken);
    }

    [Function("DeleteCollection")]
    public async Task<HttpResponseData> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "collections/{id:guid}")] HttpRequestData request, Guid id, FunctionContext context)
    {
        await collections.DeleteAsync(context.GetCaller(), id, request.IfMatchVersion(), context.CancellationToken);
        return request.CreateResponse(HttpStatusCode.NoContent);
    }

    [Function("AddCollectionPatterns")]
    public async Task<HttpResponseData> AddPatterns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "collections/{id:guid}/patterns")] HttpRequestData request, Guid id, FunctionContext context)
    {
        using var body = await request.ReadJsonAsync(context.CancellationToken);
        var result = await collections.AddPatternsAsync(context.GetCaller(), id, body.RootElement, context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, result, context.CancellationToken);
    }

    [Function("RemoveCollectionPattern")]
    public async Task<HttpResponseData> RemovePattern(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "collections/{id:guid}/patterns/{patternId:guid}")] HttpRequestData request,
        Guid id, Guid patternId, FunctionContext context)
    {
        await collections.RemovePatternAsync(context.GetCaller(), id, patternId, context.CancellationToken);
        return request.CreateResponse(HttpStatusCode.NoContent);
    }

    [Function("ReorderCollectionPatterns")]
    public async Task<HttpResponseData> Reorder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "collections/{id:guid}/patterns/order")] HttpRequestData request, Guid id, FunctionContext context)
    {
        using var body = await request.ReadJsonAsync(context.CancellationToken);
        var collection = await collections.ReorderAsync(context.GetCaller(), id, body.RootElement, context.CancellationToken);
        return await request.CollectionAsync(HttpStatusCode.OK, collection, context.CancellationToken);
    }
}
