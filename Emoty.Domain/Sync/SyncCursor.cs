using System.Buffers.Binary;
using Emoty.Domain.Paging;

namespace Emoty.Domain.Sync;

/// <summary>
/// Sealed by <see cref="CursorSigner"/>, so a garbled or hand-made cursor is a 400 and never reads from a wrong place.
/// The pruning mark it was issued with makes expiry exact: a client resyncing from the start walks through old positions
/// without tripping over history pruned before it began.
/// </summary>
public readonly record struct SyncCursor(ulong Xid, long Seq, ulong PrunedXid = 0, long PrunedSeq = 0) : IComparable<SyncCursor>
{
    private const int Length = 4 * 8;

    public static SyncCursor Start => default;

    public string Encode(CursorSigner signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        Span<byte> bytes = stackalloc byte[Length];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, Xid);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], Seq);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], PrunedXid);
        BinaryPrimitives.WriteInt64BigEndian(bytes[24..], PrunedSeq);
        return signer.Seal(CursorKind.Sync, bytes);
    }

    public static bool TryDecode(string? text, CursorSigner signer, out SyncCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(signer);
        cursor = Start;
        if (signer.Open(CursorKind.Sync, text, Length) is not { Length: Length } bytes
            || BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(8)) is var seq && seq < 0
            || BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(24)) is var prunedSeq && prunedSeq < 0)
        {
            return false;
        }

        cursor = new SyncCursor(BinaryPrimitives.ReadUInt64BigEndian(bytes), seq, BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(16)), prunedSeq);
        return true;
    }

    /// <summary>The pruning marks take no part in the order.</summary>
    public int CompareTo(SyncCursor other) => Xid != other.Xid ? Xid.CompareTo(other.Xid) : Seq.CompareTo(other.Seq);

    public SyncCursor IssuedAt(SyncCursor pruned) => this with { PrunedXid = pruned.Xid, PrunedSeq = pruned.Seq };

    /// <summary>Only when pruning has passed both its position and the mark it was issued with.</summary>
    public bool IsExpiredBy(SyncCursor pruned)
    {
        if (this == Start)
        {
            return false;
        }

        var mark = new SyncCursor(PrunedXid, PrunedSeq);
        var reach = CompareTo(mark) >= 0 ? this : mark;
        return pruned.CompareTo(reach) > 0;
    }
}
