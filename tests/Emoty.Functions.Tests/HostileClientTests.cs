using System.Reflection;
using System.Text;
using Xunit.Abstractions;

namespace Emoty.Functions.Tests;

/// <summary>
/// A hostile client, seeded: every route of openapi.json with mangled bodies, query strings,
/// headers, cursors and tokens. No answer may be a 5xx, every 4xx must be a problem document with
/// a code of api.md, and afterwards the stored data must still hold together. 2,000 requests per
/// run; <c>EMOTY_HOSTILE_REQUESTS</c> and <c>EMOTY_HOSTILE_SEED</c> ask for more or another seed
/// (<c>infra/local/hostile.sh</c>).
/// </summary>
public sealed class HostileClientTests(ITestOutputHelper output) : OwnAppTests(new())
{
    private static readonly HashSet<string> Codes =
    [
        "validation_failed", "unauthorized", "forbidden", "not_found", "version_conflict", "precondition_required",
        "payload_too_large", "unsupported_media_type", "rate_limited", "cursor_expired", "service_unavailable",
    ];

    private static readonly string[] Garbage =
    [
        "", " ", "%00", "%FF%FE", "%ED%A0%80", "..", "../..", "null", "-1", "0", "99999999999999999999", "1e400", "NaN",
        "true", "[]", "{}", "%22%22", "%3Cscript%3E", "' OR 1=1 --", "x)!&|:*", new string('a', 3000), "😀👨‍👩‍👧", "\t",
        "00000000-0000-0000-0000-000000000000", "6F9619FF-8B86-D011-B42D-00C04FC964FF",
    ];

    private static readonly string[] QueryNames =
    [
        "query", "tags", "any_tags", "user_id", "parent_pattern_id", "palette_id", "difficulty_min", "difficulty_max",
        "complexity_min", "complexity_max", "size_min", "size_max", "is_public", "is_ai_generated", "favorited_by_me",
        "created_after", "created_before", "sort", "direction", "limit", "cursor", "offset", "include", "since",
        "format", "public", "parent_id", "patterns_cursor", "patterns_limit", "zzz",
    ];

    [Fact]
    public async Task no_request_of_a_hostile_client_gets_a_5xx_or_breaks_what_is_stored()
    {
        var total = int.TryParse(Environment.GetEnvironmentVariable("EMOTY_HOSTILE_REQUESTS"), out var n) && n > 0 ? n : 2000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("EMOTY_HOSTILE_SEED"), out var s) ? s : 20261201;
        var world = await BuildWorldAsync();
        var routes = Routes();
        var random = new Random(seed);
        var requests = Enumerable.Range(0, total).Select(_ => Mangle(random, routes, world)).ToList();

        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        foreach (var chunk in requests.Chunk(8))
        {
            await Task.WhenAll(chunk.Select(async hostile =>
            {
                var (status, problem) = await SendAsync(hostile);
                lock (statuses)
                {
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    if (status >= 500)
                    {
                        failures.Add($"{status} for {hostile}");
                    }
                    else if (status >= 400 && problem is not null)
                    {
                        failures.Add($"{status} without a problem document ({problem}) for {hostile}");
                    }
                }
            }));
        }

