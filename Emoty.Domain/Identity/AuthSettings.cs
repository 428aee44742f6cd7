using Microsoft.Extensions.Configuration;

namespace Emoty.Domain.Identity;

public sealed record AuthSettings
{
    public string? Issuer { get; init; }
    public string? Audience { get; init; }
    /// <summary>HS256: its UTF-8 bytes, at least 32 of them.</summary>
    public string? SigningKey { get; init; }
    /// <summary>RS256: one or more PEM blocks, or a JWKS document.</summary>
    public string? PublicKeys { get; init; }
    /// <summary>Auth.js AUTH_SECRET: the web app's session cookies are accepted as bearer tokens.</summary>
    public string? AuthJsSecret { get; init; }

    public static AuthSettings From(IConfiguration configuration) => new()
    {
        Issuer = Blank(configuration["Auth:Issuer"]),
        Audience = Blank(configuration["Auth:Audience"]),
        SigningKey = Blank(configuration["Auth:SigningKey"]),
        PublicKeys = Blank(configuration["Auth:PublicKeys"]),
        AuthJsSecret = Blank(configuration["Auth:AuthJsSecret"]),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
