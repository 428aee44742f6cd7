using Emoty.Domain.Errors;
using Emoty.Domain.Identity;
using Microsoft.Extensions.Caching.Memory;

namespace Emoty.Domain.Users;

public sealed class UserService(UserStore store, IMemoryCache memory)
{
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromMinutes(5);

    /// <summary>Makes sure a signed-in caller has a users row (api.md: created on the first authenticated request).</summary>
    public async Task EnsureAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (caller.UserId is not { } id)
        {
            return;
        }

        // The same claims seen recently by this instance need no round trip to the database.
        var key = (id, caller.Email, caller.Name);
        if (memory.TryGetValue(key, out _))
        {
            return;
        }

        await store.UpsertAsync(id, caller.Email, caller.Name, cancellationToken);
        memory.Set(key, true, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = RefreshEvery, Size = 256 });
    }

    public async Task<User> GetMeAsync(Caller caller, CancellationToken cancellationToken) =>
        await store.FindAsync(caller.RequireUserId(), cancellationToken)
        ?? throw new EmotyException(ProblemCode.NotFound, "Your user record does not exist.");
}
