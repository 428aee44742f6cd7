using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Emoty.Domain.Paging;

/// <summary>A cursor of one kind is never read as another.</summary>
public enum CursorKind : byte
{
    Search = 1,
    Page = 2,
    Sync = 3,
}

/// <summary>
/// Base64url of <c>kind(1) payload(…) tag(16)</c>, the tag a truncated HMAC-SHA256 under Api:CursorKey. Without the key a cursor can be
/// neither made nor altered, so whatever a cursor says was said by this API (anything else is a 400, never a 500).
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

    public static CursorSigner FromSetting(string key) => new(Encoding.UTF8.GetBytes(key));

    public string Seal(CursorKind kind, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[1 + payload.Length + TagLength];
        bytes[0] = (byte)kind;
        payload.CopyTo(bytes.AsSpan(1));
        Tag(bytes.AsSpan(0, 1 + payload.Length), bytes.AsSpan(1 + payload.Length));
        return Base64Url.EncodeToString(bytes);
    }

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
