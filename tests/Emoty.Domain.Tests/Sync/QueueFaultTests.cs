using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Emoty.Domain.Analytics;
using Emoty.Domain.Errors;
using Emoty.Domain.Identity;
using Emoty.Domain.Queues;
using Emoty.Domain.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Emoty.Domain.Tests.Sync;

/// <summary>
/// The storage queue as the seam it is: a queue client that refuses (503) or never answers, given to
/// the services as the app builds them, over a real database. The clock is fake, so "gives up after
/// its timeout" is a step of the test, not a wait.
/// </summary>
public sealed class QueueFaultTests(SyncDatabase db) : IClassFixture<SyncDatabase>
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly TaskCompletionSource _sendStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProvider ServicesOver(Action<Mock<QueueClient>> configure)
    {
        var queue = new Mock<QueueClient>();
        queue.Setup(q => q.CreateIfNotExistsAsync(It.IsAny<IDictionary<string, string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Mock.Of<Response>());
        configure(queue);
        var queues = new Mock<QueueServiceClient>();
        queues.Setup(q => q.GetQueueClient(It.IsAny<string>())).Returns(queue.Object);
        return db.ProviderWith(queues.Object, time: _time);
    }

    private static void Refuses(Mock<QueueClient> queue) =>
        queue.Setup(q => q.SendMessageAsync(It.IsAny<BinaryData>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(503, "The server is busy."));

    private void Hangs(Mock<QueueClient> queue) =>
        queue.Setup(q => q.SendMessageAsync(It.IsAny<BinaryData>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Returns(async (BinaryData _, TimeSpan? _, TimeSpan? _, CancellationToken token) =>
            {
                _sendStarted.TrySetResult();
                // A send that never answers: only its cancellation ends it.
                await new TaskCompletionSource().Task.WaitAsync(token);
                return Mock.Of<Response<SendReceipt>>();
            });

    /// <summary>Lets the fake clock pass the send timeout once the send is under way; the test's own bound only catches a hang.</summary>
    private async Task<T> GiveUpAsync<T>(Task<T> pending)
    {
        await _sendStarted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        _time.Advance(AppQueue.SendTimeout);
        return await pending.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private static JsonElement OneView() =>
        JsonDocument.Parse($$"""{"events":[{"pattern_id":"{{Guid.NewGuid()}}","type":"view"}]}""").RootElement;

    [Fact]
    public async Task events_posted_while_the_queue_refuses_them_are_a_503_with_retry_after()
    {
        var analytics = ServicesOver(Refuses).GetRequiredService<AnalyticsService>();

        var refused = await Assert.ThrowsAsync<EmotyException>(() => analytics.RecordAsync(new Caller(Guid.NewGuid()), OneView(), CancellationToken.None));

        Assert.Equal(ProblemCode.ServiceUnavailable, refused.Code);
        Assert.True(refused.RetryAfterSeconds > 0);
    }

    [Fact]
    public async Task events_posted_while_the_queue_hangs_are_a_503_once_the_send_times_out()
    {
        var analytics = ServicesOver(Hangs).GetRequiredService<AnalyticsService>();

        var pending = analytics.RecordAsync(new Caller(Guid.NewGuid()), OneView(), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<EmotyException>(() => GiveUpAsync(pending));

        Assert.Equal(ProblemCode.ServiceUnavailable, refused.Code);
        Assert.True(refused.RetryAfterSeconds > 0);
    }

    [Fact]
    public async Task a_sync_batch_posted_while_the_queue_hangs_is_accepted_and_left_to_recovery()
    {
        var sync = ServicesOver(Hangs).GetRequiredService<SyncService>();
        var user = await db.UserAsync();
        var batchId = Guid.NewGuid();
        using var body = JsonDocument.Parse($$"""{"client_id":"c","batch_id":"{{batchId}}","operations":[{{SyncDatabase.Create("t")}}]}""");

        var accepted = await GiveUpAsync(sync.SubmitAsync(new Caller(user), body.RootElement, CancellationToken.None));

        Assert.Equal(SyncBatchStatuses.Queued, accepted.Status);
        Assert.True(await db.ScalarAsync<bool>(
            "SELECT enqueued_at IS NULL AND status = 'queued' FROM sync_batches WHERE batch_id = @batchId", new { batchId }));
    }
}
