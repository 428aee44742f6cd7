using System.Net;
using Emoty.Domain;
using Emoty.Domain.Sharing;
using Emoty.Functions.Middleware;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Emoty.Functions.Http;

/// <summary>The Sharing section of api.md, plus listing and revoking share links.</summary>
public sealed class Shares(ShareService shares, EmotySettings settings)
{
    [Function("SharePattern")]
    public async Task<HttpResponseData> Share(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "patterns/{id:guid}/shares")] HttpRequestData request, Guid id, FunctionContext context)
    {
        using var body = await request.ReadJsonAsync(context.CancellationToken);
        var share = await shares.ShareAsync(context.GetCaller(), id, body.RootElement, context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.Created, share, context.CancellationToken);
    }

    [Function("ListPatternShares")]
    public async Task<HttpResponseData> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patterns/{id:guid}/shares")] HttpRequestData request, Guid id, FunctionContext context)
    {
        var list = await shares.ListAsync(context.GetCaller(), id, context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, list, context.CancellationToken);
    }

    [Function("RevokePatternShare")]
    public async Task<HttpResponseData> Revoke(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "patterns/{id:guid}/shares/{userId:guid}")] HttpRequestData request,
        Guid id, Guid userId, FunctionContext context)
    {
        await shares.RevokeAsync(context.GetCaller(), id, userId, context.CancellationToken);
        return request.CreateResponse(HttpStatusCode.NoContent);
    }

    [Function("CreateShareLink")]
    public async Task<HttpResponseData> CreateLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "patterns/{id:guid}/share-link")] HttpRequestData request, Guid id, FunctionContext context)
    {
        using var body = await request.ReadOptionalJsonAsync(context.CancellationToken);
        var link = await shares.CreateLinkAsync(context.GetCaller(), id, body?.RootElement, BaseUrl(request), context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.Created, link, context.CancellationToken);
    }

    [Function("ListShareLinks")]
    public async Task<HttpResponseData> ListLinks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patterns/{id:guid}/share-links")] HttpRequestData request, Guid id, FunctionContext context)
    {
        var links = await shares.ListLinksAsync(context.GetCaller(), id, BaseUrl(request), context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, links, context.CancellationToken);
    }

    [Function("RevokeShareLink")]
    public async Task<HttpResponseData> RevokeLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "patterns/{id:guid}/share-links/{code}")] HttpRequestData request,
        Guid id, string code, FunctionContext context)
    {
        await shares.RevokeLinkAsync(context.GetCaller(), id, code, context.CancellationToken);
        return request.CreateResponse(HttpStatusCode.NoContent);
    }

    [Function("ReadSharedPattern")]
    public async Task<HttpResponseData> ReadShared(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "shared/{code}")] HttpRequestData request, string code, FunctionContext context)
    {
        var pattern = await shares.ReadLinkAsync(context.GetCaller(), code, context.CancellationToken);
        return await request.PatternAsync(HttpStatusCode.OK, pattern, context.CancellationToken);
    }

    [Function("ListSharedWithMe")]
    public async Task<HttpResponseData> SharedWithMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/shared")] HttpRequestData request, FunctionContext context)
    {
        var page = await shares.SharedWithMeAsync(context.GetCaller(), request.QueryPairs(), context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, page, context.CancellationToken);
    }

    /// <summary>Where share links point: Api__PublicBaseUrl when set, else the origin the request came to.</summary>
    private string BaseUrl(HttpRequestData request) =>
        settings.PublicBaseUrl ?? request.Url.GetLeftPart(UriPartial.Authority);
}
