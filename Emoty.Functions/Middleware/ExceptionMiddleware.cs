using System.Diagnostics;
using Emoty.Domain.Errors;
using Emoty.Domain.Persistence;
using Emoty.Functions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Emoty.Functions.Middleware;

/// <summary>
/// The one place where failures become HTTP: expected ones (<see cref="EmotyException"/>) as their
/// problem (a queue that cannot be reached is one already: AppQueue), a database that cannot be
/// reached as 503, and anything else as a 500 with a trace id and no stack trace. Non-HTTP triggers rethrow so the host retries them (queues) or logs them (timers).
/// </summary>
internal sealed class ExceptionMiddleware(ILogger<ExceptionMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex)
        {
            var request = await context.GetHttpRequestDataAsync();
            if (request is null)
            {
                throw;
            }

            var traceId = Activity.Current?.TraceId.ToString() ?? context.InvocationId;
            var failure = Unwrap(ex);
            Problem problem;
            int? retryAfter = null;
            switch (failure)
            {
                case EmotyException expected:
                    problem = expected.ToProblem();
                    retryAfter = expected.RetryAfterSeconds;
                    break;
                case PostgresException { SqlState: PostgresErrorCodes.CheckViolation } check:
                    logger.LogWarning("Check constraint {Constraint} rejected a write in {Function}", check.ConstraintName, context.FunctionDefinition.Name);
                    problem = DatabaseRules.Broken(check)!;
                    break;
                case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } duplicate:
                    logger.LogInformation("Unique constraint {Constraint} rejected a write in {Function}", duplicate.ConstraintName, context.FunctionDefinition.Name);
                    problem = Problem.For(ProblemCode.Duplicate, "This already exists.");
                    break;
                case NpgsqlException or TimeoutException when IsUnavailable(failure):
                    logger.LogWarning(failure, "Database unavailable in {Function}", context.FunctionDefinition.Name);
                    problem = Problem.For(ProblemCode.ServiceUnavailable);
                    retryAfter = 5;
                    break;
                case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                    // The client went away or the host is stopping: nobody reads this answer, and it is no error of ours.
                    logger.LogInformation("{Function} was cancelled", context.FunctionDefinition.Name);
                    problem = Problem.For(ProblemCode.ServiceUnavailable, "The request was cancelled.");
                    break;
                default:
                    logger.LogError(failure, "Unhandled failure in {Function}, trace {TraceId}", context.FunctionDefinition.Name, traceId);
                    problem = Problem.For(ProblemCode.InternalError, "An unexpected error occurred. Quote the trace_id when reporting it.");
                    break;
            }

            var response = await request.ProblemAsync(problem, traceId, context.CancellationToken);
            if (retryAfter is { } seconds)
            {
                response.Headers.Add("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (problem.Status == 401)
            {
                response.Headers.Add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            }

            context.GetInvocationResult().Value = response;
        }
    }

    private static Exception Unwrap(Exception ex) =>
        ex is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0])
        : ex.InnerException is EmotyException inner ? inner
        : ex;

    private static bool IsUnavailable(Exception ex) =>
        ex is TimeoutException || ex is NpgsqlException { IsTransient: true } || ex is NpgsqlException { InnerException: System.Net.Sockets.SocketException };
}
