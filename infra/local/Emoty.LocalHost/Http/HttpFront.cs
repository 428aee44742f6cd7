using System.Net;
using System.Text.Json;
using Emoty.LocalHost.Bindings;
using Emoty.LocalHost.Functions;
using Emoty.LocalHost.Grpc;
using Emoty.LocalHost.Rpc;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Emoty.LocalHost.Http;

/// <summary>Where and how the HTTP side listens: address, port, route prefix, body limit, CORS.</summary>
internal sealed record HttpFrontOptions(string Address, int Port, string RoutePrefix, long MaxRequestBodySize, HostCors? Cors);

/// <summary>
/// The HTTP/1.1 side: one Kestrel listener, the platform's CORS, and a single request delegate (no
/// other middleware, no per-request logging), which matches a route, invokes the function and
/// writes its response. The host's own errors are problem documents in the app's shape.
/// </summary>
internal sealed class HttpFront : IAsyncDisposable
{
    /// <summary>What a client is told to wait while the worker restarts (it takes about a second).</summary>
    private const int RetryAfterSeconds = 2;

    private readonly WebApplication _app;
    private readonly RouteTable _routes;
    private readonly IFunctionInvoker _invoker;
    private readonly OutputBindings _outputs;
    private readonly long _maxRequestBodySize;
    private readonly ILogger _logger;

    private HttpFront(WebApplication app, RouteTable routes, IFunctionInvoker invoker, OutputBindings outputs, long maxRequestBodySize, ILogger logger)
    {
        _app = app;
        _routes = routes;
        _invoker = invoker;
        _outputs = outputs;
        _maxRequestBodySize = maxRequestBodySize;
        _logger = logger;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<HttpRoute> Routes => _routes.Routes;

    public static async Task<HttpFront> StartAsync(
        HttpFrontOptions options,
        IEnumerable<FunctionInfo> functions,
        IFunctionInvoker invoker,
        OutputBindings outputs,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var address = options.Address;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // A chunked body past the limit fails as it is read, so no more than the limit is ever held.
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodySize;
            if (IPAddress.TryParse(address, out var ip))
            {
                kestrel.Listen(ip, options.Port, listen => listen.Protocols = HttpProtocols.Http1);
            }
            else
            {
                kestrel.ListenLocalhost(options.Port, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });
        // Only for the inline constraint resolver that route templates need.
        builder.Services.AddRouting();
        builder.Services.AddCors();

        var app = builder.Build();
        var routes = RouteTable.Build(functions, options.RoutePrefix, app.Services.GetRequiredService<IInlineConstraintResolver>());
        var front = new HttpFront(app, routes, invoker, outputs, options.MaxRequestBodySize, logger);
        if (options.Cors is { } cors)
        {
            // As Core Tools and the platform do it: the listed origins, any method, any header.
            app.UseCors(policy =>
            {
                if (cors.Origins.Contains("*"))
                {
                    policy.AllowAnyOrigin();
                }
                else
                {
                    policy.WithOrigins([.. cors.Origins]);
                }

                policy.AllowAnyMethod().AllowAnyHeader();
                if (cors.Credentials && !cors.Origins.Contains("*"))
                {
                    policy.AllowCredentials();
                }
            });
        }

        app.Run(front.HandleAsync);
        await app.StartAsync(cancellationToken);

        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        front.BaseAddress = new UriBuilder(bound) { Host = ClientHost(address, bound.Host), Path = "/" }.Uri;
        return front;
    }

    // A wildcard listener is reached through loopback; a specific address through itself.
    private static string ClientHost(string configured, string bound) =>
        !IPAddress.TryParse(configured, out var ip) ? bound
        : ip.Equals(IPAddress.Any) ? "127.0.0.1"
        : ip.Equals(IPAddress.IPv6Any) ? "[::1]"
        : bound;

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var match = _routes.Match(context);
        if (match.Route is not { } route)
        {
            await NoRouteAsync(context, match.AllowedMethods);
            return;
        }

        if (context.Request.ContentLength > _maxRequestBodySize)
        {
            await TooLargeAsync(context);
            return;
        }

        var aborted = context.RequestAborted;
        InvocationResponse response;
        try
        {
            var body = await HttpInvocation.ReadBodyAsync(context.Request, aborted);
            var request = HttpInvocation.CreateRequest(context, route, match.Values!, body);
            response = await _invoker.InvokeAsync(route.Function, request, aborted);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await TooLargeAsync(context);
            return;
        }
        catch (WorkerUnavailableException ex)
        {
            // The request may or may not have run before the worker went: a retry is the client's call.
            _logger.LogWarning("{Function} could not run: {Reason}", route.Function.Name, ex.Message);
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "service_unavailable", "A dependency is unavailable; try again shortly.",
                "The Functions worker is not available; it is restarting. Retry after the time Retry-After gives.");
            return;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return;
        }

