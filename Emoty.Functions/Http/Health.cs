using System.Net;
using Emoty.Domain.Health;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Emoty.Functions.Http;

public sealed class Health(HealthService health)
{
    [Function(nameof(Health))]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckAsync(cancellationToken);
        var response = await request.JsonAsync(report.IsServing ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, report, cancellationToken);
        response.Headers.Add("Cache-Control", "no-store");
        if (!report.IsServing)
        {
            response.Headers.Add("Retry-After", "10");
        }

        return response;
    }
}
