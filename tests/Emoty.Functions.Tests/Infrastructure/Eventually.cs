namespace Emoty.Functions.Tests.Infrastructure;

/// <summary>For what happens behind a queue or a channel: poll until true, and fail with the reason at the deadline.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string failure, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{failure} within {seconds} s");
            await Task.Delay(25);
        }
    }
}
