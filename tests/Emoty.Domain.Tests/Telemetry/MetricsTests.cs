using Emoty.Domain.Errors;
using Emoty.Domain.Identity;
using Emoty.Domain.Limits;
using Emoty.Domain.Patterns;
using Emoty.Domain.Sync;
using Emoty.Domain.Telemetry;
using Emoty.Domain.Tests.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Emoty.Domain.Tests.Telemetry;

/// <summary>
/// The meter is one per process: these tests run alone (no other test class records meanwhile), so
/// each can count exactly what it did.
/// </summary>
[CollectionDefinition(nameof(MetricsTestsRunAlone), DisableParallelization = true)]
public sealed class MetricsTestsRunAlone;

[Collection(nameof(MetricsTestsRunAlone))]
public sealed class MetricsTests(MetricsTests.App app) : IClassFixture<MetricsTests.App>, IDisposable
{
    private readonly MetricsCollector _metrics = new();

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public async Task a_pattern_read_twice_counts_one_database_read_then_one_memory_hit()
    {
        var cache = app.Get<PatternReadCache>();
        var pattern = await app.PatternAsync(await app.UserAsync());

        Assert.NotNull(await cache.GetAsync(pattern, CancellationToken.None));
        Assert.Equal(1, _metrics.Sum("emoty.cache.lookups", ("level", "memory"), ("result", "miss")));
        Assert.Equal(1, _metrics.Sum("emoty.cache.lookups", ("level", "redis"), ("result", "miss")));
        Assert.Equal(1, _metrics.Sum("emoty.cache.database_reads"));
        Assert.Equal(0, _metrics.Sum("emoty.cache.lookups", ("result", "hit")));

        Assert.NotNull(await cache.GetAsync(pattern, CancellationToken.None));
        Assert.Equal(1, _metrics.Sum("emoty.cache.lookups", ("level", "memory"), ("result", "hit")));
        Assert.Equal(1, _metrics.Sum("emoty.cache.lookups", ("level", "redis")));
        Assert.Equal(1, _metrics.Sum("emoty.cache.database_reads"));
    }

    [Fact]
    public async Task a_4xx_problem_is_counted_by_its_code_and_status()
    {
        // A real domain failure, turned into the problem the middleware writes (HttpJson.ProblemAsync records it).
        var failure = await Assert.ThrowsAsync<EmotyException>(() =>
            app.Get<PatternService>().GetAsync(Caller.Anonymous, Guid.NewGuid(), CancellationToken.None));
        EmotyMetrics.RecordProblem(failure.ToProblem());

        Assert.Equal(1, _metrics.Sum("emoty.http.problems", ("code", "not_found"), ("status", 404)));
        Assert.Equal(1, _metrics.Sum("emoty.http.problems"));
    }

    [Fact]
    public async Task a_request_over_its_budget_is_counted_as_a_rejection_of_that_budget()
    {
        var limits = app.Get<RateLimits>();
        var who = $"u:{Guid.NewGuid():N}";

        Assert.Null(await limits.SpendAsync(RequestKind.Sync, who, CancellationToken.None));
        Assert.Equal(0, _metrics.Sum("emoty.rate_limit.rejections"));
        Assert.NotNull(await limits.SpendAsync(RequestKind.Sync, who, CancellationToken.None));

        Assert.Equal(1, _metrics.Sum("emoty.rate_limit.rejections", ("budget", "sync")));
        Assert.Equal(1, _metrics.Sum("emoty.rate_limit.rejections"));
    }

    [Fact]
    public void a_sync_batch_outcome_is_counted_with_its_latency_and_operations()
    {
        // The calls SyncService will make when a batch ends and as each operation gets its result.
        EmotyMetrics.RecordSyncOperation(SyncOperationStatuses.Applied);
        EmotyMetrics.RecordSyncOperation(SyncOperationStatuses.Conflict);
        EmotyMetrics.RecordSyncBatch(SyncBatchStatuses.Completed, TimeSpan.FromSeconds(2.5), operations: 2);

        Assert.Equal(1, _metrics.Sum("emoty.sync.batches", ("outcome", "completed")));
        Assert.Equal(1, _metrics.HistogramCount("emoty.sync.batch.duration", ("outcome", "completed")));
        Assert.Equal(2.5, _metrics.HistogramSum("emoty.sync.batch.duration", ("outcome", "completed")));
        Assert.Equal(2, _metrics.HistogramSum("emoty.sync.batch.operations", ("outcome", "completed")));
        Assert.Equal(1, _metrics.Sum("emoty.sync.operations", ("status", "applied")));
        Assert.Equal(1, _metrics.Sum("emoty.sync.operations", ("status", "conflict")));
        Assert.Equal(0, _metrics.Sum("emoty.sync.batches", ("outcome", "failed")));
    }

