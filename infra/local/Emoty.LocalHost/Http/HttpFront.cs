using System.Net;
using System.Text.Json;
using Emoty.LocalHost.Bindings;
using Emoty.LocalHost.Functions;
using Emoty.LocalHost.Grpc;
using Emoty.LocalHost.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Emoty.LocalHost.Http;

/// <summary>
/// The HTTP/1.1 side: one Kestrel listener and a single request delegate (no middleware, no
/// per-request logging), which matches a route, invokes the function and writes its response.
/// </summary>
internal sealed class HttpFront : IAsyncDisposable
{
    // The real host's default request size limit.
    private const long MaxRequestBodySize = 100 * 1024 * 1024;

    private readonly WebApplication _app;
    private readonly RouteTable _routes;
    private readonly IFunctionInvoker _invoker;
    private readonly OutputBindings _outputs;
    private readonly ILogger _logger;

    private HttpFront(WebApplication app, RouteTable routes, IFunctionInvoker invoker, OutputBindings outputs, ILogger logger)
    {
        _app = app;
        _routes = routes;
        _invoker = invoker;
        _outputs = outputs;
        _logger = logger;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<HttpRoute> Routes => _routes.Routes;

    public static async Task<HttpFront> StartAsync(
        string address,
        int port,
        IEnumerable<FunctionInfo> functions,
        string routePrefix,
        IFunctionInvoker invoker,
        OutputBindings outputs,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodySize;
            if (IPAddress.TryParse(address, out var ip))
            {
                kestrel.Listen(ip, port, listen => listen.Protocols = HttpProtocols.Http1);
            }
            else
            {
                kestrel.ListenLocalhost(port, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });
        // Only for the inline constraint resolver that route templates need.
        builder.Services.AddRouting();

        var app = builder.Build();
        var routes = RouteTable.Build(functions, routePrefix, app.Services.GetRequiredService<IInlineConstraintResolver>());
        var front = new HttpFront(app, routes, invoker, outputs, logger);
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

        var aborted = context.RequestAborted;
        InvocationResponse response;
        try
        {
            var body = await HttpInvocation.ReadBodyAsync(context.Request, aborted);
            var request = HttpInvocation.CreateRequest(context, route, match.Values!, body);
            response = await _invoker.InvokeAsync(route.Function, request, aborted);
        }
        catch (WorkerUnavailableException ex)
        {
            _logger.LogWarning("{Function} could not run: {Reason}", route.Function.Name, ex.Message);
            await ProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable",
                "The Functions worker is not available; it may be restarting.");
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
            await ProblemAsync(context, StatusCodes.Status500InternalServerError, "Internal Server Error",
                $"The function '{route.Function.Name}' failed.", response.InvocationId);
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
                await ProblemAsync(context, StatusCodes.Status500InternalServerError, "Internal Server Error",
                    $"The outputs of '{route.Function.Name}' could not be written.", response.InvocationId);
                return;
            }
        }

        await HttpInvocation.WriteResponseAsync(context, HttpInvocation.FindResult(route.Function, response), aborted);
    }

    private static Task NoRouteAsync(HttpContext context, IReadOnlyList<string>? allowedMethods)
    {
        if (allowedMethods is null)
        {
            return ProblemAsync(context, StatusCodes.Status404NotFound, "Not Found",
                $"No function matches {context.Request.Method} {context.Request.Path}.");
        }

        context.Response.Headers.Allow = string.Join(", ", allowedMethods);
        return ProblemAsync(context, StatusCodes.Status405MethodNotAllowed, "Method Not Allowed",
            $"{context.Request.Path} does not accept {context.Request.Method}.");
    }

    private static async Task ProblemAsync(HttpContext context, int status, string title, string detail, string? invocationId = null)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("type", status switch
        {
            404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
            405 => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
            503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            _ => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        });
        writer.WriteString("title", title);
        writer.WriteNumber("status", status);
        writer.WriteString("detail", detail);
        if (invocationId is not null)
        {
            writer.WriteString("invocationId", invocationId);
        }

        writer.WriteEndObject();
    }
}
