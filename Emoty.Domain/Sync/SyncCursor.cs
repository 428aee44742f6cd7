using System.Buffers.Binary;
using Emoty.Domain.Paging;

namespace Emoty.Domain.Sync;

/// <summary>
/// A position in a user's change feed: the (transaction id, change sequence) of the last change
/// returned, and how far the feed's history had been pruned when the cursor was issued
/// (<see cref="PrunedXid"/>, <see cref="PrunedSeq"/>). Payload <c>xid(8) seq(8) pruned xid(8)
/// pruned seq(8)</c>, sealed by <see cref="CursorSigner"/>, so a garbled or hand-made cursor is a
/// 400 and never reads from a wrong place.
/// </summary>
/// <remarks>
/// The pruning mark makes expiry exact: a cursor has lost history only when pruning has gone past
/// both its position and the mark it was issued with. A client that resyncs from the start walks
/// through old positions without tripping over history pruned before it began.
/// </remarks>
public readonly record struct SyncCursor(ulong Xid, long Seq, ulong PrunedXid = 0, long PrunedSeq = 0) : IComparable<SyncCursor>
{
    private const int Length = 4 * 8;

    /// <summary>Before every change: a client without a cursor gets everything.</summary>
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

    /// <summary>Feed order of the positions: by transaction id, then sequence (the pruning marks aside).</summary>
    public int CompareTo(SyncCursor other) => Xid != other.Xid ? Xid.CompareTo(other.Xid) : Seq.CompareTo(other.Seq);

    /// <summary>This position, issued when the history had been pruned through <paramref name="pruned"/>.</summary>
    public SyncCursor IssuedAt(SyncCursor pruned) => this with { PrunedXid = pruned.Xid, PrunedSeq = pruned.Seq };

    /// <summary>
    /// Whether history this cursor still needs is gone: pruning (<paramref name="pruned"/>) has passed
    /// both its position and the mark it was issued with. The start is never expired.
    /// </summary>
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
