using System.Net;
using Emoty.Domain.Users;
using Emoty.Functions.Middleware;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Emoty.Functions.Http;

public sealed class Me(UserService users)
{
    [Function("GetMe")]
    public async Task<HttpResponseData> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequestData request,
        FunctionContext context)
    {
        var me = await users.GetMeAsync(context.GetCaller(), context.CancellationToken);
        return await request.JsonAsync(HttpStatusCode.OK, me, context.CancellationToken);
    }
}
