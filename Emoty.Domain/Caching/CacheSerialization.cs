using System.Text.Json.Serialization;
using Emoty.Domain.Analytics;
using Emoty.Domain.Patterns;
using ZiggyCreatures.Caching.Fusion.Internals.Distributed;

namespace Emoty.Domain.Caching;

/// <summary>
/// Every entry that goes to Redis, serialized by source-generated code (no reflection per entry). FusionCache
/// stores an entry wrapped with its timestamp, expiry and tags, so the wrapper is listed for each type of
/// value; <c>long</c> is FusionCache's own: the time a tag was last invalidated.
/// </summary>
[JsonSerializable(typeof(FusionCacheDistributedEntry<CachedPattern>))]
[JsonSerializable(typeof(FusionCacheDistributedEntry<bool>))]
[JsonSerializable(typeof(FusionCacheDistributedEntry<PlatformAnalytics>))]
[JsonSerializable(typeof(FusionCacheDistributedEntry<long>))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;
