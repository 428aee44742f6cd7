using System.Buffers.Binary;
using Emoty.Domain.Paging;

namespace Emoty.Domain.Sync;

/// <summary>
/// A position in a user's change feed: the (transaction id, change sequence) of the last change
/// returned. Payload <c>xid(8) seq(8)</c>, sealed by <see cref="CursorSigner"/>, so a garbled or
/// hand-made cursor is a 400 and never reads from a wrong place.
/// </summary>
public readonly record struct SyncCursor(ulong Xid, long Seq) : IComparable<SyncCursor>
{
    private const int Length = 8 + 8;

    /// <summary>Before every change: a client without a cursor gets everything.</summary>
    public static SyncCursor Start => default;

    public string Encode(CursorSigner signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        Span<byte> bytes = stackalloc byte[Length];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, Xid);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], Seq);
        return signer.Seal(CursorKind.Sync, bytes);
    }

    public static bool TryDecode(string? text, CursorSigner signer, out SyncCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(signer);
        cursor = Start;
        if (signer.Open(CursorKind.Sync, text, Length) is not { Length: Length } bytes
            || BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(8)) is var seq && seq < 0)
        {
            return false;
        }

        cursor = new SyncCursor(BinaryPrimitives.ReadUInt64BigEndian(bytes), seq);
        return true;
    }

    /// <summary>Feed order: by transaction id, then sequence.</summary>
    public int CompareTo(SyncCursor other) => Xid != other.Xid ? Xid.CompareTo(other.Xid) : Seq.CompareTo(other.Seq);
}
