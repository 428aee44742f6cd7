using Emoty.Testing;
using Azure.Storage.Queues;
using Emoty.LocalHost.Tests.Infrastructure;

namespace Emoty.LocalHost.Tests;

[Collection(LocalHostCollection.Name)]
public sealed class QueueTriggerTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task queue_message_is_processed_exactly_once()
    {
        var payload = $"copy-{Guid.NewGuid():N}";
        var input = fixture.Queue(fixture.EchoIn);
        await input.CreateIfNotExistsAsync();

        await input.SendMessageAsync(payload);

        var copies = await fixture.ReceiveUntilAsync(fixture.EchoOut, m => m.Any(x => x.MessageText == payload));
        // Once the message is deleted from its queue (invisible ones count too) it can never run again:
        // the one copy is all there will be.
        await WaitUntilEmptyAsync(fixture.EchoIn);
        copies.AddRange(await fixture.ReceiveAllNowAsync(fixture.EchoOut));
        Assert.Single(copies, m => m.MessageText == payload);
    }

    [Fact]
    public async Task message_whose_handler_always_throws_is_poisoned_after_max_dequeue_count_attempts()
    {
        var payload = $"doomed-{Guid.NewGuid():N}";
        var input = fixture.Queue(fixture.FailQueue);
        await input.CreateIfNotExistsAsync();

        await input.SendMessageAsync(payload);

        var poisoned = await fixture.ReceiveUntilAsync(fixture.FailQueue + "-poison", m => m.Any(x => x.MessageText == payload));
        Assert.Single(poisoned, m => m.MessageText == payload);
        // The function records each attempt with the dequeue count it was given (host.json: maxDequeueCount 3)
        // before it throws, so every record is there once the message is in poison, and no attempt can follow.
        var attempts = await fixture.ReceiveAllNowAsync(fixture.FailQueue + "-attempts");
        Assert.Equal(
            [$"{payload}|1", $"{payload}|2", $"{payload}|3"],
            attempts.Select(m => m.MessageText).Where(t => t.StartsWith(payload, StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task message_that_is_not_base64_goes_straight_to_poison()
    {
        var payload = $"not base64 {Guid.NewGuid():N}!";
        var raw = new QueueClient(fixture.StorageConnectionString, fixture.EchoIn, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        await raw.CreateIfNotExistsAsync();

        await raw.SendMessageAsync(payload);

        var poison = new QueueClient(fixture.StorageConnectionString, fixture.EchoIn + "-poison", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        await Eventually.TrueAsync(
            async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync(32)).Value.Any(m => m.MessageText == payload),
            "the message never reached the poison queue");
        // A copy would have been written by an invocation, and invocations come before the message is settled.
        var copies = await fixture.ReceiveAllNowAsync(fixture.EchoOut);
        Assert.DoesNotContain(copies, m => m.MessageText == payload);
    }

    [Fact]
    public async Task queue_message_binds_to_the_sdk_type_through_model_binding_data()
    {
        var payload = $"sdk-{Guid.NewGuid():N}";
        var input = fixture.Queue(fixture.SdkIn);
        await input.CreateIfNotExistsAsync();

        await input.SendMessageAsync(payload);

        var described = await fixture.ReceiveUntilAsync(fixture.SdkOut, m => m.Any(x => x.MessageText.StartsWith(payload, StringComparison.Ordinal)));
        Assert.Equal($"{payload}|1", Assert.Single(described, m => m.MessageText.StartsWith(payload, StringComparison.Ordinal)).MessageText);
    }

    /// <summary>Deleted, not merely invisible: ApproximateMessagesCount counts messages being processed too.</summary>
    private Task WaitUntilEmptyAsync(string queueName) =>
        Eventually.TrueAsync(async () => await fixture.CountAsync(queueName) == 0, $"{queueName} still holds a message");
}
