using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Emoty.Domain.Paging;

/// <summary>What a cursor continues; a cursor of one kind is never read as another.</summary>
public enum CursorKind : byte
{
    Search = 1,
    Page = 2,
    Sync = 3,
}

/// <summary>
/// The one cursor format of every paged route: base64url (no padding) of <c>kind(1) payload(…)
/// tag(16)</c>, where the tag is HMAC-SHA256 under the server's key (Api:CursorKey) over kind and
/// payload, cut to 128 bits. Without the key a cursor can be neither made nor altered, so whatever
/// a cursor says was said by this API (a 400 for anything else, never a 500).
/// </summary>
public sealed class CursorSigner
{
    private const int TagLength = 16;
    public const int MinKeyBytes = 32;

    private readonly byte[] _key;

    public CursorSigner(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinKeyBytes)
        {
            throw new ArgumentException($"A cursor key has at least {MinKeyBytes} bytes.", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>The key as the setting holds it: its UTF-8 bytes, at least 32.</summary>
    public static CursorSigner FromSetting(string key) => new(Encoding.UTF8.GetBytes(key));

    public string Seal(CursorKind kind, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[1 + payload.Length + TagLength];
        bytes[0] = (byte)kind;
        payload.CopyTo(bytes.AsSpan(1));
        Tag(bytes.AsSpan(0, 1 + payload.Length), bytes.AsSpan(1 + payload.Length));
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The payload of an intact cursor of <paramref name="kind"/> of at most <paramref name="maxPayload"/> bytes; null for anything else.</summary>
    public byte[]? Open(CursorKind kind, string? text, int maxPayload)
    {
        if (string.IsNullOrEmpty(text) || text.Length > Base64Url.GetEncodedLength(1 + maxPayload + TagLength))
        {
            return null;
        }

        var bytes = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        // The OperationStatus overload reports bad input; TryDecodeFromChars throws on it.
        if (Base64Url.DecodeFromChars(text, bytes, out var consumed, out var length) != OperationStatus.Done
            || consumed != text.Length || length < 1 + TagLength)
        {
            return null;
        }

        var data = bytes.AsSpan(0, length);
        Span<byte> expected = stackalloc byte[TagLength];
        Tag(data[..^TagLength], expected);
        return CryptographicOperations.FixedTimeEquals(expected, data[^TagLength..]) && data[0] == (byte)kind
            ? data[1..^TagLength].ToArray()
            : null;
    }

    private void Tag(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, data, mac);
        mac[..TagLength].CopyTo(destination);
    }
}
