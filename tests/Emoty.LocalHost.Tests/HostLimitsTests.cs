using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Emoty.LocalHost.Tests.Infrastructure;

namespace Emoty.LocalHost.Tests;

/// <summary>
/// What the host itself answers, in a host of each test's own: a body over the limit before it is
/// read, CORS as local.settings.json's Host section asks, and the worker being away.
/// </summary>
public sealed class HostLimitsTests : IAsyncLifetime
{
    private const int Limit = 64 * 1024;
    private LocalFunctionsHost _host = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalFunctionsHost.StartAsync(new LocalHostOptions
        {
            AppDirectory = TestApp.Directory,
            HttpPort = 0,
            RestartWorkerOnExit = false,
            Cors = new HostCors(["http://localhost:3000"], Credentials: true),
            Settings = new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = await Emoty.Testing.TestServices.StorageConnectionStringAsync(),
                ["FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            Functions = ["Echo", "Empty"],
        });
        _http = new HttpClient { BaseAddress = _host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task a_declared_length_over_the_limit_is_413_before_a_byte_of_the_body_is_sent()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_host.BaseAddress.Host, _host.BaseAddress.Port);
        var stream = client.GetStream();
        // A hundred megabytes announced, none sent: only an answer that does not wait for the body can arrive.
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "POST /api/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n"));

        var (status, body) = await ReadResponseAsync(stream);

        Assert.Equal(413, status);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("payload_too_large", problem.RootElement.GetProperty("code").GetString());
        Assert.True(problem.RootElement.TryGetProperty("trace_id", out _));
    }

    [Fact]
    public async Task a_chunked_body_is_cut_off_at_the_limit()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_host.BaseAddress.Host, _host.BaseAddress.Port);
        var stream = client.GetStream();
        // Eight kilobytes past the limit, in 8 KiB chunks, sent whole: the host must stop at the limit.
        var request = new StringBuilder("POST /api/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (var sent = 0; sent <= Limit; sent += 8192)
        {
            request.Append(CultureInfo.InvariantCulture, $"{8192:x}\r\n").Append('x', 8192).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("0\r\n\r\n").ToString()));

        var (status, _) = await ReadResponseAsync(stream);

        Assert.Equal(413, status);
    }

    [Fact]
    public async Task a_body_within_the_limit_reaches_the_function()
    {
        using var response = await _http.PostAsync("api/echo", new StringContent(new string('a', Limit / 2)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task a_preflight_from_an_allowed_origin_gets_the_cors_headers_and_any_other_origin_none()
    {
        using var allowed = await PreflightAsync("http://localhost:3000");
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("http://localhost:3000", Single(allowed, "Access-Control-Allow-Origin"));
        Assert.Contains("PATCH", Single(allowed, "Access-Control-Allow-Methods"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("authorization", Single(allowed, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("true", Single(allowed, "Access-Control-Allow-Credentials"));

        using var refused = await PreflightAsync("https://elsewhere.example");
        Assert.DoesNotContain(refused.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));

        using var request = new HttpRequestMessage(HttpMethod.Get, "api/empty");
        request.Headers.Add("Origin", "http://localhost:3000");
        using var actual = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, actual.StatusCode);
        Assert.Equal("http://localhost:3000", Single(actual, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task while_the_worker_is_away_the_host_answers_503_problems_with_retry_after()
    {
        var pid = _host.WorkerProcessId ?? throw new InvalidOperationException("no worker is running");
        using (var worker = Process.GetProcessById(pid))
        {
            worker.Kill();
            await worker.WaitForExitAsync();
        }

        // This host does not restart its worker, so the answer is the host's own until it stops.
        using var response = await _http.GetAsync("api/empty");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("service_unavailable", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("trace_id").GetString()));
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "api/echo");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "PATCH");
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");
        return await _http.SendAsync(request);
    }

    private static string Single(HttpResponseMessage response, string header) =>
        string.Join(",", response.Headers.TryGetValues(header, out var values) ? values : []);

    /// <summary>Reads one HTTP/1.1 response (status and a Content-Length body) off a raw connection.</summary>
    private static async Task<(int Status, string Body)> ReadResponseAsync(NetworkStream stream)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var text = Encoding.UTF8.GetString(received.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var headers = text[..end].Split("\r\n");
                var length = headers.Select(h => h.Split(':', 2)).Where(h => h[0].Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .Select(h => int.Parse(h[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                if (Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= length)
                {
                    return (int.Parse(headers[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), text[(end + 4)..]);
                }
            }

            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                throw new IOException($"The connection closed before a whole response came: {text}");
            }

            received.Write(buffer, 0, read);
        }
    }
}
