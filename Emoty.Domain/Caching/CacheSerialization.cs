using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Emoty.Domain.Analytics;
using Emoty.Domain.Patterns;
using Microsoft.Extensions.Caching.Hybrid;

namespace Emoty.Domain.Caching;

/// <summary>Every type that goes to Redis, serialized by source-generated code (no reflection per entry).</summary>
[JsonSerializable(typeof(CachedPattern))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(PlatformAnalytics))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;

/// <summary>Hands HybridCache a serializer for each type of <see cref="CacheJsonContext"/>.</summary>
internal sealed class CacheSerializerFactory : IHybridCacheSerializerFactory
{
    public bool TryCreateSerializer<T>([NotNullWhen(true)] out IHybridCacheSerializer<T>? serializer)
    {
        serializer = CacheJsonContext.Default.GetTypeInfo(typeof(T)) is JsonTypeInfo<T> info ? new Serializer<T>(info) : null;
        return serializer is not null;
    }

    private sealed class Serializer<T>(JsonTypeInfo<T> info) : IHybridCacheSerializer<T>
    {
        public T Deserialize(ReadOnlySequence<byte> source)
        {
            var reader = new Utf8JsonReader(source);
            return JsonSerializer.Deserialize(ref reader, info)!;
        }

        public void Serialize(T value, IBufferWriter<byte> target)
        {
            using var writer = new Utf8JsonWriter(target);
            JsonSerializer.Serialize(writer, value, info);
        }
    }
}
