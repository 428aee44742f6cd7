using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Emoty.Domain.Sync;

/// <summary>
/// A position in a user's change feed: the (transaction id, change sequence) of the last change
/// returned. Opaque to clients: base64url of a format byte, both numbers and a checksum, so a
/// garbled or hand-made cursor is a 400 and never reads from a wrong place.
/// </summary>
public readonly record struct SyncCursor(ulong Xid, long Seq) : IComparable<SyncCursor>
{
    private const byte Format = 1;
    private const int Length = 1 + 8 + 8 + 4;

    /// <summary>Before every change: a client without a cursor gets everything.</summary>
    public static SyncCursor Start => default;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Format;
        BinaryPrimitives.WriteUInt64BigEndian(bytes[1..9], Xid);
        BinaryPrimitives.WriteInt64BigEndian(bytes[9..17], Seq);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[17..], Checksum(bytes[..17]));
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string? text, out SyncCursor cursor)
    {
        cursor = Start;
        Span<byte> bytes = stackalloc byte[Length + 3];
        if (string.IsNullOrEmpty(text) || text.Length > 40
            || System.Buffers.Text.Base64Url.DecodeFromChars(text, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != text.Length || written != Length || bytes[0] != Format
            || BinaryPrimitives.ReadUInt32BigEndian(bytes[17..Length]) != Checksum(bytes[..17]))
        {
            return false;
        }

        var seq = BinaryPrimitives.ReadInt64BigEndian(bytes[9..17]);
        if (seq < 0)
        {
            return false;
        }

        cursor = new SyncCursor(BinaryPrimitives.ReadUInt64BigEndian(bytes[1..9]), seq);
        return true;
    }

    /// <summary>Feed order: by transaction id, then sequence.</summary>
    public int CompareTo(SyncCursor other) => Xid != other.Xid ? Xid.CompareTo(other.Xid) : Seq.CompareTo(other.Seq);

    private static uint Checksum(ReadOnlySpan<byte> data) => BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(data));
}
