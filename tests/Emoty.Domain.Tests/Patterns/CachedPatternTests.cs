using Emoty.Domain.Json;
using Emoty.Domain.Patterns;

namespace Emoty.Domain.Tests.Patterns;

/// <summary>The cache decides a caller's share only when no clock is involved; the database decides the rest.</summary>
public sealed class CachedPatternTests
{
    private static readonly Guid Owner = Guid.NewGuid();
    private static readonly Guid Viewer = Guid.NewGuid();
    private static readonly Guid Borrower = Guid.NewGuid();

    private static CachedPattern Cached(bool hasAllShares) => new(Pattern(),
        [new CachedShare(Viewer, "view", Expires: false), new CachedShare(Borrower, "edit", Expires: true)], hasAllShares);

    [Fact]
    public void a_share_without_expiry_is_decided_from_the_entry()
    {
        Assert.Equal(("view", true), Cached(hasAllShares: true).ShareFor(Viewer));
    }

    [Fact]
    public void a_share_that_expires_is_left_to_the_database_whatever_the_entry_holds()
    {
        Assert.Equal((null, false), Cached(hasAllShares: true).ShareFor(Borrower));
    }

    [Fact]
    public void the_owner_and_anonymous_callers_need_no_share()
    {
        Assert.Equal((null, true), Cached(hasAllShares: false).ShareFor(Owner));
        Assert.Equal((null, true), Cached(hasAllShares: false).ShareFor(null));
    }

    [Fact]
    public void a_stranger_has_no_share_only_when_the_entry_holds_them_all()
    {
        Assert.Equal((null, true), Cached(hasAllShares: true).ShareFor(Guid.NewGuid()));
        Assert.Equal((null, false), Cached(hasAllShares: false).ShareFor(Guid.NewGuid()));
    }

    private static PatternResource Pattern() => new()
    {
        Id = Guid.NewGuid(), UserId = Owner, Name = "Cached", Sequence = new RawJson("[\"🧊\"]"), PaletteId = "default",
        Size = 1, Tags = [], DifficultyRating = 1, ComplexityScore = 0, EstimatedTimeMinutes = 1, IsPublic = false,
        IsAiGenerated = false, Version = 1, ViewCount = 0, LikeCount = 0, ShareCount = 0, DownloadCount = 0,
        IsFavorited = false, Permission = "", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
    };
}
