using Azure.Storage.Queues;
using Emoty.Domain.Analytics;
using Emoty.Domain.Caching;
using Emoty.Domain.Collections;
using Emoty.Domain.Health;
using Emoty.Domain.Identity;
using Emoty.Domain.Patterns;
using Emoty.Domain.Sharing;
using Emoty.Domain.Sync;
using Emoty.Domain.Users;
using Emoty.Domain.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Emoty.Domain;

public static class DomainServices
{
    /// <summary>Everything the Functions app (or a test) needs from the domain, from configuration.</summary>
    public static IServiceCollection AddEmotyDomain(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = EmotySettings.From(configuration);
        services.AddSingleton(settings);
        services.AddSingleton(Paging.CursorSigner.FromSetting(settings.CursorKey));
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton(_ => PostgresSetup.CreateDataSource(settings.PostgresConnectionString));
        services.AddSingleton(sp => new RedisConnection(settings.RedisConnectionString, sp.GetRequiredService<ILogger<RedisConnection>>()));
        services.AddSingleton(_ => new QueueServiceClient(
            settings.StorageConnectionString,
            new QueueClientOptions
            {
                MessageEncoding = QueueMessageEncoding.Base64,
                // A request waits for the queue: give up within seconds (503) rather than the SDK's default minute.
                Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(1), NetworkTimeout = TimeSpan.FromSeconds(10) },
            }));

        // The in-process memos of ViewRecorder and UserService, in estimated bytes; the cache's L1 has a bound of its own (EmotyCache).
        services.AddMemoryCache(o => o.SizeLimit = 256L * 1024 * 1024);
        services.AddSingleton(CacheSettings.From(configuration));
        services.AddSingleton<EmotyCache>();
        services.AddSingleton(AuthSettings.From(configuration));
        services.AddSingleton<Transactions>();
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<UserService>();

        services.AddSingleton<PatternStore>();
        services.AddSingleton<PatternSearchStore>();
        services.AddSingleton<SearchStatistics>();
        services.AddSingleton<PatternReadCache>();
        services.AddSingleton<PatternService>();

        services.AddSingleton<CollectionStore>();
        services.AddSingleton<CollectionService>();

        services.AddSingleton<ShareStore>();
        services.AddSingleton<ShareService>();

        services.AddSingleton<UsageEventQueue>();
        services.AddSingleton<ViewRecorder>();
        services.AddSingleton<AnalyticsStore>();
        services.AddSingleton<AnalyticsService>();

        services.AddSingleton<SyncStore>();
        services.AddSingleton<SyncFeedStore>();
        services.AddSingleton<SyncQueue>();
        services.AddSingleton<SyncService>();

        services.AddSingleton<HealthStore>();
        services.AddSingleton<HealthService>();

        services.AddSingleton(Limits.RateLimitSettings.From(configuration));
        services.AddSingleton<Limits.RateLimits>();
        return services;
    }
}
