using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Emoty.Testing;

/// <summary>Mints bearer tokens the way any local client can: with the sample's development key.</summary>
public sealed class Tokens(string signingKey, string issuer, string audience)
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SymmetricSecurityKey _key = new(Encoding.UTF8.GetBytes(signingKey));

    /// <summary>A valid token whose sub is exactly <paramref name="subject"/>, whatever it says.</summary>
    public string ForSubject(string subject) => _handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = issuer,
        Audience = audience,
        Claims = new Dictionary<string, object> { ["sub"] = subject },
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
    });

    public string For(Guid userId, string? email = null, string? name = null, DateTime? expires = null, DateTime? notBefore = null,
        string? issuerOverride = null, string? audienceOverride = null, SigningCredentials? credentials = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = userId.ToString() };
        if (email is not null)
        {
            claims["email"] = email;
        }

        if (name is not null)
        {
            claims["name"] = name;
        }

        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuerOverride ?? issuer,
            Audience = audienceOverride ?? audience,
            Claims = claims,
            IssuedAt = (notBefore ?? now).AddMinutes(-1) < now ? (notBefore ?? now).AddMinutes(-1) : now,
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = credentials ?? new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        };
        return _handler.CreateToken(descriptor);
    }
}
