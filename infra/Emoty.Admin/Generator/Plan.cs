namespace Emoty.Admin.Generator;

internal struct UserPlan
{
    public Guid Id;
    public long Created;
    public long LastSeen;
}

internal struct PatternPlan
{
    public Guid Id;
    public int Owner;
    public int Parent;
    public long Created;
    public long Updated;
    public long Deleted;
    public int Version;
    public bool IsPublic;
    public bool IsAiGenerated;
    public long Views;
    public int Likes;
    public int ShareCount;
    public int Downloads;
    public long ChangeSeq;

    public readonly bool IsLive => Deleted == 0;

    /// <summary>Until when others could act on it (favourite, share, collect).</summary>
    public readonly long Deadline => IsLive ? Plan.Reference : Deleted;
}

internal readonly record struct Favorite(int User, long At);

internal readonly record struct Share(int Pattern, int User, string Permission, long Expires, long Created, long Updated);

/// <summary>A row the sync-feed triggers would have written: a favourite added, a share granted or changed.</summary>
internal readonly record struct FeedEvent(long At, int User, int Pattern);

/// <summary>
/// The skeleton of the data set, in memory before anything is written: who owns what and when,
/// the counters, and the favourites (so that like_count is the number of favourite rows by
/// construction). Everything bulky (grids, texts) is generated while it is streamed to COPY.
/// Times are .NET ticks rounded to the microsecond, PostgreSQL's resolution, so what is read back
/// is what was generated.
/// </summary>
internal sealed class Plan
{
    public static readonly long Reference = RealisticData.ReferenceTime.Ticks;
    public static readonly long Start = Reference - TimeSpan.FromDays(3 * 365).Ticks;
    private static readonly long Day = TimeSpan.TicksPerDay;

    public required int Seed { get; init; }
    public required UserPlan[] Users { get; init; }
    public required PatternPlan[] Patterns { get; init; }

    /// <summary>The favourites of pattern i are Favorites[FavoriteStart[i] .. FavoriteStart[i + 1]).</summary>
    public required Favorite[] Favorites { get; init; }
    public required int[] FavoriteStart { get; init; }

    public required Share[] Shares { get; init; }

    /// <summary>In the order they happened; the i-th takes change_seq = patterns + 1 + i.</summary>
    public required FeedEvent[] FeedEvents { get; init; }

    /// <summary>The patterns of user u are PatternsByUser[UserStart[u] .. UserStart[u + 1]), oldest first.</summary>
    public required int[] PatternsByUser { get; init; }
    public required int[] UserStart { get; init; }
    public required int[] PublicLive { get; init; }

    /// <summary>Activity weights: who favourites, gets shared with, collects. Heavy-tailed like the creators.</summary>
    public required double[] ActivityCumulative { get; init; }

    public static long Micro(double ticks) => (long)ticks / 10 * 10;

    public static long Between(ref Rng rng, long from, long to) => Micro(from + (to - from) * rng.NextDouble());

