using Emoty.Domain.Identity;
using Emoty.Domain.Sync;

namespace Emoty.Domain.Tests.Sync;

/// <summary>
/// The recovery sweep, on a database of its own: it looks at every batch of the database, so the
/// batches other tests leave unfinished must not be there.
/// </summary>
public sealed class SyncRecoveryTests(SyncDatabase db) : IClassFixture<SyncDatabase>
{
    [Fact]
    public async Task batches_stored_while_the_queue_is_down_are_answered_queued_and_sent_by_recovery_once_per_user()
    {
        var (service, queue) = await db.WithOwnQueueAsync();
        var user = await db.UserAsync();
        var offline = db.ServiceWith(db.DeadQueues());
        var first = await SyncDatabase.SubmitWithAsync(offline, user, SyncDatabase.Create("offline"));
        var second = await SyncDatabase.SubmitWithAsync(offline, user, SyncDatabase.Rename("offline", "Renamed offline"));
        Assert.Equal(SyncBatchStatuses.Queued, (await db.Service.GetStatusAsync(new Caller(user), first, CancellationToken.None)).Status);
        Assert.True(await db.ScalarAsync<bool>("SELECT enqueued_at IS NULL FROM sync_batches WHERE batch_id = @first", new { first }));

        // Recovery leaves a fresh batch to its POST, then sends it once the grace period is over.
        await service.RecoverAsync(CancellationToken.None);
        Assert.Empty((await queue.PeekMessagesAsync(32)).Value);
        await db.ExecuteAsync("UPDATE sync_batches SET received_at = received_at - interval '1 minute' WHERE user_id = @user", new { user });
        await service.RecoverAsync(CancellationToken.None);

        // One message for the user, naming the oldest batch: its delivery takes both.
        var message = Assert.Single((await queue.PeekMessagesAsync(32)).Value);
        Assert.Equal(first, SyncQueue.Parse(message.MessageText));
        var delivery = await service.ProcessMessageAsync(message.MessageText, CancellationToken.None);
        Assert.Equal([first, second], delivery.Processed.Select(batch => batch.BatchId));
        Assert.Equal("Renamed offline", await db.ScalarAsync<string>("SELECT name FROM patterns WHERE user_id = @user", new { user }));
        Assert.False(await db.ScalarAsync<bool>("SELECT enqueued_at IS NULL FROM sync_batches WHERE batch_id = @first", new { first }));
    }

    [Fact]
    public async Task recovery_resends_a_batch_whose_worker_died_once_its_lease_lapsed_and_not_before()
    {
        var (service, queue) = await db.WithOwnQueueAsync();
        var user = await db.UserAsync();
        var batchId = await SyncDatabase.SubmitWithAsync(service, user, SyncDatabase.Create("orphaned"));
        await queue.ClearMessagesAsync();
        await db.ExecuteAsync("""
            UPDATE sync_batches SET status = 'processing', lease_owner = gen_random_uuid(), lease_expires_at = now() + interval '1 minute',
                   enqueued_at = now() - interval '1 minute'
             WHERE batch_id = @batchId
            """, new { batchId });

        Assert.Equal(0, await service.RecoverAsync(CancellationToken.None));
        await db.ExecuteAsync("UPDATE sync_batches SET lease_expires_at = now() - interval '1 second' WHERE batch_id = @batchId", new { batchId });
        Assert.Equal(1, await service.RecoverAsync(CancellationToken.None));
        // Sent once: the next run leaves it to that message.
        Assert.Equal(0, await service.RecoverAsync(CancellationToken.None));

        var message = Assert.Single((await queue.PeekMessagesAsync(32)).Value);
        Assert.Equal(SyncBatchStatuses.Completed, (await service.ProcessMessageAsync(message.MessageText, CancellationToken.None)).Status);
        Assert.Equal(1, await db.CountPatternsAsync(user));
    }
}
