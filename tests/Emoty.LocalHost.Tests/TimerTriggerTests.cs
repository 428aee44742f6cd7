using Emoty.LocalHost.Tests.Infrastructure;

namespace Emoty.LocalHost.Tests;

[Collection(LocalHostCollection.Name)]
public sealed class TimerTriggerTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task timer_on_a_one_second_schedule_from_a_setting_fires_repeatedly()
    {
        // Ticks from before this test do not count.
        await fixture.ReceiveUntilAsync(fixture.TickQueue, _ => false, TimeSpan.FromMilliseconds(300));

        var ticks = await fixture.ReceiveUntilAsync(fixture.TickQueue, m => m.Count >= 3, TimeSpan.FromSeconds(10));

        Assert.True(ticks.Count >= 3, $"only {ticks.Count} ticks in 10 s");
        Assert.All(ticks, t => Assert.StartsWith("tick next=", t.MessageText));
    }
}
