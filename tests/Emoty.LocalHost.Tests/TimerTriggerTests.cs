using Emoty.LocalHost.Tests.Infrastructure;

namespace Emoty.LocalHost.Tests;

[Collection(LocalHostCollection.Name)]
public sealed class TimerTriggerTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task timer_on_a_one_second_schedule_from_a_setting_fires_repeatedly()
    {
        // Ticks from before this test do not count. Each names its next occurrence, one second (TickSchedule)
        // after its own, so a tick whose next is more than a second after the start fired after it.
        var after = DateTimeOffset.UtcNow.AddSeconds(1);
        var ticks = await fixture.ReceiveUntilAsync(fixture.TickQueue, m => m.Count(t => NextOf(t.MessageText) > after) >= 3);

        Assert.True(ticks.Count(t => NextOf(t.MessageText) > after) >= 3, $"only {ticks.Count} ticks");
        Assert.All(ticks, t => Assert.StartsWith("tick next=", t.MessageText));
    }

    private static DateTimeOffset NextOf(string tick)
    {
        var next = tick["tick next=".Length..tick.IndexOf(' ', "tick next=".Length)];
        return DateTimeOffset.Parse(next, System.Globalization.CultureInfo.InvariantCulture);
    }
}
