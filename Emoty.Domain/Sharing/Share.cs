namespace Emoty.Domain.Sharing;

public sealed record Share(
    Guid PatternId,
    Guid UserId,
    string Permission,
    DateTime? ExpiresAt,
    Guid SharedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary>By the app's clock, for display: expired shares are listed until the cleanup deletes them, and grant nothing (LiveShares).</summary>
    public bool IsExpired => ExpiresAt is { } at && at <= DateTime.UtcNow;
}

public sealed record ShareList(IReadOnlyList<Share> Data);

/// <summary>View-only: anyone holding the code may read exactly that pattern.</summary>
public sealed record ShareLink(string Code, Guid PatternId, string Url, DateTime? ExpiresAt, DateTime CreatedAt);

public sealed record ShareLinkList(IReadOnlyList<ShareLink> Data);

public sealed record CleanupResult(int Shares, int Links);
