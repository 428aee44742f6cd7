using Emoty.Domain.Patterns;
using Emoty.Domain.Sync;

namespace Emoty.Domain.Tests.Sync;

public class SyncMergeTests
{
    private static readonly DateTimeOffset Earlier = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Earlier.AddMinutes(5);

    private static readonly PatternDraft Base = new()
    {
        Name = "Sunset",
        Description = "Warm",
        Cells = [new PatternCell("🌅", 0, 0), new PatternCell("🌸", 1, 1)],
        Size = 4,
        PaletteId = "sunset-orange",
        Tags = ["sunset"],
        DifficultyRating = 2,
    };

    [Fact]
    public void fields_changed_on_different_sides_are_both_kept_without_conflict()
    {
        var server = Base with { Description = "Server text", Tags = ["sunset", "sky"] };
        var client = Base with { Name = "Dusk" };

        var merge = SyncMerge.Merge(Base, server, client, Later, Earlier);

        Assert.Empty(merge.Conflicts);
        Assert.Equal(["name"], merge.ClientFields);
        Assert.Equal("Dusk", merge.Result.Name);
        Assert.Equal("Server text", merge.Result.Description);
        Assert.Equal(["sunset", "sky"], merge.Result.Tags);
    }

    [Fact]
    public void the_same_field_changed_on_both_sides_goes_to_the_later_client_edit()
    {
        var merge = SyncMerge.Merge(Base, Base with { Name = "Server name" }, Base with { Name = "Client name" }, Later, Earlier);

        Assert.Equal("Client name", merge.Result.Name);
        Assert.Equal([new FieldConflict("name", SyncMerge.ClientWins)], merge.Conflicts);
        Assert.Empty(merge.ClientFields);
    }

    [Fact]
    public void the_same_field_changed_on_both_sides_stays_the_servers_when_the_server_wrote_later()
    {
        var merge = SyncMerge.Merge(Base, Base with { Name = "Server name" }, Base with { Name = "Client name", DifficultyRating = 5 }, Earlier, Later);

        Assert.Equal("Server name", merge.Result.Name);
        Assert.Equal(5, merge.Result.DifficultyRating);
        Assert.Equal([new FieldConflict("name", SyncMerge.ServerWins)], merge.Conflicts);
        Assert.Equal(["difficulty_rating"], merge.ClientFields);
    }

    [Fact]
    public void a_tie_keeps_the_stored_value()
    {
        var merge = SyncMerge.Merge(Base, Base with { Name = "Server name" }, Base with { Name = "Client name" }, Earlier, Earlier);
        Assert.Equal("Server name", merge.Result.Name);
        Assert.Equal(SyncMerge.ServerWins, Assert.Single(merge.Conflicts).Winner);
    }

    [Fact]
    public void both_sides_making_the_same_change_is_no_conflict()
    {
        var merge = SyncMerge.Merge(Base, Base with { Name = "Same" }, Base with { Name = "Same" }, Earlier, Later);
        Assert.Empty(merge.Conflicts);
        Assert.Empty(merge.ClientFields);
        Assert.Equal("Same", merge.Result.Name);
    }

    [Fact]
    public void clearing_a_field_is_a_change_like_any_other()
    {
        var merge = SyncMerge.Merge(Base, Base with { Tags = ["changed"] }, Base with { Description = null }, Earlier, Later);
        Assert.Null(merge.Result.Description);
        Assert.Equal(["changed"], merge.Result.Tags);
        Assert.Empty(merge.Conflicts);
    }

    [Fact]
    public void an_unknown_base_makes_every_field_the_client_changed_a_conflict()
    {
        var server = Base with { Description = "Server text" };
        var client = server with { Name = "Client name" };

        var merge = SyncMerge.Merge(null, server, client, Later, Earlier);

        Assert.Equal([new FieldConflict("name", SyncMerge.ClientWins)], merge.Conflicts);
        Assert.Equal("Client name", merge.Result.Name);
        Assert.Equal("Server text", merge.Result.Description);
    }

    [Fact]
    public void a_grown_grid_and_new_cells_merge_when_every_cell_fits()
    {
        var server = Base with { Cells = [.. Base.Cells, new PatternCell("🌊", 3, 3)] };
        var client = Base with { Size = 6 };

        var merge = SyncMerge.Merge(Base, server, client, Earlier, Later);

        Assert.Empty(merge.Conflicts);
        Assert.Equal(6, merge.Result.Size);
        Assert.Equal(3, merge.Result.Cells.Count);
    }

    [Fact]
    public void a_shrunk_grid_that_would_lose_the_servers_new_cell_is_decided_whole_by_last_write()
    {
        var server = Base with { Cells = [.. Base.Cells, new PatternCell("🌊", 3, 3)] };
        var client = Base with { Size = 2 };

        var clientLater = SyncMerge.Merge(Base, server, client, Later, Earlier);
        Assert.Equal(2, clientLater.Result.Size);
        Assert.Equal(Base.Cells, clientLater.Result.Cells);
        Assert.Equal(["sequence", "size"], clientLater.Conflicts.Select(c => c.Field).Order());
        Assert.All(clientLater.Conflicts, c => Assert.Equal(SyncMerge.ClientWins, c.Winner));
        Assert.Empty(clientLater.ClientFields);

        var serverLater = SyncMerge.Merge(Base, server, client, Earlier, Later);
        Assert.Equal(4, serverLater.Result.Size);
        Assert.Equal(3, serverLater.Result.Cells.Count);
        Assert.All(serverLater.Conflicts, c => Assert.Equal(SyncMerge.ServerWins, c.Winner));
    }

    [Fact]
    public void changes_between_two_drafts_name_exactly_the_fields_that_differ_and_rebuild_the_target()
    {
        var target = Base with
        {
            Name = "Dusk",
            Cells = [new PatternCell("🌙", 2, 2)],
            Tags = ["night"],
            EstimatedTimeMinutes = 42,
            ParentPatternId = Guid.NewGuid(),
        };

        var changes = SyncMerge.ChangesBetween(Base, target);

        Assert.Equal(["name", "sequence", "tags", "estimated_time_minutes", "parent_pattern_id"], changes.ChangedFields);
        Assert.True(SyncMerge.ChangesBetween(target, changes.ApplyTo(Base)).IsEmpty);
        Assert.True(SyncMerge.ChangesBetween(Base, Base).IsEmpty);
    }
}
