using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Emoty.LocalHost.TestApp.Functions;

/// <summary>HTTP functions the local host tests drive: routing, status codes, headers, bodies.</summary>
public sealed class HttpFunctions
{
    [Function(nameof(Items))]
    public async Task<HttpResponseData> Items(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "items/{id:int}/tags/{tag:alpha}")] HttpRequestData req,
        int id,
        string tag)
    {
        var response = req.CreateResponse(HttpStatusCode.OK);
        await response.WriteAsJsonAsync(new
        {
            id,
            tag,
            method = req.Method,
            url = req.Url.ToString(),
            query = req.Query.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => req.Query[k]),
        });
        return response;
    }

    [Function(nameof(PatternsBatch))]
    public HttpResponseData PatternsBatch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patterns/batch")] HttpRequestData req) =>
        Text(req, HttpStatusCode.OK, "batch");

    [Function(nameof(PatternById))]
    public HttpResponseData PatternById(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patterns/{id}")] HttpRequestData req,
        string id) =>
        Text(req, HttpStatusCode.OK, "pattern " + id);

    [Function(nameof(Conflict))]
    public HttpResponseData Conflict(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "conflict")] HttpRequestData req)
    {
        var response = Text(req, HttpStatusCode.Conflict, """{"title":"Version conflict","status":409}""");
        response.Headers.Remove("Content-Type");
        response.Headers.Add("Content-Type", "application/problem+json");
        return response;
    }

    [Function(nameof(Created))]
    public HttpResponseData Created(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "things")] HttpRequestData req)
    {
        var response = Text(req, HttpStatusCode.Created, "created");
        response.Headers.Add("Location", "/api/things/42");
        response.Headers.Add("ETag", "\"v1\"");
        response.Headers.Add("Retry-After", "5");
        response.Headers.Add("X-Custom", "custom-value");
        // Cookies travel two ways over the protocol: the cookie list and a comma-joined header.
        response.Cookies.Append("a", "1");
        response.Cookies.Append("b", "2");
        response.Headers.Add("Set-Cookie", ["c=3; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/", "d=4"]);
        return response;
    }

    [Function(nameof(Echo))]
    public async Task<HttpResponseData> Echo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "echo")] HttpRequestData req)
    {
        var response = req.CreateResponse(HttpStatusCode.OK);
        response.Headers.Add("Content-Type", "application/octet-stream");
        await req.Body.CopyToAsync(response.Body);
        return response;
    }

    [Function(nameof(Empty))]
    public HttpResponseData Empty(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "empty")] HttpRequestData req) =>
        req.CreateResponse(HttpStatusCode.OK);

    /// <summary>
    /// Answers only once <paramref name="count"/> requests of <paramref name="group"/> are in the
    /// worker at the same time: all of them get 200 exactly when the host runs them concurrently.
    /// A group that never fills answers 504 after 25 s (the test client gives up at 30), so a serialising host fails the test
    /// instead of hanging it.
    /// </summary>
    [Function(nameof(Rendezvous))]
    public async Task<HttpResponseData> Rendezvous(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "rendezvous/{group}/{count:int}")] HttpRequestData req, string group, int count)
    {
        var meeting = Meetings.GetOrAdd(group, _ => new Meeting());
        if (Interlocked.Increment(ref meeting.Arrived) >= count)
        {
            meeting.Full.TrySetResult();
        }

        try
        {
            await meeting.Full.Task.WaitAsync(TimeSpan.FromSeconds(25));
            return req.CreateResponse(HttpStatusCode.OK);
        }
        catch (TimeoutException)
        {
            return req.CreateResponse(HttpStatusCode.GatewayTimeout);
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Meeting> Meetings = new();

    private sealed class Meeting
    {
        public int Arrived;
        public readonly TaskCompletionSource Full = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [Function(nameof(Fails))]
    public HttpResponseData Fails(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fails")] HttpRequestData req) =>
        throw new InvalidOperationException("This function always fails.");

    /// <summary>Several outputs: the HTTP response plus one queue message per array element.</summary>
    [Function(nameof(Enqueue))]
    public async Task<EnqueueOutput> Enqueue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enqueue")] HttpRequestData req)
    {
        var text = await req.ReadAsStringAsync() ?? "";
        return new EnqueueOutput
        {
            Response = Text(req, HttpStatusCode.Accepted, "queued"),
            Messages = text.Split(','),
        };
    }

    private static HttpResponseData Text(HttpRequestData req, HttpStatusCode status, string body)
    {
        var response = req.CreateResponse(status);
        response.Headers.Add("Content-Type", "text/plain; charset=utf-8");
        response.WriteString(body);
        return response;
    }
}

public sealed class EnqueueOutput
{
    [HttpResult]
    public required HttpResponseData Response { get; init; }

    [QueueOutput("%EnqueueQueue%")]
    public required string[] Messages { get; init; }
}
