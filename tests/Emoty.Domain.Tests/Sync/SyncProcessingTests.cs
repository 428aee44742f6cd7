using Emoty.Domain.Identity;
using Emoty.Domain.Sync;

namespace Emoty.Domain.Tests.Sync;

public sealed class SyncProcessingTests(SyncDatabase db) : IClassFixture<SyncDatabase>
{
    private async Task<JsonElement[]> ResultsAsync(Guid user, Guid batchId)
    {
        var status = await db.Service.GetStatusAsync(new Caller(user), batchId, CancellationToken.None);
        Assert.Equal(SyncBatchStatuses.Completed, status.Status);
        using var document = JsonDocument.Parse(status.Results.Text);
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [Fact]
    public async Task the_same_batch_processed_by_four_instances_at_once_is_applied_once()
    {
        var user = await db.UserAsync();
        var batchId = await db.SubmitAsync(user, Enumerable.Range(0, 20).Select(i => SyncDatabase.Create($"temp_{i}")).ToArray());

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => db.Service.ProcessAsync(batchId, CancellationToken.None))));

        Assert.Single(outcomes, o => o.Status == SyncBatchStatuses.Completed);
        Assert.Equal(3, outcomes.Count(o => o.Status == SyncDelivery.Skipped));
        Assert.Equal(20, await db.CountPatternsAsync(user));
        Assert.Equal(SyncDelivery.Skipped, (await db.Service.ProcessAsync(batchId, CancellationToken.None)).Status);
        Assert.Equal(20, await db.CountPatternsAsync(user));
    }

    [Fact]
    public async Task a_message_for_a_later_batch_drains_its_users_batches_in_order_without_overtaking()
    {
        var user = await db.UserAsync();
        var first = await db.SubmitAsync(user, SyncDatabase.Create("split"));
        var second = await db.SubmitAsync(user, SyncDatabase.Rename("split", "Renamed in the next batch"));
        var someoneElse = await db.SubmitAsync(await db.UserAsync(), SyncDatabase.Create("other"));

        // Delivered out of order (two workers, or a message that came first): the earlier batch runs first, then the named one.
        var delivery = await db.Service.ProcessAsync(second, CancellationToken.None);

        Assert.Equal([first, second], delivery.Processed.Select(batch => batch.BatchId));
        Assert.Equal(SyncBatchStatuses.Completed, delivery.Status);
        var renamed = Assert.Single(await ResultsAsync(user, second));
        Assert.Equal("applied", renamed.GetProperty("status").GetString());
        Assert.Equal("Renamed in the next batch", await db.ScalarAsync<string>("SELECT name FROM patterns WHERE user_id = @user", new { user }));
        // Another user's batch is not this drain's: it waits for its own message.
        Assert.Equal(SyncBatchStatuses.Queued, await db.ScalarAsync<string>("SELECT status FROM sync_batches WHERE batch_id = @someoneElse", new { someoneElse }));
        Assert.Equal(SyncDelivery.Skipped, (await db.Service.ProcessAsync(first, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task a_message_for_a_user_whose_batch_a_live_worker_holds_is_left_to_that_worker()
    {
        var user = await db.UserAsync();
        var held = await db.SubmitAsync(user, SyncDatabase.Create("held"));
        var later = await db.SubmitAsync(user, SyncDatabase.Create("later"));
        await db.ExecuteAsync("""
            UPDATE sync_batches SET status = 'processing', lease_owner = gen_random_uuid(), lease_expires_at = now() + interval '1 minute'
             WHERE batch_id = @held
            """, new { held });

        var delivery = await db.Service.ProcessAsync(later, CancellationToken.None);

        Assert.Equal(SyncDelivery.Skipped, delivery.Status);
        Assert.Empty(delivery.Processed);
        Assert.Equal(0, await db.CountPatternsAsync(user));

        // The holder died: once its lease has lapsed, the next message resumes the user where it stopped.
        await db.ExecuteAsync("UPDATE sync_batches SET lease_expires_at = now() - interval '1 second' WHERE batch_id = @held", new { held });
        Assert.Equal([held, later], (await db.Service.ProcessAsync(later, CancellationToken.None)).Processed.Select(batch => batch.BatchId));
        Assert.Equal(2, await db.CountPatternsAsync(user));
    }

    [Fact]
    public async Task a_worker_whose_lease_was_taken_over_can_complete_nothing()
    {
        var user = await db.UserAsync();
        var batchId = await db.SubmitAsync(user, SyncDatabase.Create("contested"));
        var (stalled, successor) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.NotNull(await db.Store.ClaimNextAsync(user, stalled, SyncService.Lease, CancellationToken.None));
        Assert.Null(await db.Store.ClaimNextAsync(user, successor, SyncService.Lease, CancellationToken.None));

        await db.ExecuteAsync("UPDATE sync_batches SET lease_expires_at = now() - interval '1 second' WHERE batch_id = @batchId", new { batchId });
        var taken = await db.Store.ClaimNextAsync(user, successor, SyncService.Lease, CancellationToken.None);

        Assert.Equal(batchId, taken?.BatchId);
        Assert.Equal(2, taken!.Attempts);
        Assert.False(await db.Store.CompleteAsync(batchId, stalled, "[]", CancellationToken.None));
        Assert.True(await db.Store.CompleteAsync(batchId, successor, "[]", CancellationToken.None));
    }

    [Fact]
    public async Task a_batch_longer_than_a_chunk_is_applied_in_order_with_a_rejected_operation_in_the_middle()
    {
        var user = await db.UserAsync();
        var count = SyncService.ChunkOperations * 2 + 7;
        var operations = Enumerable.Range(0, count)
            .Select(i => i == SyncService.ChunkOperations + 3
                ? SyncDatabase.Rename("never_created", "Nothing to rename")
                : SyncDatabase.Create($"t{i}", $"Pattern {i}"))
            .ToArray();
        var batchId = await db.SubmitAsync(user, operations);

        Assert.Equal(SyncBatchStatuses.Completed, (await db.Service.ProcessAsync(batchId, CancellationToken.None)).Status);

        var results = await ResultsAsync(user, batchId);
        Assert.Equal(count, results.Length);
        Assert.Equal("rejected", results[SyncService.ChunkOperations + 3].GetProperty("status").GetString());
        Assert.Equal(count - 1, results.Count(r => r.GetProperty("status").GetString() == "applied"));
        Assert.Equal(Enumerable.Range(0, count).Where(i => i != SyncService.ChunkOperations + 3).Select(i => $"t{i}"),
            results.Where(r => r.GetProperty("status").GetString() == "applied").Select(r => r.GetProperty("temp_id").GetString()));
        Assert.Equal(count - 1, await db.CountPatternsAsync(user));
    }

    [Fact]
    public async Task a_run_of_updates_with_one_the_caller_may_not_make_answers_each_on_its_own()
    {
        var user = await db.UserAsync();
        var stranger = await db.PatternAsync(await db.UserAsync(), "Not yours", isPublic: true);
        var created = await db.SubmitAsync(user, Enumerable.Range(0, 10).Select(i => SyncDatabase.Create($"u{i}", $"Before {i}")).ToArray());
        await db.Service.ProcessAsync(created, CancellationToken.None);

        // Ten updates in a row, the sixth of someone else's public pattern: it is refused, the others apply.
        var renames = Enumerable.Range(0, 10)
            .Select(i => i == 5 ? SyncDatabase.Rename(stranger.ToString(), "Taken over") : SyncDatabase.Rename($"u{i}", $"After {i}"))
            .ToArray();
        var batchId = await db.SubmitAsync(user, renames);
        Assert.Equal(SyncBatchStatuses.Completed, (await db.Service.ProcessAsync(batchId, CancellationToken.None)).Status);

        var results = await ResultsAsync(user, batchId);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i == 5 ? "rejected" : "applied"), results.Select(r => r.GetProperty("status").GetString()));
        Assert.All(results.Where((_, i) => i != 5), r => Assert.Equal(2, r.GetProperty("version").GetInt32()));
        Assert.Equal("Not yours", await db.ScalarAsync<string>("SELECT name FROM patterns WHERE id = @stranger", new { stranger }));
        Assert.Equal(9, await db.ScalarAsync<long>("SELECT count(*) FROM patterns WHERE user_id = @user AND name LIKE 'After %'", new { user }));
        Assert.Equal(9, await db.ScalarAsync<long>(
            "SELECT count(*) FROM pattern_versions v JOIN patterns p ON p.id = v.pattern_id WHERE p.user_id = @user AND v.version = 1 AND v.name LIKE 'Before %'", new { user }));

        // All ten again, every one allowed: applied together, u5 (left alone above) at version 2, the rest at 3.
        var again = await db.SubmitAsync(user, Enumerable.Range(0, 10).Select(i => SyncDatabase.Rename($"u{i}", $"Again {i}")).ToArray());
        await db.Service.ProcessAsync(again, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i == 5 ? 2 : 3), (await ResultsAsync(user, again)).Select(r => r.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task a_batch_taken_over_after_its_lease_answers_every_operation_from_its_record()
    {
        var user = await db.UserAsync();
        var batchId = await db.SubmitAsync(user, SyncDatabase.Create("a"), SyncDatabase.Create("b"), SyncDatabase.Rename("a", "A2"));
        await db.Service.ProcessAsync(batchId, CancellationToken.None);
        var first = await ResultsAsync(user, batchId);

        // As if the worker died before completing: still processing, lease long gone.
        await db.ExecuteAsync("""
            UPDATE sync_batches SET status = 'processing', results = NULL, lease_owner = gen_random_uuid(), lease_expires_at = now() - interval '1 second'
             WHERE batch_id = @batchId
            """, new { batchId });
        var outcome = await db.Service.ProcessAsync(batchId, CancellationToken.None);

        Assert.Equal(SyncBatchStatuses.Completed, outcome.Status);
        // Nothing is applied again, but the patterns are named again so their cache entries go (the dead worker may not have got that far).
        Assert.Equal(2, outcome.ChangedPatternIds.Distinct().Count());
        Assert.Equal(first.Select(r => r.GetRawText()), (await ResultsAsync(user, batchId)).Select(r => r.GetRawText()));
        Assert.Equal(2, await db.CountPatternsAsync(user));
        Assert.Equal(2, await db.ScalarAsync<int>("SELECT version FROM patterns WHERE user_id = @user AND name = 'A2'", new { user }));
    }

    [Fact]
    public async Task a_processing_batch_within_its_lease_is_left_to_its_worker()
    {
        var user = await db.UserAsync();
        var batchId = await db.SubmitAsync(user, SyncDatabase.Create("x"));
        await db.ExecuteAsync("""
            UPDATE sync_batches SET status = 'processing', lease_owner = gen_random_uuid(), lease_expires_at = now() + interval '1 minute'
             WHERE batch_id = @batchId
            """, new { batchId });

        Assert.Equal(SyncDelivery.Skipped, (await db.Service.ProcessAsync(batchId, CancellationToken.None)).Status);
        Assert.Equal(0, await db.CountPatternsAsync(user));
    }

    [Fact]
    public async Task an_op_id_sent_again_in_a_later_batch_is_answered_with_its_first_result()
    {
        var user = await db.UserAsync();
        var opId = Guid.NewGuid().ToString();
        var first = await db.SubmitAsync(user, SyncDatabase.Create("t"), SyncDatabase.Rename("t", "First", opId));
        await db.Service.ProcessAsync(first, CancellationToken.None);
        var second = await db.SubmitAsync(user, SyncDatabase.Rename("t", "Second", opId));
        await db.Service.ProcessAsync(second, CancellationToken.None);

        Assert.Equal((await ResultsAsync(user, first))[1].GetRawText(), (await ResultsAsync(user, second))[0].GetRawText());
        Assert.Equal("First", await db.ScalarAsync<string>("SELECT name FROM patterns WHERE user_id = @user", new { user }));
        Assert.Equal(2, await db.ScalarAsync<int>("SELECT version FROM patterns WHERE user_id = @user", new { user }));
    }

    [Fact]
    public async Task an_op_id_already_used_by_another_user_is_rejected_without_revealing_its_result()
    {
        var alice = await db.UserAsync();
        var mallory = await db.UserAsync();
        var opId = Guid.NewGuid().ToString();
        var aliceBatch = await db.SubmitAsync(alice, SyncDatabase.Create("t"), SyncDatabase.Rename("t", "Private", opId));
        await db.Service.ProcessAsync(aliceBatch, CancellationToken.None);

        var malloryBatch = await db.SubmitAsync(mallory, SyncDatabase.Rename(Guid.NewGuid().ToString(), "Probe", opId));
        await db.Service.ProcessAsync(malloryBatch, CancellationToken.None);

        var result = Assert.Single(await ResultsAsync(mallory, malloryBatch));
        Assert.Equal("rejected", result.GetProperty("status").GetString());
        Assert.Equal(409, result.GetProperty("error").GetProperty("status").GetInt32());
        Assert.DoesNotContain("Private", result.GetRawText());
    }

    [Fact]
    public async Task a_batch_claimed_more_than_five_times_ends_failed_with_an_error()
    {
        var user = await db.UserAsync();
        var batchId = await db.SubmitAsync(user, SyncDatabase.Create("doomed"));
        await db.ExecuteAsync("UPDATE sync_batches SET attempts = 5 WHERE batch_id = @batchId", new { batchId });

        Assert.Equal(SyncBatchStatuses.Failed, (await db.Service.ProcessAsync(batchId, CancellationToken.None)).Status);
        var status = await db.Service.GetStatusAsync(new Caller(user), batchId, CancellationToken.None);
        Assert.Equal(SyncBatchStatuses.Failed, status.Status);
        Assert.Contains("5 attempts", status.Error!.Detail);
        Assert.Equal(0, await db.CountPatternsAsync(user));
    }

    [Fact]
    public async Task stored_operations_that_no_longer_parse_fail_the_batch_instead_of_retrying_forever()
    {
        var user = await db.UserAsync();
        var batchId = Guid.NewGuid();
        await db.ExecuteAsync("""
            INSERT INTO sync_batches (batch_id, user_id, client_id, operations) VALUES (@batchId, @user, 'c', '[{"type":"teleport"}]')
            """, new { batchId, user });

        Assert.Equal(SyncBatchStatuses.Failed, (await db.Service.ProcessAsync(batchId, CancellationToken.None)).Status);
        Assert.Equal(SyncDelivery.Skipped, (await db.Service.ProcessMessageAsync(SyncQueue.Format(batchId), CancellationToken.None)).Status);
        Assert.Equal(SyncDelivery.Ignored, (await db.Service.ProcessMessageAsync("not json", CancellationToken.None)).Status);
    }
}
