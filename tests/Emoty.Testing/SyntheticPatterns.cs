using Dapper;
using Npgsql;

namespace Emoty.Testing;

/// <summary>
/// Many patterns with realistic spreads, written by PostgreSQL itself (generate_series), for the
/// search plan tests and the search benchmark: 1,000 owners, 70 % public, 2 % soft-deleted, names
/// and descriptions from small vocabularies, 57 tags, every sort key spread out, no attribute
/// correlated with another. The
/// <see cref="Owner"/> gets 300 private patterns shared with them and 200 favourites.
/// </summary>
public static class SyntheticPatterns
{
    public static readonly Guid Owner = Guid.Parse("00000000-0000-4000-8000-000000000001");

    /// <summary>Changes whenever the data changes, so that a database seeded by an older generator is not reused.</summary>
    public const int Version = 2;

    public static async Task SeedAsync(NpgsqlConnection connection, int rows)
    {
        // One implicit transaction that writes users before patterns: it joins the feed writers first.
        await connection.ExecuteAsync($$"""
            SELECT emoty_join_feed_writers();
            INSERT INTO users (id) SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid FROM generate_series(1, 1000) g
            ON CONFLICT DO NOTHING;
            INSERT INTO patterns (user_id, name, description, sequence, palette_id, size, tags, difficulty_rating,
                                  complexity_score, estimated_time_minutes, is_public, is_ai_generated, like_count, view_count,
                                  created_at, updated_at, deleted_at)
            SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(1 + h.owner % 1000), 12, '0'))::uuid,
                   (ARRAY['Sunset','Ocean','Garden','Heart','Night','Forest','Candy','Storm'])[1 + h.word % 8] || ' ' ||
                   (ARRAY['waves','bloom','sky','dream','party','glow','mosaic','spiral'])[1 + (h.word / 8) % 8] || ' ' || g,
                   CASE WHEN h.text % 3 = 0 THEN 'a pattern about ' || (ARRAY['beach','flowers','stars','love'])[1 + (h.text / 3) % 4] END,
                   '{"emojis":[]}', 'palette-' || (h.palette % 20), 1 + h.size % 64,
                   ARRAY['tag' || (h.tag % 50), 'tag' || (h.tag / 50 % 7 + 50)],
                   1 + h.difficulty % 5, (h.complexity % 1000) / 100.0, 1 + h.minutes % 120, h.visibility % 10 < 7, h.ai % 10 = 0,
                   h.likes % 5000, h.views % 100000,
                   now() - (g || ' minutes')::interval, now() - (g || ' seconds')::interval,
                   CASE WHEN h.deleted % 50 = 0 THEN now() END
            -- Every attribute from its own hash of g, so none is correlated with another (as in real data,
            -- and unlike g % n, where e.g. a tag would decide visibility).
            FROM generate_series(1, {{rows}}) g,
                 LATERAL (SELECT abs(hashint8extended(g, 1)) AS owner, abs(hashint8extended(g, 2)) AS word,
                                 abs(hashint8extended(g, 3)) AS text, abs(hashint8extended(g, 4)) AS palette,
                                 abs(hashint8extended(g, 5)) AS size, abs(hashint8extended(g, 6)) AS tag,
                                 abs(hashint8extended(g, 7)) AS difficulty, abs(hashint8extended(g, 8)) AS complexity,
                                 abs(hashint8extended(g, 9)) AS minutes, abs(hashint8extended(g, 10)) AS visibility,
                                 abs(hashint8extended(g, 11)) AS ai, abs(hashint8extended(g, 12)) AS likes,
                                 abs(hashint8extended(g, 13)) AS views, abs(hashint8extended(g, 14)) AS deleted) h;
            INSERT INTO pattern_shares (pattern_id, shared_with, permission, shared_by)
            SELECT id, @Owner, 'view', user_id FROM patterns WHERE NOT is_public AND user_id <> @Owner LIMIT 300;
            INSERT INTO pattern_favorites (user_id, pattern_id) SELECT @Owner, id FROM patterns WHERE is_public LIMIT 200;
            ANALYZE;
            """, new { Owner }, commandTimeout: 3600);
    }
}
