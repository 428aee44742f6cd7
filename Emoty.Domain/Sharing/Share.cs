namespace Emoty.Domain.Sharing;

public sealed record Share(
    Guid PatternId,
    Guid UserId,
    string Permission,
    DateTime? ExpiresAt,
    Guid SharedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    // By the database's clock, as every decision on a stored time (Access/LiveShares.cs): an expired
    // share is listed until the cleanup deletes it, and grants nothing.
    bool IsExpired);

public sealed record ShareList(IReadOnlyList<Share> Data);

/// <summary>View-only: anyone holding the code may read exactly that pattern.</summary>
public sealed record ShareLink(string Code, Guid PatternId, string Url, DateTime? ExpiresAt, DateTime CreatedAt);

public sealed record ShareLinkList(IReadOnlyList<ShareLink> Data);

public sealed record CleanupResult(int Shares, int Links);
