namespace Emoty.Domain.Sharing;

/// <summary>A pattern shared with one user (GET /api/patterns/{id}/shares).</summary>
public sealed record Share(
    Guid PatternId,
    Guid UserId,
    string Permission,
    DateTime? ExpiresAt,
    Guid SharedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary>Expired shares grant nothing; they are listed until the cleanup timer deletes them.</summary>
    public bool IsExpired => ExpiresAt is { } at && at <= DateTime.UtcNow;
}

public sealed record ShareList(IReadOnlyList<Share> Data);

/// <summary>A view-only link: anyone holding the code may read exactly that pattern (GET /api/shared/{code}).</summary>
public sealed record ShareLink(string Code, Guid PatternId, string Url, DateTime? ExpiresAt, DateTime CreatedAt);

public sealed record ShareLinkList(IReadOnlyList<ShareLink> Data);

/// <summary>What the cleanup timer removed.</summary>
public sealed record CleanupResult(int Shares, int Links);
