using Emoty.Domain;
using Emoty.Functions;
using Emoty.Functions.Middleware;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.UseMiddleware<ExposeHeadersMiddleware>();
builder.UseMiddleware<ExceptionMiddleware>();
builder.UseMiddleware<AuthenticationMiddleware>();
builder.UseMiddleware<RateLimitMiddleware>();
builder.Services.AddEmotyDomain(builder.Configuration);
builder.Services.AddEmotyTelemetry(builder.Configuration);
builder.Build().Run();
