using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Emoty.Functions.Middleware;

/// <summary>
/// Lets a browser on another origin read the headers the API speaks through: ETag (for If-Match),
/// Location, and Retry-After (on 429 and 503). The platform's CORS answers preflights and names the
/// allowed origin; it exposes no header beyond the CORS-safelisted ones, so the app says which.
/// </summary>
internal sealed class ExposeHeadersMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        await next(context);
        context.GetHttpResponseData()?.Headers.Add("Access-Control-Expose-Headers", "ETag, Location, Retry-After");
    }
}
