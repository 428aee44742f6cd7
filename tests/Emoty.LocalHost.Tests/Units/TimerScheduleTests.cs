using System.Text.Json;
using Emoty.LocalHost.Timers;

namespace Emoty.LocalHost.Tests.Units;

public sealed class TimerScheduleTests
{
    private static readonly DateTime Start = new(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void six_field_cron_counts_seconds()
    {
        var schedule = TimerSchedule.Parse("*/15 * * * * *");

        Assert.Equal(Start.AddSeconds(15), schedule.Next(Start));
        Assert.Equal(Start.AddSeconds(30), schedule.Next(Start.AddSeconds(15)));
    }

    [Fact]
    public void five_field_cron_and_timespan_are_accepted()
    {
        Assert.Equal(Start.AddMinutes(5), TimerSchedule.Parse("*/5 * * * *").Next(Start));
        Assert.Equal(Start.AddMinutes(90), TimerSchedule.Parse("01:30:00").Next(Start));
    }

    [Theory]
    [InlineData("every minute")]
    [InlineData("* * *")]
    [InlineData("00:00:00")]
    public void nonsense_is_refused(string expression) =>
        Assert.ThrowsAny<Exception>(() => TimerSchedule.Parse(expression));

    [Fact]
    public void timer_info_json_has_the_shape_the_worker_reads()
    {
        var json = JsonDocument.Parse(TimerScheduler.TimerInfoJson(null, Start, Start, isPastDue: true)).RootElement;

        Assert.True(json.GetProperty("Schedule").GetProperty("AdjustForDST").GetBoolean());
        Assert.Equal(Start, json.GetProperty("ScheduleStatus").GetProperty("Next").GetDateTime());
        Assert.Equal(DateTime.MinValue, json.GetProperty("ScheduleStatus").GetProperty("Last").GetDateTime());
        Assert.True(json.GetProperty("IsPastDue").GetBoolean());
    }
}
