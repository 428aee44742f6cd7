using System.Globalization;
using Emoty.Admin;
using Emoty.Admin.Generator;
using Emoty.Domain.Persistence;
using Microsoft.Extensions.Logging;
using Npgsql;
using Spectre.Console;

// Operations that run outside the Functions app: schema migrations (local run command, tests'
// template database, deployment pipeline), the demo data of the local run command, and large
// realistic data sets for measuring (Generator/).
//   dotnet Emoty.Admin.dll migrate [--connection "<npgsql connection string>"]
//   dotnet Emoty.Admin.dll seed    [--connection "..."]
//   dotnet Emoty.Admin.dll seed    --patterns N [--seed S] [--connection "..."]
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
var logger = loggerFactory.CreateLogger("emoty-admin");

var command = args.FirstOrDefault();
var connectionString = Option("--connection") ?? Environment.GetEnvironmentVariable("ConnectionStrings__Postgres");
int? patterns = null, seed = null;
if (command is not ("migrate" or "seed") || string.IsNullOrWhiteSpace(connectionString)
    || !TryCount("--patterns", 1, out patterns) || !TryCount("--seed", 0, out seed) || (seed is not null && patterns is null))
{
    Console.Error.WriteLine("""
        usage: Emoty.Admin migrate [--connection <connection string>]
               Emoty.Admin seed [--patterns N [--seed S]] [--connection <connection string>]
        (or set ConnectionStrings__Postgres). seed alone adds the demo data; with --patterns it fills an
        empty database with N realistic patterns, the same data for the same N and S (default 1).
        """);
    return 2;
}

try
{
    if (command == "migrate")
    {
        var applied = DatabaseMigrator.Migrate(connectionString, logger);
        logger.LogInformation("Database is up to date ({Applied} script(s) applied now, {Total} in all)", applied.Count, DatabaseMigrator.ScriptNames.Count);
    }
    else if (patterns is null)
    {
        var inserted = await DemoData.SeedAsync(connectionString);
        logger.LogInformation("Demo data present ({Inserted} pattern(s) added now)", inserted);
    }
    else
    {
        return await SeedRealisticAsync(connectionString, patterns.Value, seed ?? 1);
    }

    return 0;
}
catch (Exception ex)
{
    logger.LogError(ex, "{Command} failed", command);
    return 1;
}

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

bool TryCount(string name, int min, out int? value)
{
    value = null;
    if (Option(name) is not { } text)
    {
        return Array.IndexOf(args, name) < 0;
    }

    var ok = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= min;
    value = ok ? parsed : null;
    return ok;
}

static async Task<int> SeedRealisticAsync(string connectionString, int patterns, int seed)
{
    var started = System.Diagnostics.Stopwatch.StartNew();
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    IReadOnlyList<(string Table, long Rows)> rows;
    StageBars? stages = null;
    try
    {
        // Spectre draws live bars on a terminal and prints plain progress lines when the output
        // is redirected (CI logs), so both stay readable.
        rows = await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                stages = new StageBars(context);
                return await RealisticData.SeedAsync(connection, patterns, seed, stages);
            });
    }
    catch (DatabaseNotEmptyException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Seeded {patterns:N0} patterns (seed {seed}, reference time {RealisticData.ReferenceTime:yyyy-MM-dd}) in {started.Elapsed.TotalSeconds:F1} s:"));
    foreach (var (table, count) in rows)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {table,-26} {count,12:N0}"));
    }

    foreach (var (stage, from, to) in stages?.Timeline ?? [])
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {stage,-26} {from.TotalSeconds,6:F1} s → {to.TotalSeconds,6:F1} s"));
    }

    return 0;
}

/// <summary>One bar per stage, created when the stage first reports; remembers when each stage ran.</summary>
internal sealed class StageBars(ProgressContext context) : IProgress<SeedProgress>
{
    private readonly Dictionary<string, ProgressTask> bars = [];
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();

    public List<(string Stage, TimeSpan From, TimeSpan To)> Timeline { get; } = [];

    public void Report(SeedProgress value)
    {
        lock (bars)
        {
            if (!bars.TryGetValue(value.Stage, out var bar))
            {
                bars[value.Stage] = bar = context.AddTask(value.Stage, maxValue: Math.Max(1, value.Total));
                Timeline.Add((value.Stage, clock.Elapsed, clock.Elapsed));
            }

            bar.Value = value.Done;
            var index = Timeline.FindIndex(t => t.Stage == value.Stage);
            Timeline[index] = Timeline[index] with { To = clock.Elapsed };
        }
    }
}
