using System.Security.Cryptography;
using System.Text;
using Emoty.Domain.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Emoty.Domain.Tests.Identity;

public sealed class AuthJsSessionTokenTests
{
    private const string Secret = "a-test-auth-secret-of-reasonable-length";

    [Fact]
    public void key_derivation_follows_authjs_hkdf_parameters()
    {
        // HKDF-SHA256(ikm = secret, salt = cookie name, info = "Auth.js Generated Encryption Key (<cookie>)").
        var expected = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(Secret), 64,
            Encoding.UTF8.GetBytes("authjs.session-token"), Encoding.UTF8.GetBytes("Auth.js Generated Encryption Key (authjs.session-token)"));
        Assert.Equal(expected, AuthJsSessionToken.Derive(Encoding.UTF8.GetBytes(Secret), "authjs.session-token", 64));
    }

    [Theory]
    [InlineData("authjs.session-token")]
    [InlineData("__Secure-authjs.session-token")]
    public void a_token_encrypted_with_a256cbc_hs512_by_identitymodel_decrypts(string cookie)
    {
        var key = AuthJsSessionToken.Derive(Encoding.UTF8.GetBytes(Secret), cookie, 64);
        var token = new JsonWebTokenHandler().EncryptToken("""{"sub":"abc","exp":4102444800}""",
            new EncryptingCredentials(new SymmetricSecurityKey(key), JwtConstants.DirectKeyUseAlg, SecurityAlgorithms.Aes256CbcHmacSha512));

        var claims = new AuthJsSessionToken(Secret).TryDecrypt(token);

        Assert.NotNull(claims);
        Assert.Equal("abc", claims.Value.GetProperty("sub").GetString());
    }

    [Fact]
    public void a_token_with_a_flipped_ciphertext_bit_does_not_decrypt()
    {
        var key = AuthJsSessionToken.Derive(Encoding.UTF8.GetBytes(Secret), "authjs.session-token", 64);
        var token = new JsonWebTokenHandler().EncryptToken("""{"sub":"abc"}""",
            new EncryptingCredentials(new SymmetricSecurityKey(key), JwtConstants.DirectKeyUseAlg, SecurityAlgorithms.Aes256CbcHmacSha512));
        var parts = token.Split('.');
        var ciphertext = Base64UrlEncoder.DecodeBytes(parts[3]);
        ciphertext[0] ^= 1;
        parts[3] = Base64UrlEncoder.Encode(ciphertext);

        Assert.Null(new AuthJsSessionToken(Secret).TryDecrypt(string.Join('.', parts)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b.c.d.e")]
    [InlineData("....")]
    [InlineData("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAA.AAAA.AAAA")]
    public void garbage_never_throws(string token) => Assert.Null(new AuthJsSessionToken(Secret).TryDecrypt(token));
}
