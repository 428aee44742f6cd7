namespace Emoty.Domain.Users;

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
