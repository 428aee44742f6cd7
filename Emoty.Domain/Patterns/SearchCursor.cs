using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;
using Emoty.Domain.Paging;

namespace Emoty.Domain.Patterns;

/// <summary>
/// Carries which search it belongs to (sort, direction, filter fingerprint), so a cursor replayed against other filters or another
/// sort is refused instead of skipping or repeating rows. Payload, sealed by <see cref="CursorSigner"/>:
/// <c>sort(1) flags(1) fingerprint(8) id(16) value(…)</c>, little-endian; the value is checked again as it is read.
/// </summary>
public sealed record SearchCursor
{
    private const int HeaderLength = 1 + 1 + 8 + 16;

    /// <summary>More cannot be a cursor of ours (the longest value is a name of 100 characters).</summary>
    private const int MaxPayload = 8192;

    private SearchCursor(PatternSort sort, bool descending, object lastValue, Guid lastId, ulong filterFingerprint)
    {
        Sort = sort;
        Descending = descending;
        LastValue = lastValue;
        LastId = lastId;
        FilterFingerprint = filterFingerprint;
    }

    public PatternSort Sort { get; }
    public bool Descending { get; }

    /// <summary>Typed for its column (<see cref="ValueType"/>), so it can be bound as a parameter as is.</summary>
    public object LastValue { get; }

    public Guid LastId { get; }

    public ulong FilterFingerprint { get; }