        var broken = await InvariantsAsync(world);
        output.WriteLine($"hostile client, seed {seed}: {total} requests sent; statuses {string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value}"))}; " +
            $"5xx: {statuses.Where(p => p.Key >= 500).Sum(p => p.Value)}; invariants checked: {StoredInvariants.Names}, " +
            $"the victim's patterns untouched and unshared: " +
            $"{(broken.Count == 0 ? "all hold" : string.Join("; ", broken))}");
        Assert.True(failures.Count == 0, $"{failures.Count} bad answers, e.g.:\n{string.Join("\n", failures.DistinctBy(f => f[..Math.Min(f.Length, 40)]).Take(25))}");
        Assert.Empty(broken);
    }

    private sealed record World(Guid Attacker, Guid Victim, Guid Public, Guid Private, Guid Owned, Guid Collection, string Link, string Cursor);

    private sealed record Hostile(HttpMethod Method, string Path, byte[]? Body, string? ContentType, string? Token, string? IfMatch)
    {
        public override string ToString() =>
            $"{Method} {(Path.Length > 160 ? Path[..160] + "…" : Path)} body {(Body is null ? "none" : Body.Length > 120 ? Encoding.UTF8.GetString(Body, 0, 120) + "…" : Encoding.UTF8.GetString(Body))}" +
            $" type {ContentType ?? "none"} token {(Token is null ? "none" : Token.Length > 20 ? Token[..20] + "…" : Token)} if-match {IfMatch ?? "none"}";
    }

    /// <summary>Real things to aim at: the attacker's own pattern and collection, a victim's private and public patterns, a link, a cursor.</summary>
    private async Task<World> BuildWorldAsync()
    {
        var attacker = Guid.NewGuid();
        var victim = Guid.NewGuid();
        var publicPattern = (await App.CreatePatternAsync(victim, new { name = "Victim public", sequence = new[] { "🎯" }, is_public = true, tags = new[] { "target" } })).Id();
        var privatePattern = (await App.CreatePatternAsync(victim, new { name = "Victim private", sequence = new[] { "🔒" } })).Id();
        var owned = (await App.CreatePatternAsync(attacker, new { name = "Attacker's", sequence = new[] { "🗡️" } })).Id();
        var collection = (await App.SendAsync(HttpMethod.Post, "api/collections", attacker, new { name = "Loot" })).Body.Id();
        var link = (await App.SendAsync(HttpMethod.Post, $"api/patterns/{privatePattern}/share-link", victim, new { })).Body.GetProperty("code").GetString()!;
        for (var i = 0; i < 3; i++)
        {
            await App.CreatePatternAsync(attacker, new { name = $"Page {i}", sequence = new[] { "📄" } });
        }

        var cursor = (await App.SendAsync(HttpMethod.Get, "api/patterns?limit=1", attacker)).Body.GetProperty("next_cursor").GetString()!;
        return new World(attacker, victim, publicPattern, privatePattern, owned, collection, link, cursor);
    }

    private static List<(string Method, string Template)> Routes()
    {
        var root = typeof(HostileClientTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "openapi.json")));
        return document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (op.Name.ToUpperInvariant(), path.Name)))
            .ToList();
    }

    private Hostile Mangle(Random random, List<(string Method, string Template)> routes, World world)
    {
        var (method, template) = routes[random.Next(routes.Count)];
        var path = template.TrimStart('/');
        foreach (var parameter in new[] { "{id}", "{patternId}", "{userId}", "{batchId}", "{version}", "{code}" })
        {
            while (path.Contains(parameter, StringComparison.Ordinal))
            {
                var value = random.Next(10) switch
                {
                    0 or 1 => world.Owned.ToString(),
                    2 => world.Private.ToString(),
                    3 => world.Public.ToString(),
                    4 => world.Collection.ToString(),
                    5 => parameter == "{code}" ? world.Link : world.Victim.ToString(),
                    6 => random.Next(1, 5).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    7 => Guid.NewGuid().ToString(),
                    _ => Garbage[random.Next(Garbage.Length)],
                };
                var at = path.IndexOf(parameter, StringComparison.Ordinal);
                path = path[..at] + (value.Contains('%', StringComparison.Ordinal) ? value : Uri.EscapeDataString(value)) + path[(at + parameter.Length)..];
            }
        }

        var query = new List<string>();
        for (var i = random.Next(4); i > 0; i--)
        {
            var name = QueryNames[random.Next(QueryNames.Length)];
            var value = name is "cursor" or "since" or "patterns_cursor" && random.Next(2) == 0
                ? Flip(random, world.Cursor)
                : Garbage[random.Next(Garbage.Length)];
            query.Add($"{name}={(value.Contains('%', StringComparison.Ordinal) ? value : Uri.EscapeDataString(value))}");
        }

        if (query.Count > 0)
        {
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join("&", query);
        }

        var token = random.Next(8) switch
        {
            0 => null,
            1 => "not-a-token",
            // Never the victim's own token: whatever changes the victim's patterns is then a breach.
            2 => App.Tokens.For(Guid.NewGuid()),
            3 => Flip(random, App.Tokens.For(world.Attacker)),
            4 => App.Tokens.ForSubject(Garbage[random.Next(Garbage.Length)]),
            _ => App.Tokens.For(world.Attacker),
        };
        var body = method is "GET" or "DELETE" && random.Next(4) != 0 ? null : Body(random, world);
        var contentType = random.Next(10) switch
        {
            0 => null,
            1 => "text/plain",
            2 => "application/json; charset=latin1",
            _ => "application/json",
        };
        // Headers travel as ASCII: what HttpClient can send is what a client can send.
        var ifMatch = random.Next(6) == 0 ? Garbage.Where(g => g.All(char.IsAscii) && !g.Contains('\t', StringComparison.Ordinal)).ElementAt(random.Next(20)) : null;
        return new Hostile(new HttpMethod(method), path, body, contentType, token, ifMatch);
    }

    private static byte[] Body(Random random, World world)
    {
        string[] templates =
        [
            $$$"""{"name":"X","sequence":["❤️"]}""",
            $$$"""{"name":"X","sequence":{"emojis":[{"emoji":"❤️","position":{"row":0,"col":0}}]},"size":1,"palette_id":"p"}""",
            $$$"""{"operations":[{"op":"create","pattern":{"name":"B","sequence":["🅱️"]}},{"op":"update","id":"{{{world.Private}}}","changes":{"name":"Mine"}},{"op":"delete","id":"{{{world.Public}}}"}]}""",
            $$$"""{"pattern_ids":["{{{world.Private}}}","{{{world.Owned}}}"]}""",
            $$$"""{"user_id":"{{{world.Attacker}}}","permission":"admin"}""",
            $$$"""{"events":[{"pattern_id":"{{{world.Private}}}","type":"view"},{"pattern_id":"{{{world.Public}}}","type":"download","occurred_at":"1900-01-01T00:00:00Z"}]}""",
            $$$"""{"client_id":"web","batch_id":"{{{Guid.NewGuid()}}}","operations":[{"op_id":"{{{Guid.NewGuid()}}}","type":"update","id":"{{{world.Private}}}","client_modified_at":"2026-11-25T09:51:51Z","changes":{"name":"Stolen"}}]}""",
            $$$"""{"name":"Folder","color":"#FFFFFF","parent_id":"{{{world.Collection}}}"}""",
            $$$"""{"name":"X","user_id":"{{{world.Victim}}}","like_count":1000000,"version":1,"id":"{{{world.Public}}}"}""",
            """{"name":"X","name":"Y"}""",
            """{"name":"\ud800","sequence":["\u0000"]}""",
            """{"\udfff":1}""",
            """{"name":"X","size":1e400,"difficulty_rating":-9223372036854775809}""",
            """{"expires_at":"0001-01-01T00:00:00Z"}""",
            """{"expires_at":"9999-12-31T23:59:59.9999999+14:00"}""",
            "[" + string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 201)),
            "{\"name\":\"" + new string('n', 5000) + "\"}",
            "",
            "null",
            "\"just a string\"",
        ];
        var text = templates[random.Next(templates.Length)];
        var bytes = Encoding.UTF8.GetBytes(text);
        return random.Next(6) switch
        {
            // Invalid UTF-8 in the middle of the text, where a string usually is.
            0 when bytes.Length > 4 => [.. bytes[..(bytes.Length / 2)], 0xC3, 0x28, 0xFF, .. bytes[(bytes.Length / 2)..]],
            1 when bytes.Length > 0 => bytes[..random.Next(bytes.Length)],
            _ => bytes,
        };
    }

    private static string Flip(Random random, string text)
    {
        var chars = text.ToCharArray();
        var at = random.Next(chars.Length);
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    /// <summary>The status, and null when a 4xx is a proper problem document (else what is wrong with it).</summary>
    private async Task<(int Status, string? Problem)> SendAsync(Hostile hostile)
    {
        using var request = new HttpRequestMessage(hostile.Method, hostile.Path);
        if (hostile.Token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + hostile.Token);
        }

        if (hostile.IfMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", hostile.IfMatch);
        }

        if (hostile.Body is not null)
        {
            request.Content = new ByteArrayContent(hostile.Body);
            if (hostile.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", hostile.ContentType);
            }
        }

        using var response = await App.Http.SendAsync(request);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        if (status < 400)
        {
            return (status, null);
        }

        // Kestrel (like the platform's front end) refuses a NUL in the request target and a request line
        // over 8 KiB itself, with a bare 400 or 414, before any code of the host or the app can answer:
        // the only 4xx that are no problem documents.
        if (text.Length == 0 && ((status == 400 && hostile.Path.Split('?')[0].Contains("%00", StringComparison.Ordinal))
                                 || (status == 414 && hostile.Path.Length > 8000)))
        {
            return (status, null);
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return (status, $"content type {response.Content.Headers.ContentType}");
        }

        try
        {
            using var problem = JsonDocument.Parse(text);
            var code = problem.RootElement.GetProperty("code").GetString();
            return problem.RootElement.GetProperty("status").GetInt32() == status && code is not null && Codes.Contains(code)
                ? (status, null)
                : (status, $"status or code {text}");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (status, $"body {text}");
        }
    }

    private async Task<List<string>> InvariantsAsync(World world)
    {
        await using var db = new NpgsqlConnection(App.DatabaseConnectionString);
        var broken = new List<string>();
        // The attacker could read the victim's public pattern and nothing else of theirs: both are as the victim left them.
        var victims = (await db.QueryAsync<(Guid Id, string Name, int Version, bool Deleted, bool Public)>(
            "SELECT id, name, version, deleted_at IS NOT NULL, is_public FROM patterns WHERE id IN (@Private, @Public)", new { world.Private, world.Public }))
            .ToDictionary(p => p.Id);
        if (victims[world.Private] is not { Name: "Victim private", Version: 1, Deleted: false, Public: false })
        {
            broken.Add($"the victim's private pattern changed: {victims[world.Private]}");
        }

        if (victims[world.Public] is not { Name: "Victim public", Version: 1, Deleted: false, Public: true })
        {
            broken.Add($"the victim's public pattern changed: {victims[world.Public]}");
        }

        if (await db.ExecuteScalarAsync<long>("SELECT count(*) FROM pattern_shares WHERE pattern_id IN (@Private, @Public) AND shared_with = @Attacker", new { world.Private, world.Public, world.Attacker }) > 0)
        {
            broken.Add("the attacker holds a share of the victim's patterns");
        }

        broken.AddRange(await StoredInvariants.BrokenAsync(App.DatabaseConnectionString));
        return broken;
    }
}
