using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Emoty.Domain.Paging;

/// <summary>For simple lists ordered by (a 64-bit key, id): a timestamp's ticks or a position.</summary>
public readonly record struct PageCursor(long Key, Guid Id)
{
    private const int Length = 8 + 16;

    public string Encode(CursorSigner signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        Span<byte> bytes = stackalloc byte[Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, Key);
        Id.TryWriteBytes(bytes[8..], bigEndian: true, out _);
        return signer.Seal(CursorKind.Page, bytes);
    }

    /// <param name="keyIsTime">The key must then also be a timestamp PostgreSQL can hold.</param>
    public static bool TryDecode(string? text, CursorSigner signer, [NotNullWhen(true)] out PageCursor? cursor, bool keyIsTime = false)
    {
        ArgumentNullException.ThrowIfNull(signer);
        cursor = null;
        if (signer.Open(CursorKind.Page, text, Length) is not { Length: Length } bytes)
        {
            return false;
        }

        var key = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (keyIsTime && key is < 0 or > 3155378975999999999)
        {
            return false;
        }

        cursor = new PageCursor(key, new Guid(bytes.AsSpan(8), bigEndian: true));
        return true;
    }
}