    public static Type ValueType(PatternSort sort) => sort switch
    {
        PatternSort.CreatedAt or PatternSort.UpdatedAt => typeof(DateTimeOffset),
        PatternSort.LikeCount or PatternSort.ViewCount or PatternSort.Relevance => typeof(long),
        PatternSort.DifficultyRating => typeof(short),
        PatternSort.ComplexityScore => typeof(decimal),
        PatternSort.Name => typeof(string),
        _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, "Unknown sort."),
    };

    public static SearchCursor After(PatternSearchQuery query, object lastValue, Guid lastId)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Create(query.Sort, query.Descending, lastValue, lastId, query.FilterFingerprint);
    }

    /// <summary>Integers of any width and UTC <see cref="DateTime"/>s are accepted, as database drivers hand them out.</summary>
    public static SearchCursor Create(PatternSort sort, bool descending, object lastValue, Guid lastId, ulong filterFingerprint)
    {
        ArgumentNullException.ThrowIfNull(lastValue);
        var value = Normalize(sort, lastValue)
            ?? throw new ArgumentException($"A {sort} cursor needs a {ValueType(sort).Name}, not {lastValue.GetType().Name} {lastValue}.", nameof(lastValue));
        return new SearchCursor(sort, descending, value, lastId, filterFingerprint);
    }

    private static object? Normalize(PatternSort sort, object value) => sort switch
    {
        PatternSort.CreatedAt or PatternSort.UpdatedAt => value switch
        {
            DateTimeOffset t => t.ToUniversalTime(),
            DateTime { Kind: DateTimeKind.Utc } t => new DateTimeOffset(t),
            _ => null,
        },
        PatternSort.LikeCount or PatternSort.ViewCount => value switch
        {
            long l => l,
            int i => (long)i,
            short s => (long)s,
            _ => null,
        },
        PatternSort.DifficultyRating => value switch
        {
            short s => s,
            int i when i is >= short.MinValue and <= short.MaxValue => (short)i,
            long l when l is >= short.MinValue and <= short.MaxValue => (short)l,
            _ => null,
        },
        PatternSort.ComplexityScore => value as decimal?,
        PatternSort.Name => value as string,
        PatternSort.Relevance => value switch
        {
            long l when IsRelevanceKey(l) => l,
            _ => null,
        },
        _ => null,
    };

    public string Encode(CursorSigner signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var valueLength = LastValue switch
        {
            DateTimeOffset or long => 8,
            short => 2,
            decimal => 16,
            string s => Encoding.UTF8.GetByteCount(s),
            _ => throw new InvalidOperationException("Unreachable: values are normalised on creation."),
        };

        var bytes = new byte[HeaderLength + valueLength].AsSpan();
        bytes[0] = (byte)Sort;
        bytes[1] = Descending ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[2..], FilterFingerprint);
        LastId.TryWriteBytes(bytes[10..]);
        var value = bytes[HeaderLength..];
        switch (LastValue)
        {
            case DateTimeOffset t:
                BinaryPrimitives.WriteInt64LittleEndian(value, t.UtcTicks);
                break;
            case long l:
                BinaryPrimitives.WriteInt64LittleEndian(value, l);
                break;
            case short s:
                BinaryPrimitives.WriteInt16LittleEndian(value, s);
                break;
            case decimal d:
                Span<int> bits = stackalloc int[4];
                decimal.GetBits(d, bits);
                for (var i = 0; i < 4; i++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(value[(4 * i)..], bits[i]);
                }

                break;
            case string text:
                Encoding.UTF8.GetBytes(text, value);
                break;
        }

        return signer.Seal(CursorKind.Search, bytes);
    }

    /// <summary>False, never an exception, for anything that is not an intact cursor of ours.</summary>
    public static bool TryDecode(string? text, CursorSigner signer, [NotNullWhen(true)] out SearchCursor? cursor)
    {
        ArgumentNullException.ThrowIfNull(signer);
        cursor = null;
        var data = signer.Open(CursorKind.Search, text, MaxPayload);
        if (data is null || data.Length < HeaderLength || data[1] > 1 || !Enum.IsDefined((PatternSort)data[0]))
        {
            return false;
        }

        var sort = (PatternSort)data[0];
        var value = ReadValue(sort, data.AsSpan(HeaderLength));
        if (value is null)
        {
            return false;
        }

        cursor = new SearchCursor(sort, data[1] == 1, value, new Guid(data.AsSpan(10, 16)),
            BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(2)));
        return true;
    }

    private static object? ReadValue(PatternSort sort, ReadOnlySpan<byte> value) => sort switch
    {
        PatternSort.CreatedAt or PatternSort.UpdatedAt when value.Length == 8 =>
            BinaryPrimitives.ReadInt64LittleEndian(value) is var ticks && ticks >= 0 && ticks <= DateTime.MaxValue.Ticks
                ? new DateTimeOffset(ticks, TimeSpan.Zero)
                : null,
        PatternSort.LikeCount or PatternSort.ViewCount when value.Length == 8 => BinaryPrimitives.ReadInt64LittleEndian(value),
        PatternSort.DifficultyRating when value.Length == 2 => BinaryPrimitives.ReadInt16LittleEndian(value),
        PatternSort.ComplexityScore when value.Length == 16 => ReadDecimal(value),
        PatternSort.Relevance when value.Length == 8 =>
            BinaryPrimitives.ReadInt64LittleEndian(value) is var key && IsRelevanceKey(key) ? key : null,
        // Text PostgreSQL can take: valid UTF-8 without NUL (only this API makes cursors, but it reads them with care).
        PatternSort.Name => Utf8.IsValid(value) && !value.Contains((byte)0) ? Encoding.UTF8.GetString(value) : null,
        _ => null,
    };

    private static bool IsRelevanceKey(long key) => key >= 0 && (key >> PatternSearchStore.RelevanceClassShift) is >= 1 and <= 3;

    private static object? ReadDecimal(ReadOnlySpan<byte> value)
    {
        Span<int> bits = stackalloc int[4];
        for (var i = 0; i < 4; i++)
        {
            bits[i] = BinaryPrimitives.ReadInt32LittleEndian(value[(4 * i)..]);
        }

        // The decimal constructor throws on bits it would never produce: scale above 28 or stray flag bits.
        var flags = bits[3];
        return (flags & 0x7F00FFFF) == 0 && ((flags >> 16) & 0xFF) <= 28 ? new decimal(bits) : null;
    }

}
