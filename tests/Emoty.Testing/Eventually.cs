namespace Emoty.Testing;

/// <summary>
/// The suite's one wait for what happens behind a queue, a channel or a timer: poll until the
/// positive marker holds, and fail with the reason at the deadline. The deadline only bounds a hang
/// (a loaded 2-core CI machine may take many seconds for what takes one here), so it is generous:
/// nothing is timed by it.
/// </summary>
public static class Eventually
{
    public const double PatienceSeconds = 60;

    public static Task TrueAsync(Func<Task<bool>> condition, string failure, double seconds = PatienceSeconds) =>
        TrueAsync(condition, () => failure, seconds);

    /// <param name="failure">Read at the deadline, so that it can tell the last state seen.</param>
    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> failure, double seconds = PatienceSeconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"{failure()} within {seconds} s");
            }

            await Task.Delay(25);
        }
    }
}
