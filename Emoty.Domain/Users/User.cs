namespace Emoty.Domain.Users;

/// <summary>A user as the web app knows them (GET /api/me).</summary>
public sealed record User(
    Guid Id,
    string? Email,
    string? Username,
    string? FullName,
    string? AvatarUrl,
    string UserLevel,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime LastSeenAt);
