using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Emoty.Domain.Errors;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Emoty.Domain.Identity;

/// <summary>
/// A JWT (HS256 secret or RS256 keys, the algorithm pinned to the key type) or an Auth.js session token.
/// Anything else is a 401, never anonymous.
/// </summary>
public sealed class TokenValidator
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters? _jwtParameters;
    private readonly AuthJsSessionToken? _authJs;
    private readonly TimeProvider _time;

    public TokenValidator(AuthSettings settings, TimeProvider time)
    {
        _time = time;
        var keys = new List<SecurityKey>();
        var algorithms = new List<string>();
        if (settings.SigningKey is { } secret)
        {
            var bytes = Encoding.UTF8.GetBytes(secret);
            if (bytes.Length < 32)
            {
                throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes (UTF-8).");
            }

            keys.Add(new SymmetricSecurityKey(bytes));
            algorithms.Add(SecurityAlgorithms.HmacSha256);
        }

        if (settings.PublicKeys is { } publicKeys)
        {
            keys.AddRange(ParsePublicKeys(publicKeys));
            algorithms.Add(SecurityAlgorithms.RsaSha256);
        }

        if (keys.Count > 0)
        {
            _jwtParameters = new TokenValidationParameters
            {
                ValidIssuer = settings.Issuer,
                ValidateIssuer = settings.Issuer is not null,
                ValidAudience = settings.Audience,
                ValidateAudience = settings.Audience is not null,
                IssuerSigningKeys = keys,
                ValidAlgorithms = algorithms,
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ValidateLifetime = true,
                ClockSkew = ClockSkew,
            };
        }

        if (settings.AuthJsSecret is { } authJsSecret)
        {
            _authJs = new AuthJsSessionToken(authJsSecret);
        }
    }

    public async Task<Caller> ValidateAsync(string token)
    {
        if (token.Count(c => c == '.') == 4)
        {
            return ValidateAuthJs(token);
        }

        if (_jwtParameters is null)
        {
            throw Unauthorized("Bearer tokens are not accepted: no signing key is configured.");
        }

        var result = await _handler.ValidateTokenAsync(token, _jwtParameters);
        if (!result.IsValid)
        {
            throw Unauthorized(result.Exception switch
            {
                SecurityTokenExpiredException => "The token has expired.",
                SecurityTokenNotYetValidException => "The token is not valid yet.",
                SecurityTokenInvalidAudienceException => "The token's audience is not accepted.",
                SecurityTokenInvalidIssuerException => "The token's issuer is not accepted.",
                SecurityTokenNoExpirationException => "The token has no expiry.",
                _ => "The token is not valid.",
            });
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        // RFC 7515 §4.1.11: a crit header names extensions the recipient must understand; we understand none.
        if (jwt.TryGetHeaderValue<object>("crit", out _))
        {
            throw Unauthorized("The token has critical header parameters this API does not understand.");
        }

        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        var claims = payload.RootElement;
        if (!IsNumericDate(claims, "exp", required: true) || !IsNumericDate(claims, "nbf", required: false))
        {
            throw Unauthorized("The token's exp and nbf must be numeric dates.");
        }

        return ToCaller(String(claims, "sub"), String(claims, "email"), String(claims, "name"));
    }

    /// <summary>RFC 7519 NumericDate, within what a date can hold.</summary>
    private static bool IsNumericDate(JsonElement claims, string name, bool required) =>
        !claims.TryGetProperty(name, out var value) ? !required
        : value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds) && seconds is >= MinUnixSeconds and <= MaxUnixSeconds;

    private const double MinUnixSeconds = -62_135_596_800;
    private const double MaxUnixSeconds = 253_402_300_799;

    private Caller ValidateAuthJs(string token)
    {
        // Decrypting proves who made the token, not that its claims have a sane shape.
        if (_authJs?.TryDecrypt(token) is not { ValueKind: JsonValueKind.Object } claims
            || !IsNumericDate(claims, "exp", required: true) || !IsNumericDate(claims, "nbf", required: false))
        {
            throw Unauthorized("The session token is not valid.");
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (claims.GetProperty("exp").GetDouble() + ClockSkew.TotalSeconds < now)
        {
            throw Unauthorized("The session token has expired.");
        }

        if (claims.TryGetProperty("nbf", out var nbf) && nbf.GetDouble() - ClockSkew.TotalSeconds > now)
        {
            throw Unauthorized("The session token is not valid yet.");
        }

        return ToCaller(String(claims, "sub"), String(claims, "email"), String(claims, "name"));
    }

    private static string? String(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An email or name the users table would refuse is dropped, not stored: a profile detail must never lock the user out.</summary>
    private static Caller ToCaller(string? sub, string? email, string? name) =>
        sub is { Length: 36 } && Guid.TryParseExact(sub, "D", out var userId) && userId != Guid.Empty
            ? new Caller(userId, Profile(email, 3, 320), Profile(name, 1, 200))
            : throw Unauthorized("The token's subject (sub) must be a user id (UUID).");

    private static string? Profile(string? value, int min, int max) =>
        // The table counts code points; a string of no more UTF-16 units than that cannot have more.
        value?.Trim() is { Length: > 0 } text && text.Length <= max && Patterns.PatternRules.TextError(text, min, max, multiline: false) is null
            ? text
            : null;

    private static EmotyException Unauthorized(string detail) => new(ProblemCode.Unauthorized, detail);

    private static IEnumerable<SecurityKey> ParsePublicKeys(string text)
    {
        if (text.TrimStart().StartsWith('{'))
        {
            return new JsonWebKeySet(text).GetSigningKeys();
        }

        const string end = "-----END PUBLIC KEY-----";
        var keys = new List<SecurityKey>();
        foreach (var block in text.Split(end, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (block.Length == 0)
            {
                continue;
            }

            var rsa = RSA.Create();
            rsa.ImportFromPem(block + "\n" + end);
            keys.Add(new RsaSecurityKey(rsa));
        }

        return keys.Count > 0 ? keys : throw new InvalidOperationException("Auth:PublicKeys holds no PEM public key or JWKS.");
    }
}