        if (response.Result?.Status != StatusResult.Types.Status.Success)
        {
            if (aborted.IsCancellationRequested)
            {
                // The client left and the worker acknowledged the InvocationCancel: nobody to answer.
                return;
            }

            // The exception goes to the log; the client gets no stack trace.
            _logger.LogError("Executed {Function} (Failed, Id={InvocationId}): {Error}",
                route.Function.Name, response.InvocationId, response.Result?.Exception?.Message);
            await ProblemAsync(context, StatusCodes.Status500InternalServerError, "internal_error", "Something went wrong on our side.",
                $"The function '{route.Function.Name}' failed. Quote the trace_id when reporting it.", response.InvocationId);
            return;
        }

        if (route.Function.HasStoredOutputs)
        {
            try
            {
                await _outputs.WriteAsync(route.Function, response, aborted);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogError(ex, "Writing the outputs of {Function} failed (Id={InvocationId})", route.Function.Name, response.InvocationId);
                await ProblemAsync(context, StatusCodes.Status500InternalServerError, "internal_error", "Something went wrong on our side.",
                    $"The outputs of '{route.Function.Name}' could not be written. Quote the trace_id when reporting it.", response.InvocationId);
                return;
            }
        }

        await HttpInvocation.WriteResponseAsync(context, HttpInvocation.FindResult(route.Function, response), aborted);
    }

    private static Task NoRouteAsync(HttpContext context, IReadOnlyList<string>? allowedMethods)
    {
        if (allowedMethods is null)
        {
            return ProblemAsync(context, StatusCodes.Status404NotFound, "not_found", "The resource does not exist or is not visible to you.",
                $"No function matches {context.Request.Method} {context.Request.Path}.");
        }

        // api.md has no code of its own for a method a route does not take: there is nothing there to call.
        context.Response.Headers.Allow = string.Join(", ", allowedMethods);
        return ProblemAsync(context, StatusCodes.Status405MethodNotAllowed, "not_found", "The resource does not take this method.",
            $"{context.Request.Path} does not accept {context.Request.Method}.");
    }

    private Task TooLargeAsync(HttpContext context)
    {
        // The rest of the body is never read: close the connection rather than drain it.
        context.Response.Headers.Connection = "close";
        return ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, "payload_too_large", "The request body is too large.",
            $"The body may be at most {_maxRequestBodySize / 1024} KiB.");
    }

    /// <summary>The app's problem shape (api.md): type, title, status, detail, code, trace_id.</summary>
    private static async Task ProblemAsync(HttpContext context, int status, string code, string title, string detail, string? invocationId = null)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        // Small and whole, so it goes with a Content-Length (a client reading a closing connection needs no chunking).
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteProblem(writer, context, status, code, title, detail, invocationId);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json; charset=utf-8";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory);
    }

    private static void WriteProblem(Utf8JsonWriter writer, HttpContext context, int status, string code, string title, string detail, string? invocationId)
    {
        writer.WriteStartObject();
        writer.WriteString("type", $"https://emoty.app/problems/{code.Replace('_', '-')}");
        writer.WriteString("title", title);
        writer.WriteNumber("status", status);
        writer.WriteString("detail", detail);
        writer.WriteString("code", code);
        writer.WriteString("trace_id", System.Diagnostics.Activity.Current?.TraceId.ToString() ?? invocationId ?? context.TraceIdentifier);
        if (invocationId is not null)
        {
            writer.WriteString("invocation_id", invocationId);
        }

        writer.WriteEndObject();
    }
}
