using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Emoty.Domain.Errors;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Emoty.Domain.Identity;

/// <summary>
/// Turns a bearer token into a <see cref="Caller"/>: a JWT signed with the configured HS256 secret or
/// RS256 public keys (algorithm pinned to the key type, issuer, audience, exp/nbf with 60 s skew), or an
/// Auth.js session token. <c>sub</c> must be a UUID. Anything else is a 401, never anonymous.
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

        var claims = (JsonWebToken)result.SecurityToken;
        return ToCaller(
            claims.TryGetPayloadValue<string>("sub", out var sub) ? sub : null,
            claims.TryGetPayloadValue<string>("email", out var email) ? email : null,
            claims.TryGetPayloadValue<string>("name", out var name) ? name : null);
    }

    private Caller ValidateAuthJs(string token)
    {
        if (_authJs?.TryDecrypt(token) is not { } claims)
        {
            throw Unauthorized("The session token is not valid.");
        }

        var now = _time.GetUtcNow();
        if (!claims.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number
            || DateTimeOffset.FromUnixTimeSeconds(exp.GetInt64()) + ClockSkew < now)
        {
            throw Unauthorized("The session token has expired.");
        }

        if (claims.TryGetProperty("nbf", out var nbf) && nbf.ValueKind == JsonValueKind.Number
            && DateTimeOffset.FromUnixTimeSeconds(nbf.GetInt64()) - ClockSkew > now)
        {
            throw Unauthorized("The session token is not valid yet.");
        }

        return ToCaller(String(claims, "sub"), String(claims, "email"), String(claims, "name"));
    }

    private static string? String(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Caller ToCaller(string? sub, string? email, string? name) =>
        Guid.TryParse(sub, out var userId) && userId != Guid.Empty
            ? new Caller(userId, Trim(email, 320), Trim(name, 200))
            : throw Unauthorized("The token's subject (sub) must be a user id (UUID).");

    private static string? Trim(string? value, int max) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim() is { } t && t.Length > max ? t[..max] : value.Trim();

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
