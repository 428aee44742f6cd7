namespace Emoty.Functions.Tests.Infrastructure;

/// <summary>
/// For what happens behind a queue or a channel: poll until true, and fail with the reason at the
/// deadline. The deadline only bounds a hang (a loaded 2-core CI machine may take many seconds for
/// what takes one here), so it is generous: nothing is timed by it.
/// </summary>
public static class Eventually
{
    public const double PatienceSeconds = 60;

    public static async Task TrueAsync(Func<Task<bool>> condition, string failure, double seconds = PatienceSeconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{failure} within {seconds} s");
            await Task.Delay(25);
        }
    }
}
