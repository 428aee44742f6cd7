using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Emoty.Domain.Paging;

/// <summary>
/// An opaque keyset cursor for simple lists ordered by (a 64-bit key, id): a timestamp's ticks or a
/// position. Base64url of key, id and a checksum, so a garbled cursor is recognised (400), never a 500.
/// </summary>
public readonly record struct PageCursor(long Key, Guid Id)
{
    private const int Length = 8 + 16 + 4;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, Key);
        Id.TryWriteBytes(bytes[8..24], bigEndian: true, out _);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[24..], Checksum(bytes[..24]));
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string? text, [NotNullWhen(true)] out PageCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[48];
        if (System.Buffers.Text.Base64Url.DecodeFromChars(text, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != text.Length || written != Length
            || BinaryPrimitives.ReadUInt32BigEndian(bytes[24..Length]) != Checksum(bytes[..24]))
        {
            return false;
        }

        cursor = new PageCursor(BinaryPrimitives.ReadInt64BigEndian(bytes), new Guid(bytes[8..24], bigEndian: true));
        return true;
    }

    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(data, hash);
        return BinaryPrimitives.ReadUInt32BigEndian(hash);
    }
}