    [Fact]
    public async Task processing_a_sync_batch_counts_its_outcome_and_each_operation()
    {
        var sync = app.Get<SyncService>();
        var user = await app.UserAsync();
        var batchId = await SyncDatabase.SubmitWithAsync(sync, user, SyncDatabase.Create("a"), SyncDatabase.Create("b"));

        Assert.Equal(SyncBatchStatuses.Completed, (await sync.ProcessAsync(batchId, CancellationToken.None)).Status);

        Assert.Equal(1, _metrics.Sum("emoty.sync.batches", ("outcome", "completed")));
        Assert.Equal(1, _metrics.HistogramCount("emoty.sync.batch.duration", ("outcome", "completed")));
        Assert.Equal(2, _metrics.HistogramSum("emoty.sync.batch.operations", ("outcome", "completed")));
        Assert.Equal(2, _metrics.Sum("emoty.sync.operations", ("status", "applied")));
    }

    [Fact]
    public void a_queue_message_age_is_the_time_since_its_insertion()
    {
        var now = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        EmotyMetrics.RecordQueueMessageAge("sync-batches", now.AddSeconds(-7), new FakeTimeProvider(now));
        // Another host's clock a little ahead: not a negative age.
        EmotyMetrics.RecordQueueMessageAge("sync-batches", now.AddSeconds(3), new FakeTimeProvider(now));

        Assert.Equal(2, _metrics.HistogramCount("emoty.queue.message.age", ("queue", "sync-batches")));
        Assert.Equal(7, _metrics.HistogramSum("emoty.queue.message.age", ("queue", "sync-batches")));
    }

    [Fact]
    public async Task the_connection_pool_is_reported_by_npgsql_under_the_data_source_name()
    {
        await using (var connection = await app.Get<NpgsqlDataSource>().OpenConnectionAsync())
        {
            Assert.Contains(_metrics.Points("db.client.connection.count", ("db.client.connection.pool.name", "emoty"), ("db.client.connection.state", "used")),
                point => point.GetSumLong() >= 1);
        }

        Assert.NotEmpty(_metrics.Points("db.client.connection.max", ("db.client.connection.pool.name", "emoty")));
    }

    /// <summary>The domain's services as the app's container builds them, on a database of their own and the run's Redis.</summary>
    public sealed class App : IAsyncLifetime
    {
        private ServiceProvider _provider = null!;

        public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

        public async Task InitializeAsync()
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = await TestServices.CreateDatabaseAsync("metrics"),
                ["ConnectionStrings:Redis"] = await TestServices.RedisAsync(),
                ["AzureWebJobsStorage"] = await TestServices.StorageConnectionStringAsync(),
                ["UsageEventsQueue"] = "usage-" + Guid.NewGuid().ToString("N")[..12],
                ["SyncBatchesQueue"] = "sync-" + Guid.NewGuid().ToString("N")[..12],
                ["Cache:KeyPrefix"] = $"emoty-test-{Guid.NewGuid():N}:",
                // No entry may expire between two reads of a test, however slow the machine.
                ["Cache:LocalExpirationSeconds"] = "3600",
                ["Cache:ExpirationSeconds"] = "3600",
                ["RateLimits:SyncPerMinute"] = "1",
                ["Api:CursorKey"] = "emoty-tests-cursor-key-not-a-secret-0123456789",
                ["Api:PublicBaseUrl"] = "http://localhost:7071",
            }).Build();
            _provider = new ServiceCollection().AddLogging().AddEmotyDomain(configuration).BuildServiceProvider();
        }

        public async Task DisposeAsync() => await _provider.DisposeAsync();

        public async Task<Guid> UserAsync()
        {
            var id = Guid.NewGuid();
            await using var connection = await Get<NpgsqlDataSource>().OpenConnectionAsync();
            await connection.ExecuteAsync("INSERT INTO users (id) VALUES (@id)", new { id });
            return id;
        }

        public async Task<Guid> PatternAsync(Guid owner)
        {
            await using var connection = await Get<NpgsqlDataSource>().OpenConnectionAsync();
            return await connection.ExecuteScalarAsync<Guid>("""
                INSERT INTO patterns (user_id, name, sequence, size, is_public)
                VALUES (@owner, 'Heart', '{"emojis":[{"emoji":"❤️","position":{"row":0,"col":0}}]}', 1, true)
                RETURNING id
                """, new { owner });
        }
    }
}
