using System.Globalization;
using NCrontab;

namespace Emoty.LocalHost.Timers;

/// <summary>
/// A timer trigger's schedule: six-field NCrontab (<c>{second} {minute} {hour} {day} {month} {day-of-week}</c>),
/// five-field cron, or a TimeSpan such as <c>00:05:00</c> (an interval). Times are UTC.
/// </summary>
internal abstract class TimerSchedule
{
    /// <summary>The first occurrence strictly after <paramref name="after"/>.</summary>
    public abstract DateTime Next(DateTime after);

    public static TimerSchedule Parse(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is 5 or 6)
        {
            return new Cron(CrontabSchedule.Parse(
                string.Join(' ', fields),
                new CrontabSchedule.ParseOptions { IncludingSeconds = fields.Length == 6 }));
        }

        if (TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return new Interval(interval);
        }

        throw new FormatException($"'{expression}' is neither a cron expression nor a TimeSpan.");
    }

    private sealed class Cron(CrontabSchedule schedule) : TimerSchedule
    {
        public override DateTime Next(DateTime after) => schedule.GetNextOccurrence(after);
    }

    private sealed class Interval(TimeSpan interval) : TimerSchedule
    {
        public override DateTime Next(DateTime after) => after + interval;
    }
}
