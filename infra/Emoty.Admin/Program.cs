using Emoty.Admin;
using Emoty.Domain.Persistence;
using Microsoft.Extensions.Logging;

// Operations that run outside the Functions app: schema migrations (local run command, tests'
// template database, deployment pipeline) and the demo data of the local run command.
//   dotnet Emoty.Admin.dll migrate [--connection "<npgsql connection string>"]
//   dotnet Emoty.Admin.dll seed    [--connection "..."]
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
var logger = loggerFactory.CreateLogger("emoty-admin");

var command = args.FirstOrDefault();
var connectionIndex = Array.IndexOf(args, "--connection");
var connectionString = connectionIndex >= 0 && connectionIndex + 1 < args.Length
    ? args[connectionIndex + 1]
    : Environment.GetEnvironmentVariable("ConnectionStrings__Postgres");
if (command is not ("migrate" or "seed") || string.IsNullOrWhiteSpace(connectionString))
{
    Console.Error.WriteLine("usage: Emoty.Admin migrate|seed [--connection <connection string>] (or set ConnectionStrings__Postgres)");
    return 2;
}

try
{
    if (command == "migrate")
    {
        var applied = DatabaseMigrator.Migrate(connectionString, logger);
        logger.LogInformation("Database is up to date ({Applied} script(s) applied now, {Total} in all)", applied.Count, DatabaseMigrator.ScriptNames.Count);
    }
    else
    {
        var inserted = await DemoData.SeedAsync(connectionString);
        logger.LogInformation("Demo data present ({Inserted} pattern(s) added now)", inserted);
    }

    return 0;
}
catch (Exception ex)
{
    logger.LogError(ex, "{Command} failed", command);
    return 1;
}
