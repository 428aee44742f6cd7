using Emoty.Domain;
using Emoty.Functions;
using Emoty.Functions.Middleware;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = FunctionsApplication.CreateBuilder(args);
builder.UseMiddleware<ExposeHeadersMiddleware>();
builder.UseMiddleware<ExceptionMiddleware>();
builder.UseMiddleware<AuthenticationMiddleware>();
builder.UseMiddleware<RateLimitMiddleware>();
builder.Services.AddEmotyDomain(builder.Configuration);
// FusionCache logs every call at Information; its warnings and errors are what an operator needs.
builder.Logging.AddFilter("ZiggyCreatures.Caching.Fusion", LogLevel.Warning);
builder.Services.AddEmotyTelemetry(builder.Configuration);
builder.Build().Run();
