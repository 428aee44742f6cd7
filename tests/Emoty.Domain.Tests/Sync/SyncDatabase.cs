using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using Emoty.Domain.Identity;
using Emoty.Domain.Persistence;
using Emoty.Domain.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Emoty.Domain.Tests.Sync;

/// <summary>
/// A fresh database and a queue of its own on the run's Azurite, with the sync service wired as
/// the app wires it (real stores, real queue client). One per test class.
/// </summary>
public sealed class SyncDatabase : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public EmotySettings Settings { get; private set; } = null!;
    public QueueClient Queue { get; private set; } = null!;
    public SyncService Service { get; private set; } = null!;
    public SyncStore Store { get; private set; } = null!;

    private string _storage = "";
    private readonly List<ServiceProvider> _providers = [];
    private readonly List<QueueClient> _ownQueues = [];

    public async Task InitializeAsync()
    {
        ConnectionString = await TestServices.CreateDatabaseAsync("sync");
        _storage = await TestServices.StorageConnectionStringAsync();
        DataSource = PostgresSetup.CreateDataSource(ConnectionString);
        Settings = new EmotySettings
        {
            PostgresConnectionString = ConnectionString,
            RedisConnectionString = await TestServices.RedisAsync(),
            StorageConnectionString = _storage,
            CursorKey = "emoty-tests-cursor-key-not-a-secret-0123456789",
            Queues = new Queues.QueueNames("usage-" + Guid.NewGuid().ToString("N")[..12], "sync-" + Guid.NewGuid().ToString("N")[..12]),
        };
        var queues = QueueService(_storage);
        Queue = queues.GetQueueClient(Settings.Queues.SyncBatches);
        Service = ServiceWith(queues);
        Store = _providers[^1].GetRequiredService<SyncStore>();
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await Queue.DeleteIfExistsAsync();
        foreach (var queue in _ownQueues)
        {
            await queue.DeleteIfExistsAsync();
        }

        await DataSource.DisposeAsync();
    }

    /// <summary>The service as the app's container builds it, with another queue client, e.g. one whose queue never answers.</summary>
    public SyncService ServiceWith(QueueServiceClient queues, string? syncBatchesQueue = null) =>
        ProviderWith(queues, syncBatchesQueue).GetRequiredService<SyncService>();

    /// <summary>The app's container over this database, with another queue client and, if given, another clock.</summary>
    public ServiceProvider ProviderWith(QueueServiceClient queues, string? syncBatchesQueue = null, TimeProvider? time = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = ConnectionString,
            ["ConnectionStrings:Redis"] = Settings.RedisConnectionString,
            ["AzureWebJobsStorage"] = _storage,
            ["UsageEventsQueue"] = Settings.Queues.UsageEvents,
            ["SyncBatchesQueue"] = syncBatchesQueue ?? Settings.Queues.SyncBatches,
            ["Cache:KeyPrefix"] = $"emoty-test-{Guid.NewGuid():N}:",
            ["Api:CursorKey"] = Settings.CursorKey,
            ["Api:PublicBaseUrl"] = "http://localhost:7071",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddEmotyDomain(configuration);
        services.AddSingleton(DataSource);
        services.AddSingleton(queues);
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    /// <summary>The service with a sync-batches queue of its own, so that a test reads exactly the messages it caused.</summary>
    public async Task<(SyncService Service, QueueClient Queue)> WithOwnQueueAsync()
    {
        var name = "sync-own-" + Guid.NewGuid().ToString("N")[..12];
        var queues = QueueService(_storage);
        var queue = queues.GetQueueClient(name);
        await queue.CreateIfNotExistsAsync();
        _ownQueues.Add(queue);
        return (ServiceWith(queues, name), queue);
    }

    /// <summary>A queue endpoint where nothing listens (port 9, discard), tried once.</summary>
    public QueueServiceClient DeadQueues()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.Retry.MaxRetries = 0;
        return new QueueServiceClient(Regex.Replace(_storage, @"QueueEndpoint=http://[^;/]+", "QueueEndpoint=http://127.0.0.1:9"), options);
    }

    private static QueueServiceClient QueueService(string connectionString) =>
        new(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    public async Task<Guid> UserAsync()
    {
        var id = Guid.NewGuid();
        await using var connection = await DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("INSERT INTO users (id) VALUES (@id)", new { id });
        return id;
    }

    public async Task<Guid> PatternAsync(Guid owner, string name = "Heart", bool isPublic = false)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<Guid>("""
            INSERT INTO patterns (user_id, name, sequence, size, is_public)
            VALUES (@owner, @name, '{"emojis":[{"emoji":"❤️","position":{"row":0,"col":0}}]}', 1, @isPublic)
            RETURNING id
            """, new { owner, name, isPublic });
    }

    public Task<long> CountPatternsAsync(Guid user) =>
        ScalarAsync<long>("SELECT count(*) FROM patterns WHERE user_id = @user", new { user });

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public async Task ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>Submits a batch of raw operation JSON objects for <paramref name="user"/>; returns its id.</summary>
    public async Task<Guid> SubmitAsync(Guid user, params string[] operations) =>
        await SubmitWithAsync(Service, user, operations);

    public static async Task<Guid> SubmitWithAsync(SyncService service, Guid user, params string[] operations)
    {
        var batchId = Guid.NewGuid();
        using var body = JsonDocument.Parse($$"""{"client_id":"test","batch_id":"{{batchId}}","operations":[{{string.Join(",", operations)}}]}""");
        await service.SubmitAsync(new Caller(user), body.RootElement, CancellationToken.None);
        return batchId;
    }

    public static string Create(string tempId, string name = "Offline") =>
        $$$"""{"op_id":"{{{Guid.NewGuid()}}}","type":"create","temp_id":"{{{tempId}}}","client_modified_at":"{{{Now}}}","pattern":{"name":"{{{name}}}","sequence":["❤️"]}}""";

    public static string Rename(string id, string name, string opId = "") =>
        $$$"""{"op_id":"{{{(opId.Length > 0 ? opId : Guid.NewGuid().ToString())}}}","type":"update","id":"{{{id}}}","client_modified_at":"{{{Now}}}","changes":{"name":"{{{name}}}"}}""";

    private static string Now => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
