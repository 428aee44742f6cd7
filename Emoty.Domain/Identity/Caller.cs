namespace Emoty.Domain.Identity;

/// <summary>Who is calling: a signed-in user (from a validated token) or nobody.</summary>
public sealed record Caller(Guid? UserId, string? Email = null, string? Name = null)
{
    public static readonly Caller Anonymous = new((Guid?)null);

    public bool IsAuthenticated => UserId.HasValue;

    /// <summary>The user id, for operations that need one; anonymous callers get a 401.</summary>
    public Guid RequireUserId() =>
        UserId ?? throw new Errors.EmotyException(Errors.ProblemCode.Unauthorized, "Sign in to do this.");
}
