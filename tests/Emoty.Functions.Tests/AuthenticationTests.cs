using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Emoty.Domain.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Emoty.Functions.Tests;

[Collection(AppCollection.Name)]
public sealed class AuthenticationTests(EmotyApp app)
{
    private async Task<HttpResponseMessage> GetMeAsync(string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await app.Http.SendAsync(request);
    }

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unauthorized", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("trace_id").GetString()));
    }

    [Fact]
    public async Task a_token_minted_with_the_sample_development_key_creates_the_user_and_reads_me()
    {
        var user = Guid.NewGuid();
        using var response = await GetMeAsync(app.Tokens.For(user, email: $"{user:N}@example.com", name: "Ada Lovelace"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var me = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(user, me.RootElement.GetProperty("id").GetGuid());
        Assert.Equal($"{user:N}@example.com", me.RootElement.GetProperty("email").GetString());
        Assert.Equal("Ada Lovelace", me.RootElement.GetProperty("full_name").GetString());
    }

    [Fact]
    public async Task claims_refresh_the_user_row_on_a_later_request()
    {
        var user = Guid.NewGuid();
        (await GetMeAsync(app.Tokens.For(user, name: "Old Name"))).Dispose();
        using var response = await GetMeAsync(app.Tokens.For(user, name: "New Name"));

        using var me = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("New Name", me.RootElement.GetProperty("full_name").GetString());
    }

    [Fact]
    public async Task me_without_a_token_is_401()
    {
        using var response = await GetMeAsync(null);
        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task an_expired_token_is_401_even_on_anonymous_routes()
    {
        var token = app.Tokens.For(Guid.NewGuid(), expires: DateTime.UtcNow.AddMinutes(-5), notBefore: DateTime.UtcNow.AddHours(-1));
        await AssertUnauthorizedAsync(await GetMeAsync(token));

        var request = new HttpRequestMessage(HttpMethod.Get, "api/health");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await AssertUnauthorizedAsync(await app.Http.SendAsync(request));
    }

    [Fact]
    public async Task a_token_expired_within_the_60_second_skew_is_accepted()
    {
        var token = app.Tokens.For(Guid.NewGuid(), expires: DateTime.UtcNow.AddSeconds(-20), notBefore: DateTime.UtcNow.AddHours(-1));
        using var response = await GetMeAsync(token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task a_tampered_token_is_401()
    {
        var token = app.Tokens.For(Guid.NewGuid());
        var parts = token.Split('.');
        var payload = JsonSerializer.Serialize(new { sub = Guid.NewGuid(), iss = app.Settings["Auth__Issuer"], aud = app.Settings["Auth__Audience"], exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() });
        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        await AssertUnauthorizedAsync(await GetMeAsync(forged));
    }

    [Fact]
    public async Task an_unsigned_token_is_401()
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new { sub = Guid.NewGuid(), iss = app.Settings["Auth__Issuer"], aud = app.Settings["Auth__Audience"], exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() }));
        await AssertUnauthorizedAsync(await GetMeAsync($"{header}.{payload}."));
    }

    [Theory]
    [InlineData("issuer")]
    [InlineData("audience")]
    [InlineData("key")]
    [InlineData("sub")]
    public async Task a_token_with_the_wrong_issuer_audience_key_or_subject_is_401(string what)
    {
        var token = what switch
        {
            "issuer" => app.Tokens.For(Guid.NewGuid(), issuerOverride: "https://evil.example"),
            "audience" => app.Tokens.For(Guid.NewGuid(), audienceOverride: "someone-else"),
            "key" => app.Tokens.For(Guid.NewGuid(), credentials: new SigningCredentials(
                new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256)),
            _ => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = app.Settings["Auth__Issuer"],
                Audience = app.Settings["Auth__Audience"],
                Claims = new Dictionary<string, object> { ["sub"] = "not-a-uuid" },
                SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(app.Settings["Auth__SigningKey"])), SecurityAlgorithms.HmacSha256),
            }),
        };
        await AssertUnauthorizedAsync(await GetMeAsync(token));
    }

    [Fact]
    public async Task a_malformed_authorization_header_is_401()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz");
        await AssertUnauthorizedAsync(await app.Http.SendAsync(request));
    }

    [Theory]
    [InlineData("authjs.session-token", "A256CBC-HS512")]
    [InlineData("__Secure-authjs.session-token", "A256CBC-HS512")]
    [InlineData("authjs.session-token", "A256GCM")]
    public async Task an_authjs_session_token_is_accepted_as_a_bearer_token(string cookieName, string enc)
    {
        var user = Guid.NewGuid();
        var token = AuthJsToken(app.Settings["Auth__AuthJsSecret"], cookieName, enc, user, DateTimeOffset.UtcNow.AddDays(30));

        using var response = await GetMeAsync(token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var me = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(user, me.RootElement.GetProperty("id").GetGuid());
        Assert.Equal("Grace Hopper", me.RootElement.GetProperty("full_name").GetString());
    }

    [Fact]
    public async Task an_expired_or_foreign_authjs_session_token_is_401()
    {
        var expired = AuthJsToken(app.Settings["Auth__AuthJsSecret"], "authjs.session-token", "A256CBC-HS512", Guid.NewGuid(), DateTimeOffset.UtcNow.AddMinutes(-5));
        await AssertUnauthorizedAsync(await GetMeAsync(expired));

        var foreign = AuthJsToken("another-apps-secret-entirely-0123456789", "authjs.session-token", "A256CBC-HS512", Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(1));
        await AssertUnauthorizedAsync(await GetMeAsync(foreign));
    }

    [Fact]
    public async Task a_token_with_a_critical_header_or_dates_that_are_not_numbers_is_401()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var user = Guid.NewGuid();
        string Claims(string exp, string nbf = "") => $$"""{"sub":"{{user}}","iss":"{{app.Settings["Auth__Issuer"]}}","aud":"{{app.Settings["Auth__Audience"]}}","exp":{{exp}}{{nbf}}}""";

        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(Signed(Claims($"{now + 600}")))).StatusCode);
        await AssertUnauthorizedAsync(await GetMeAsync(Signed(Claims($"{now + 600}"), new Dictionary<string, object> { ["crit"] = new[] { "exp" } })));
        await AssertUnauthorizedAsync(await GetMeAsync(Signed(Claims($"\"{now + 600}\""))));
        await AssertUnauthorizedAsync(await GetMeAsync(Signed(Claims($"{now + 600}", $",\"nbf\":\"{now - 60}\""))));
        await AssertUnauthorizedAsync(await GetMeAsync(Signed(Claims("1e300"))));
    }

    [Theory]
    [InlineData("{0:B}")]
    [InlineData("{0:N}")]
    [InlineData(" {0:D}")]
    public async Task a_subject_that_is_not_a_uuid_in_its_36_character_form_is_401(string format) =>
        await AssertUnauthorizedAsync(await GetMeAsync(app.Tokens.ForSubject(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, Guid.NewGuid()))));

    [Fact]
    public async Task an_email_or_name_the_users_table_would_refuse_is_dropped_and_the_user_gets_in()
    {
        var user = Guid.NewGuid();
        using var response = await GetMeAsync(app.Tokens.For(user, email: "a@", name: "Nul\0l"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var me = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Null, me.RootElement.GetProperty("email").ValueKind);
        Assert.Equal(JsonValueKind.Null, me.RootElement.GetProperty("full_name").ValueKind);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"a string\"")]
    [InlineData("""{"sub":"00000000-0000-4000-8000-000000000001","exp":1e20}""")]
    [InlineData("""{"sub":"00000000-0000-4000-8000-000000000001","exp":"tomorrow"}""")]
    [InlineData("""{"sub":["00000000-0000-4000-8000-000000000001"],"exp":4102444800}""")]
    public async Task an_authjs_session_token_with_odd_claims_is_401_not_500(string claims)
    {
        var key = AuthJsSessionToken.Derive(Encoding.UTF8.GetBytes(app.Settings["Auth__AuthJsSecret"]), "authjs.session-token", 32);
        await AssertUnauthorizedAsync(await GetMeAsync(EncryptGcm(key, claims)));
    }

    /// <summary>An HS256 token with the sample key over exactly these claims (and header parameters).</summary>
    private string Signed(string claims, Dictionary<string, object>? header = null)
    {
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(app.Settings["Auth__SigningKey"])), SecurityAlgorithms.HmacSha256);
        return header is null
            ? new JsonWebTokenHandler().CreateToken(claims, credentials)
            : new JsonWebTokenHandler().CreateToken(claims, credentials, header);
    }

    /// <summary>An Auth.js session token made with Microsoft.IdentityModel's JWE writer (an independent implementation).</summary>
    private static string AuthJsToken(string secret, string cookieName, string enc, Guid user, DateTimeOffset expires)
    {
        var length = enc == "A256GCM" ? 32 : 64;
        var key = AuthJsSessionToken.Derive(Encoding.UTF8.GetBytes(secret), cookieName, length);
        var payload = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["sub"] = user.ToString(), ["email"] = $"{user:N}@example.com", ["name"] = "Grace Hopper", ["picture"] = "https://example.com/a.png",
            ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["exp"] = expires.ToUnixTimeSeconds(), ["jti"] = Guid.NewGuid().ToString(),
        });
        if (enc == "A256GCM")
        {
            return EncryptGcm(key, payload);
        }

        var credentials = new EncryptingCredentials(new SymmetricSecurityKey(key), JwtConstants.DirectKeyUseAlg, SecurityAlgorithms.Aes256CbcHmacSha512);
        // EncryptToken encrypts the claims JSON itself, as Auth.js does (CreateToken would nest a JWS).
        return new JsonWebTokenHandler().EncryptToken(payload, credentials);
    }

    private static string EncryptGcm(byte[] key, string payload)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"dir","enc":"A256GCM"}""");
        var iv = RandomNumberGenerator.GetBytes(12);
        var plaintext = Encoding.UTF8.GetBytes(payload);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(iv, plaintext, ciphertext, tag, Encoding.ASCII.GetBytes(header));
        return $"{header}..{Base64UrlEncoder.Encode(iv)}.{Base64UrlEncoder.Encode(ciphertext)}.{Base64UrlEncoder.Encode(tag)}";
    }
}