    public static int Draw(double[] cumulative, ref Rng rng)
    {
        // The first index whose running total exceeds the draw, so users of weight 0 are never drawn.
        var x = rng.NextDouble() * cumulative[^1];
        int lo = 0, hi = cumulative.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (cumulative[mid] > x)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    public static Plan Create(int patternCount, int seed)
    {
        var userCount = RealisticData.UserCount(patternCount);
        var users = new UserPlan[userCount];
        var creators = new double[userCount];
        var activity = new double[userCount];
        double creatorTotal = 0, activityTotal = 0;
        for (var u = 0; u < userCount; u++)
        {
            var rng = Rng.For(seed, RngStream.UserPlan, u);
            users[u].Id = rng.NextGuid();
            // A third only look and like; the creators follow a Pareto law (80/20 or so), capped so
            // that no single account holds more than about one percent of everything.
            creatorTotal += rng.Chance(0.35) ? 0 : Math.Min(600, rng.Pareto(1.2));
            activityTotal += Math.Min(500, rng.Pareto(1.5));
            creators[u] = creatorTotal;
            activity[u] = activityTotal;
        }

        var patterns = new PatternPlan[patternCount];
        for (var i = 0; i < patternCount; i++)
        {
            patterns[i] = PlanPattern(seed, i, patternCount, creators, patterns);
        }

        PlanUserTimes(seed, users, patterns);
        var (favorites, favoriteStart) = PlanFavorites(seed, users, patterns, activity);
        var shares = PlanShares(seed, users, patterns, activity);
        NumberChanges(patterns);

        var byUser = Enumerable.Range(0, patternCount).OrderBy(i => patterns[i].Owner).ThenBy(i => i).ToArray();
        var userStart = new int[userCount + 1];
        foreach (var p in patterns)
        {
            userStart[p.Owner + 1]++;
        }

        for (var u = 0; u < userCount; u++)
        {
            userStart[u + 1] += userStart[u];
        }

        return new Plan
        {
            Seed = seed, Users = users, Patterns = patterns, Favorites = favorites, FavoriteStart = favoriteStart,
            Shares = shares, FeedEvents = FeedEventsOf(patterns, favorites, favoriteStart, shares),
            PatternsByUser = byUser, UserStart = userStart, ActivityCumulative = activity,
            PublicLive = Enumerable.Range(0, patternCount).Where(i => patterns[i].IsPublic && patterns[i].IsLive).ToArray(),
        };
    }

    private static PatternPlan PlanPattern(int seed, int i, int count, double[] creators, PatternPlan[] earlier)
    {
        var rng = Rng.For(seed, RngStream.PatternPlan, i);
        var p = new PatternPlan { Id = rng.NextGuid(), Owner = Draw(creators, ref rng), Parent = -1 };
        // Creation times rise with i (so the heap is in creation order, as in a real table) and
        // their density grows linearly over the three years: the app gained users.
        p.Created = Micro(Start + (Reference - Start) * Math.Sqrt((i + rng.NextDouble()) / count));
        p.IsPublic = rng.Chance(0.65);
        p.IsAiGenerated = rng.Chance(0.04);
        // Most patterns are never edited; edited ones mostly soon after creation.
        p.Version = rng.Chance(0.15) ? Math.Min(8, 1 + (int)Math.Ceiling(rng.Pareto(2.0))) : 1;
        var editedBy = rng.NextDouble();
        p.Updated = p.Version == 1 ? p.Created : Math.Max(p.Created + 10, Micro(p.Created + (Reference - p.Created) * editedBy * editedBy));
        p.Deleted = rng.Chance(0.02) ? Math.Max(p.Updated + 10, Between(ref rng, p.Updated, Reference)) : 0;

        // Views follow a Pareto law (most patterns a handful, a few millions), grow with age, and
        // are owner views only for private patterns. Likes, shares and downloads are a share of views.
        var age = 0.3 + 0.7 * Math.Min(1.0, (double)(Reference - p.Created) / (365 * Day));
        p.Views = p.IsPublic
            ? (long)Math.Min(50_000_000, 15 * (rng.Pareto(1.15) - 1) * age)
            : (long)(4 * (rng.Pareto(1.6) - 1));
        var likeRate = 0.005 + 0.045 * Math.Pow(rng.NextDouble(), 2);
        p.Likes = p.IsPublic ? (int)Math.Min(creators.Length / 4, p.Views * likeRate + rng.NextDouble()) : 0;
        p.ShareCount = (int)Math.Min(int.MaxValue, p.Views * 0.004 * rng.NextDouble() + rng.NextDouble());
        p.Downloads = (int)Math.Min(int.MaxValue, p.Views * 0.01 * rng.NextDouble() + rng.NextDouble());

        // Duplicates and remixes of an earlier public pattern, of the same loading lane (see
        // RealisticData.Lane): each lane is its own transaction, so only its own rows can be referenced.
        if (i > 0 && rng.Chance(0.04))
        {
            var parent = rng.Next(i);
            parent -= (RealisticData.Lane(parent) - RealisticData.Lane(i) + RealisticData.Lanes) % RealisticData.Lanes * RealisticData.LaneBatch;
            if (parent >= 0 && earlier[parent].IsPublic && earlier[parent].Created < p.Created)
            {
                p.Parent = parent;
            }
        }

        return p;
    }

    private static void PlanUserTimes(int seed, UserPlan[] users, PatternPlan[] patterns)
    {
        var first = new long[users.Length];
        var last = new long[users.Length];
        Array.Fill(first, long.MaxValue);
        foreach (var p in patterns)
        {
            first[p.Owner] = Math.Min(first[p.Owner], p.Created);
            last[p.Owner] = Math.Max(last[p.Owner], Math.Max(p.Updated, p.Deleted));
        }

        for (var u = 0; u < users.Length; u++)
        {
            var rng = Rng.For(seed, RngStream.UserTimes, u);
            // Creators signed up shortly before their first pattern; the others at any time, more of them lately.
            users[u].Created = first[u] != long.MaxValue
                ? Math.Max(Start - 365 * Day, Micro(first[u] - rng.Exponential(20 * Day)) - 10)
                : Micro(Start + (Reference - Start) * Math.Sqrt(rng.NextDouble()));
            var active = Math.Max(users[u].Created, last[u]);
            var v = rng.NextDouble();
            users[u].LastSeen = Micro(Reference - (Reference - active) * v * v * v);
        }
    }

    /// <summary>
    /// Distinct favouriters per pattern, never its owner, drawn by activity; each favourite falls
    /// when both the pattern (live) and the user (signed up, not yet gone quiet) existed. A pattern
    /// whose draws run out keeps the favourites found: like_count is set from them.
    /// </summary>
    private static (Favorite[], int[]) PlanFavorites(int seed, UserPlan[] users, PatternPlan[] patterns, double[] activity)
    {
        var favorites = new List<Favorite>();
        var start = new int[patterns.Length + 1];
        var chosen = new HashSet<int>();
        for (var i = 0; i < patterns.Length; i++)
        {
            ref var p = ref patterns[i];
            start[i] = favorites.Count;
            if (p.Likes == 0)
            {
                continue;
            }

            var rng = Rng.For(seed, RngStream.Favorites, i);
            chosen.Clear();
            for (var attempts = 30 * p.Likes + 50; chosen.Count < p.Likes && attempts > 0; attempts--)
            {
                var u = Draw(activity, ref rng);
                var from = Math.Max(p.Created, users[u].Created);
                var to = Math.Min(p.Deadline, users[u].LastSeen);
                if (u != p.Owner && from < to && chosen.Add(u))
                {
                    favorites.Add(new Favorite(u, Between(ref rng, from, to)));
                }
            }

            p.Likes = chosen.Count;
        }

        start[^1] = favorites.Count;
        return ([.. favorites], start);
    }

    /// <summary>
    /// Private patterns are shared more than public ones, mostly to view, with a few editors and
    /// admins; a quarter expire, years after the reference time (the app compares expiry with now()).
    /// </summary>
    private static Share[] PlanShares(int seed, UserPlan[] users, PatternPlan[] patterns, double[] activity)
    {
        var shares = new List<Share>();
        var recipients = new HashSet<int>();
        for (var i = 0; i < patterns.Length; i++)
        {
            var p = patterns[i];
            var rng = Rng.For(seed, RngStream.Shares, i);
            if (!rng.Chance(p.IsPublic ? 0.025 : 0.08))
            {
                continue;
            }

            recipients.Clear();
            var wanted = Math.Min(20, (int)rng.Pareto(2.2));
            for (var attempts = 10 * wanted; recipients.Count < wanted && attempts > 0; attempts--)
            {
                var u = Draw(activity, ref rng);
                var from = Math.Max(p.Created, users[u].Created);
                if (u == p.Owner || from >= p.Deadline || !recipients.Add(u))
                {
                    continue;
                }

                var created = Between(ref rng, from, p.Deadline);
                var permission = rng.Next(100) switch { < 65 => "view", < 93 => "edit", _ => "admin" };
                var expires = rng.Chance(0.25) ? Micro(Reference + TimeSpan.FromDays(730 + 1460 * rng.NextDouble()).Ticks) : 0;
                var updated = rng.Chance(0.15) ? Between(ref rng, created, p.Deadline) : created;
                shares.Add(new Share(i, u, permission, expires, created, updated));
            }
        }

        return [.. shares];
    }

    private static FeedEvent[] FeedEventsOf(PatternPlan[] patterns, Favorite[] favorites, int[] favoriteStart, Share[] shares)
    {
        var events = new List<FeedEvent>(favorites.Length + shares.Length);
        for (var i = 0; i < patterns.Length; i++)
        {
            for (var f = favoriteStart[i]; f < favoriteStart[i + 1]; f++)
            {
                events.Add(new FeedEvent(favorites[f].At, favorites[f].User, i));
            }
        }

        foreach (var share in shares)
        {
            events.Add(new FeedEvent(share.Created, share.User, share.Pattern));
            if (share.Updated > share.Created)
            {
                events.Add(new FeedEvent(share.Updated, share.User, share.Pattern));
            }
        }

        // Time, then user, then pattern: a total order, so the numbering does not depend on the sort algorithm.
        var sorted = events.ToArray();
        Array.Sort(sorted, (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.User != b.User ? a.User.CompareTo(b.User) : a.Pattern.CompareTo(b.Pattern));
        return sorted;
    }

    /// <summary>
    /// change_seq in the order the rows last changed (creation, edit or soft delete), as the
    /// sequence would have numbered them; the feed reads them in this order.
    /// </summary>
    private static void NumberChanges(PatternPlan[] patterns)
    {
        var order = new int[patterns.Length];
        var keys = new long[patterns.Length];
        for (var i = 0; i < patterns.Length; i++)
        {
            order[i] = i;
            keys[i] = Math.Max(patterns[i].Updated, patterns[i].Deleted);
        }

        // Ties broken by index, so the numbering does not depend on the sort algorithm.
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        for (var rank = 0; rank < order.Length; rank++)
        {
            patterns[order[rank]].ChangeSeq = rank + 1;
        }
    }
}
