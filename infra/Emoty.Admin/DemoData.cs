using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;
using Npgsql;

namespace Emoty.Admin;

/// <summary>
/// A demo user with a few public and private patterns, so a fresh local app has something to show.
/// Ids are derived from the names, so seeding again adds nothing.
/// </summary>
internal static class DemoData
{
    public static readonly Guid DemoUserId = Guid.Parse("00000000-0000-4000-8000-00000000d3e0");

    private static readonly (string Name, string[] Emojis, string[] Tags, bool IsPublic, short Difficulty)[] Patterns =
    [
        ("Sunset Emoji Art", ["🌅", "🌇", "🟠", "🟡"], ["sunset", "nature"], true, 2),
        ("Spring Garden", ["🌷", "🌸", "🌼", "🌿", "🍀"], ["flowers", "spring", "nature"], true, 3),
        ("Ocean Waves", ["🐚", "🌊", "💧", "🐬"], ["ocean", "blue"], true, 2),
        ("Heart Bloom", ["❤️", "🌸", "🌷"], ["love", "flowers"], true, 1),
        ("Night Sky", ["🌕", "⭐", "✨", "🌌", "🌑"], ["night", "space"], true, 4),
        ("Family Portrait", ["👨‍👩‍👧‍👦", "🏠", "🌳"], ["family"], false, 2),
        ("Pride Flag", ["🏳️‍🌈", "🌈", "💜", "💙", "💚", "💛"], ["pride", "rainbow"], true, 5),
        ("Fruit Bowl", ["🍓", "🍊", "🍋", "🍏", "🫐"], ["food", "fruit"], true, 3),
    ];

    public static async Task<int> SeedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(FeedWriters.JoinSql, transaction: transaction);
        await connection.ExecuteAsync("""
            INSERT INTO users (id, email, username, full_name, user_level)
            VALUES (@DemoUserId, 'demo@emoty.local', 'demo', 'Emoty Demo', 'intermediate')
            ON CONFLICT (id) DO NOTHING
            """, new { DemoUserId }, transaction);

        var inserted = 0;
        foreach (var (name, emojis, tags, isPublic, difficulty) in Patterns)
        {
            var (cells, size) = ConcentricLayout.ToGrid(emojis);
            var sequence = JsonSerializer.Serialize(new
            {
                emojis = cells.Select(c => new { emoji = c.Emoji, position = new { row = c.Row, col = c.Col } }),
                metadata = new { version = 1, created_with = "demo-seed" },
            });
            inserted += await connection.ExecuteAsync("""
                INSERT INTO patterns (id, user_id, name, sequence, palette_id, size, tags, difficulty_rating,
                                      complexity_score, estimated_time_minutes, is_public)
                VALUES (@id, @DemoUserId, @name, @sequence::jsonb, 'default', @size, @tags, @difficulty,
                        @complexity, @minutes, @isPublic)
                ON CONFLICT (id) DO NOTHING
                """,
                new
                {
                    id = IdFor(name), DemoUserId, name, sequence, size, tags, difficulty, isPublic,
                    complexity = PatternMetrics.ComplexityScore(cells, size),
                    minutes = PatternMetrics.EstimatedMinutes(cells, size),
                },
                transaction);
        }

        await transaction.CommitAsync();
        return inserted;
    }

    private static Guid IdFor(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("emoty-demo:" + name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x40); // version 4 layout, so it is a well-formed UUID
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
