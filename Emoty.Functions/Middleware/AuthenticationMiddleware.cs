using Emoty.Domain.Identity;
using Emoty.Domain.Users;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Emoty.Functions.Middleware;

/// <summary>
/// Reads <c>Authorization: Bearer …</c> on HTTP triggers. No header: anonymous. A header that does not
/// validate: 401 (never silently anonymous). A valid token makes sure the user's row exists.
/// </summary>
internal sealed class AuthenticationMiddleware(TokenValidator tokens, UserService users, Domain.Limits.RateLimits limits, Domain.EmotySettings settings) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (await context.GetHttpRequestDataAsync() is { } request)
        {
            var caller = await AuthenticateAsync(request);
            await users.EnsureAsync(caller, context.CancellationToken);
            context.Items[CallerKey] = caller;
        }

        await next(context);
    }

    internal const string CallerKey = "emoty.caller";

    private async Task<Caller> AuthenticateAsync(HttpRequestData request)
    {
        // The last X-Forwarded-For entry is the one the front end appended (earlier ones are the
        // client's to write): it tells anonymous visitors apart and keeps failed sign-ins per address.
        var forwarded = settings.TrustForwardedFor && request.Headers.TryGetValues("X-Forwarded-For", out var addresses)
            ? string.Join(',', addresses).Split(',')[^1]
            : null;
        var anonymous = Caller.AnonymousFrom(forwarded);
        if (!request.Headers.TryGetValues("Authorization", out var values))
        {
            return anonymous;
        }

        try
        {
            var header = values.First().Trim();
            const string scheme = "Bearer ";
            if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length)
            {
                throw new Domain.Errors.EmotyException(Domain.Errors.ProblemCode.Unauthorized, "Use 'Authorization: Bearer <token>'.");
            }

            return await tokens.ValidateAsync(header[scheme.Length..].Trim());
        }
        catch (Domain.Errors.EmotyException refused) when (refused.Code == Domain.Errors.ProblemCode.Unauthorized)
        {
            // Only failures spend: a valid token from a busy address is never turned away.
            if (await limits.SpendAsync(Domain.Limits.RequestKind.FailedSignIn, anonymous.Viewer, CancellationToken.None) is { } wait)
            {
                throw RateLimitMiddleware.RateLimited(Domain.Limits.RequestKind.FailedSignIn, wait);
            }

            throw;
        }
    }
}

internal static class CallerExtensions
{
    /// <summary>The caller that <see cref="AuthenticationMiddleware"/> established for this request.</summary>
    public static Caller GetCaller(this FunctionContext context) =>
        context.Items.TryGetValue(AuthenticationMiddleware.CallerKey, out var caller) ? (Caller)caller : Caller.Anonymous;
}
