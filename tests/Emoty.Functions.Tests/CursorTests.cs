using System.Buffers.Text;
using Emoty.Domain.Paging;

namespace Emoty.Functions.Tests;

/// <summary>Every paged route takes back only cursors it made: forged, altered or borrowed ones are 400, never a 500 or a wrong page.</summary>
[Collection(AppCollection.Name)]
public sealed class CursorTests(EmotyApp app)
{
    private readonly Guid _user = Guid.NewGuid();

    public static TheoryData<string, string> PagedRoutes => new()
    {
        { "api/patterns?sort=name&limit=1", "cursor" },
        { "api/me/favorites?limit=1", "cursor" },
        { "api/collections?limit=1", "cursor" },
        { "api/collections?public=true&limit=1", "cursor" },
        { "api/me/shared?limit=1", "cursor" },
        { "api/sync/changes?limit=1", "since" },
    };

    [Theory]
    [MemberData(nameof(PagedRoutes))]
    public async Task a_cursor_made_with_another_key_or_altered_is_400_at_its_parameter(string route, string parameter)
    {
        // A well-formed cursor of every kind, sealed with a key that is not the server's: what a forger can make.
        var forger = CursorSigner.FromSetting("not-the-servers-key-but-long-enough-0123456789");
        foreach (var kind in Enum.GetValues<CursorKind>())
        {
            var forged = forger.Seal(kind, new byte[40]);
            await AssertRefusedAsync(route, parameter, forged);
        }

        await AssertRefusedAsync(route, parameter, "AAAA");
        await AssertRefusedAsync(route, parameter, new string('A', 5000));
    }

    [Fact]
    public async Task a_real_cursor_altered_by_one_bit_or_replayed_on_another_route_is_400()
    {
        for (var i = 0; i < 2; i++)
        {
            await app.CreatePatternAsync(_user, new { name = $"Paged {i}", sequence = new[] { "📄" } });
        }

        var (_, page, _) = await app.SendAsync(HttpMethod.Get, "api/patterns?sort=name&limit=1", _user);
        var cursor = page.GetProperty("next_cursor").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, $"api/patterns?sort=name&limit=1&cursor={Uri.EscapeDataString(cursor)}", _user)).Status);

        var bytes = Base64Url.DecodeFromChars(cursor);
        bytes[3] ^= 0x01;
        await AssertRefusedAsync("api/patterns?sort=name&limit=1", "cursor", Base64Url.EncodeToString(bytes));
        await AssertRefusedAsync("api/sync/changes?limit=1", "since", cursor);
        await AssertRefusedAsync("api/collections?limit=1", "cursor", cursor);
    }

    private async Task AssertRefusedAsync(string route, string parameter, string cursor)
    {
        var (status, problem, _) = await app.SendAsync(HttpMethod.Get, $"{route}&{parameter}={Uri.EscapeDataString(cursor)}", _user);
        Assert.True(status == HttpStatusCode.BadRequest, $"{route} with a bad {parameter}: {status} {problem}");
        Assert.Equal("validation_failed", problem.Code());
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }

    [Theory]
    [InlineData("api/collections?public=true&query=%00", "query")]
    [InlineData("api/collections?public=true&query=%E2%80%8B%07", "query")]
    [InlineData("api/patterns?query=%00", "query")]
    public async Task text_parameters_that_postgresql_cannot_hold_are_400_even_anonymously(string route, string parameter)
    {
        var (status, problem, _) = await app.SendAsync(HttpMethod.Get, route);
        Assert.True(status == HttpStatusCode.BadRequest, $"{route}: {status} {problem}");
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }
}
