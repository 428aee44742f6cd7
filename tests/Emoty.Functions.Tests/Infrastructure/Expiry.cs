namespace Emoty.Functions.Tests.Infrastructure;

/// <summary>
/// Tests of something that stops working at its <c>expires_at</c>, without racing the clock. A fixed
/// lead ("expires in 2 s") fails on a loaded machine whenever the steps before the expiry take
/// longer than the lead. Here the lead grows until the steps before it really ran before it, and
/// the steps after it wait for a positive marker: the clock having passed the expiry.
/// </summary>
public static class Expiry
{
    private static readonly TimeSpan FirstLead = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastLead = TimeSpan.FromMinutes(2);

    /// <param name="before">Sets things up to expire at the given time and tells whether they worked.
    /// Its answer counts only when it came before the expiry; otherwise it runs again with more lead.</param>
    /// <param name="after">Runs once the clock is past the expiry, to check that they stopped working.</param>
    public static async Task AcrossAsync(Func<DateTimeOffset, Task<bool>> before, Func<Task> after)
    {
        for (var lead = FirstLead; ; lead *= 2)
        {
            var expiresAt = DateTimeOffset.UtcNow + lead;
            var worked = await before(expiresAt);
            if (DateTimeOffset.UtcNow < expiresAt)
            {
                Assert.True(worked, "it did not work before it expired");
                await PastAsync(expiresAt);
                await after();
                return;
            }

            Assert.True(lead < LastLead, $"even with {lead.TotalSeconds} s of lead the steps before the expiry did not finish in time");
        }
    }

    /// <summary>
    /// Waits for the positive marker: this machine's clock (the app's and PostgreSQL's too) is past
    /// <paramref name="moment"/>. The deadline only stops a clock that never gets there.
    /// </summary>
    private static Task PastAsync(DateTimeOffset moment)
    {
        // PostgreSQL keeps microseconds: a millisecond more covers its rounding of the stored time.
        var past = moment.AddMilliseconds(1);
        return Eventually.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow > past), "the clock did not pass the expiry",
            (past - DateTimeOffset.UtcNow).TotalSeconds + 60);
    }
}
