using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;

namespace Emoty.Domain.Tests.Search;

/// <summary>
/// "storm -rain" walks the name entries of storm and checks each pattern for rain; when the excluded word goes with nearly every
/// pattern of the word, that walk stops after a bounded number of entries and the other paths answer. Their page must be the same.
/// </summary>
public sealed class ExclusionTests : IAsyncLifetime
{
    private NpgsqlDataSource _database = null!;

    public async Task InitializeAsync()
    {
        _database = PostgresSetup.CreateDataSource(await TestServices.CreateDatabaseAsync("exclusions"));
        await using var connection = await _database.OpenConnectionAsync();
        var user = Guid.NewGuid();
        await connection.ExecuteAsync("INSERT INTO users (id) VALUES (@user)", new { user });
        // The 2,500 most liked storms all mention rain; three less liked ones, and one with storm only in its tags, do not.
        await connection.ExecuteAsync("""
            INSERT INTO patterns (user_id, name, description, size, sequence, is_public, like_count)
            SELECT @user, 'Storm ' || g, 'heavy rain', 1, '{"emojis":[]}', true, 1000 + g FROM generate_series(1, 2500) g;
            INSERT INTO patterns (user_id, name, size, sequence, is_public, like_count)
            SELECT @user, 'Dry storm ' || g, 1, '{"emojis":[]}', true, g FROM generate_series(1, 3) g;
            INSERT INTO patterns (user_id, name, tags, size, sequence, is_public, like_count)
            VALUES (@user, 'Clouds', '{storm}', 1, '{"emojis":[]}', true, 5000);
            ANALYZE patterns;
            """, new { user });
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task a_word_whose_names_nearly_all_hold_the_excluded_word_still_finds_the_ones_that_do_not()
    {
        var store = new PatternSearchStore(_database, TestCursors.Signer);
        var query = PatternSearchQuery.Parse([new("query", "storm -rain")], TestCursors.Signer);

        var page = await store.SearchAsync(query, caller: null, CancellationToken.None);

        Assert.Equal(["Dry storm 3", "Dry storm 2", "Dry storm 1", "Clouds"], page.Data.Select(p => p.Name));
        Assert.Null(page.NextCursor);
    }
}
