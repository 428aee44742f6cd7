using Emoty.Domain.Errors;
using Emoty.Domain.Limits;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Emoty.Functions.Middleware;

/// <summary>
/// Spends the caller's budget for the kind of request (reads, writes, events, sync) before the
/// function runs; over it, a 429 with Retry-After. The caller is the user, else the client address
/// (the visitor the authentication established). Health checks cost nothing.
/// </summary>
internal sealed class RateLimitMiddleware(RateLimits limits) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (await context.GetHttpRequestDataAsync() is { } request && context.FunctionDefinition.Name != "Health")
        {
            var kind = context.FunctionDefinition.Name switch
            {
                "PostEvents" => RequestKind.Event,
                "SubmitSyncBatch" => RequestKind.Sync,
                _ when request.Method is "GET" or "HEAD" => RequestKind.Read,
                _ => RequestKind.Write,
            };
            var caller = context.GetCaller();
            var who = caller.UserId is { } user ? $"u:{user:N}" : caller.Viewer;
            if (await limits.SpendAsync(kind, who, context.CancellationToken) is { } wait)
            {
                throw RateLimited(kind, wait);
            }
        }

        await next(context);
    }

    internal static EmotyException RateLimited(RequestKind kind, TimeSpan wait) =>
        new(ProblemCode.RateLimited, $"Too many {Describe(kind)}; try again after the time Retry-After gives.")
        {
            RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)),
        };

    private static string Describe(RequestKind kind) => kind switch
    {
        RequestKind.Read => "reads",
        RequestKind.Write => "writes",
        RequestKind.Event => "event posts",
        RequestKind.Sync => "sync batches",
        _ => "failed sign-ins from this address",
    };
}
