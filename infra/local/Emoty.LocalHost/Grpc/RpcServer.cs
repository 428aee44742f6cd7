using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Emoty.LocalHost.Grpc;

/// <summary>
/// The gRPC endpoint workers dial into: cleartext HTTP/2 only (the worker fails with
/// HTTP_1_1_REQUIRED otherwise) on a free loopback port, with no size limits on the one long stream.
/// </summary>
internal sealed class RpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RpcServer(WebApplication app, WorkerConnections connections, Uri endpoint)
    {
        _app = app;
        Connections = connections;
        Endpoint = endpoint;
    }

    /// <summary>What to pass the worker as <c>--functions-uri</c>.</summary>
    public Uri Endpoint { get; }

    public WorkerConnections Connections { get; }

    public static async Task<RpcServer> StartAsync(ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var connections = new WorkerConnections(loggerFactory);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // One stream carries every request and response for the worker's whole life.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Limits.Http2.InitialConnectionWindowSize = 16 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 16 * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddRouting();
        builder.Services.AddGrpc(grpc =>
        {
            // The worker is told it may send 2 GiB messages; do not refuse what it was allowed.
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton(connections);

        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new RpcServer(app, connections, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        // By now the workers are gone; do not wait long for streams that can no longer end politely.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
