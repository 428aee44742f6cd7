using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Emoty.Domain.Identity;

/// <summary>
/// Auth.js (NextAuth v5) session tokens: compact JWE, <c>alg</c> "dir", <c>enc</c> A256CBC-HS512 or A256GCM, the key derived from
/// AUTH_SECRET by HKDF-SHA256 salted with the cookie name. The name is not in the token, so both of Auth.js's names are tried.
/// </summary>
public sealed class AuthJsSessionToken
{
    public static readonly string[] CookieNames = ["authjs.session-token", "__Secure-authjs.session-token"];

    private readonly (byte[] CbcKey, byte[] GcmKey)[] _keys;

    public AuthJsSessionToken(string secret)
    {
        var ikm = Encoding.UTF8.GetBytes(secret);
        _keys = CookieNames.Select(name => (Derive(ikm, name, 64), Derive(ikm, name, 32))).ToArray();
    }

    public static byte[] Derive(byte[] secret, string cookieName, int length) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, length,
            Encoding.UTF8.GetBytes(cookieName), Encoding.UTF8.GetBytes($"Auth.js Generated Encryption Key ({cookieName})"));

    /// <summary>Null when it is not an Auth.js token this secret opened.</summary>
    public JsonElement? TryDecrypt(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 5 || parts[1].Length != 0)
        {
            return null;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(parts[0]));
            if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "dir"
                || !header.RootElement.TryGetProperty("enc", out var encElement))
            {
                return null;
            }

            var enc = encElement.GetString();
            var aad = Encoding.ASCII.GetBytes(parts[0]);
            var iv = Base64UrlEncoder.DecodeBytes(parts[2]);
            var ciphertext = Base64UrlEncoder.DecodeBytes(parts[3]);
            var tag = Base64UrlEncoder.DecodeBytes(parts[4]);
            foreach (var (cbcKey, gcmKey) in _keys)
            {
                var plaintext = enc switch
                {
                    "A256CBC-HS512" => DecryptCbcHs512(cbcKey, aad, iv, ciphertext, tag),
                    "A256GCM" => DecryptGcm(gcmKey, aad, iv, ciphertext, tag),
                    _ => null,
                };
                if (plaintext is not null)
                {
                    using var claims = JsonDocument.Parse(plaintext);
                    return claims.RootElement.Clone();
                }
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException or CryptographicException or InvalidOperationException)
        {
            return null;
        }

        return null;
    }

    // RFC 7518 §5.2: MAC key = first half, encryption key = second half; tag = HMAC-SHA-512 over
    // AAD || IV || ciphertext || AAD length in bits (64-bit big-endian), truncated to 32 bytes.
    private static byte[]? DecryptCbcHs512(byte[] key, byte[] aad, byte[] iv, byte[] ciphertext, byte[] tag)
    {
        if (iv.Length != 16 || tag.Length != 32)
        {
            return null;
        }

        var macInput = new byte[aad.Length + iv.Length + ciphertext.Length + 8];
        aad.CopyTo(macInput, 0);
        iv.CopyTo(macInput, aad.Length);
        ciphertext.CopyTo(macInput, aad.Length + iv.Length);
        BinaryPrimitives.WriteUInt64BigEndian(macInput.AsSpan(macInput.Length - 8), (ulong)aad.Length * 8);
        var expected = HMACSHA512.HashData(key.AsSpan(0, 32), macInput).AsSpan(0, 32);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
        {
            return null;
        }

        using var aes = Aes.Create();
        aes.Key = key[32..];
        return aes.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7);
    }

    private static byte[]? DecryptGcm(byte[] key, byte[] aad, byte[] iv, byte[] ciphertext, byte[] tag)
    {
        if (iv.Length != 12 || tag.Length != 16)
        {
            return null;
        }

        var plaintext = new byte[ciphertext.Length];
        using var gcm = new AesGcm(key, 16);
        try
        {
            gcm.Decrypt(iv, ciphertext, tag, plaintext, aad);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
