using Dapper;
using Npgsql;

namespace Emoty.Testing;

/// <summary>
/// What must hold in the stored data whatever a client sent and whatever broke meanwhile: each
/// check counts the rows that break it. The hostile client, the fault tests and the fault harness
/// all ask these same questions.
/// </summary>
public static class StoredInvariants
{
    public static readonly IReadOnlyDictionary<string, string> Checks = new Dictionary<string, string>
    {
        ["like_count = favourites"] = "SELECT count(*) FROM patterns p WHERE like_count <> (SELECT count(*) FROM pattern_favorites f WHERE f.pattern_id = p.id)",
        ["pattern_count = items"] = "SELECT count(*) FROM pattern_collections c WHERE pattern_count <> (SELECT count(*) FROM pattern_collection_items i WHERE i.collection_id = c.id)",
        ["versions below the current one"] = "SELECT count(*) FROM pattern_versions v JOIN patterns p ON p.id = v.pattern_id WHERE v.version >= p.version",
        ["no favourites of deleted patterns' strangers"] = "SELECT count(*) FROM pattern_favorites f LEFT JOIN patterns p ON p.id = f.pattern_id WHERE p.id IS NULL",
        ["no shares with the owner"] = "SELECT count(*) FROM pattern_shares s JOIN patterns p ON p.id = s.pattern_id WHERE s.shared_with = p.user_id",
        // A create applied twice would leave a second pattern behind one temp id, or one pattern behind two.
        ["one temp-id mapping per temp id and per pattern"] = """
            SELECT (SELECT count(*) FROM (SELECT 1 FROM sync_temp_ids GROUP BY user_id, temp_id HAVING count(*) > 1) d)
                 + (SELECT count(*) FROM (SELECT 1 FROM sync_temp_ids GROUP BY pattern_id HAVING count(*) > 1) p)
            """,
        ["temp ids map to their user's patterns"] = "SELECT count(*) FROM sync_temp_ids t JOIN patterns p ON p.id = t.pattern_id WHERE p.user_id <> t.user_id",
    };

    /// <summary>One line per broken invariant, with how many rows break it; empty when all hold.</summary>
    public static async Task<List<string>> BrokenAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        var broken = new List<string>();
        foreach (var (name, sql) in Checks)
        {
            var count = await db.ExecuteScalarAsync<long>(sql);
            if (count > 0)
            {
                broken.Add($"{name}: {count} rows break it");
            }
        }

        return broken;
    }

    public static string Names => string.Join(", ", Checks.Keys);
}
