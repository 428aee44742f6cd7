using Emoty.Domain.Sync;
using static Emoty.Domain.Tests.Patterns.PatternTestSupport;

namespace Emoty.Domain.Tests.Sync;

public class SyncInputTests
{
    private const string OpA = "11111111-1111-4111-8111-111111111111";
    private const string OpB = "22222222-2222-4222-8222-222222222222";
    private const string Batch = "33333333-3333-4333-8333-333333333333";
    private const string When = "2026-11-25T09:51:51.123Z";
    private const string TempOne = ",\"temp_id\":\"temp_1\"";

    private static string Body(params string[] operations) =>
        $$"""{"client_id":"web-1","batch_id":"{{Batch}}","operations":[{{string.Join(",", operations)}}]}""";

    private static string Create(string opId = OpA, string extra = "") =>
        $$"""{"op_id":"{{opId}}","type":"create","client_modified_at":"{{When}}","pattern":{"name":"Offline","sequence":["❤️"]}""" + extra + "}";

    [Fact]
    public void a_valid_batch_is_read_with_every_operation_in_order()
    {
        var request = SyncInput.ParseBatch(JsonOf(Body(
            Create(extra: TempOne),
            $$"""{"op_id":"{{OpB}}","type":"update","id":"temp_1","base_version":1,"client_modified_at":"2026-11-25T10:00:00+01:00","changes":{"name":"Renamed"} }""")));

        Assert.Equal("web-1", request.ClientId);
        Assert.Equal(Guid.Parse(Batch), request.BatchId);
        Assert.Equal([SyncOperationType.Create, SyncOperationType.Update], request.Operations.Select(o => o.Type));
        Assert.Equal("temp_1", request.Operations[0].TempId);
        Assert.Equal("temp_1", request.Operations[1].Target);
        Assert.Equal(1, request.Operations[1].BaseVersion);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), request.Operations[1].ClientModifiedAt.ToUniversalTime());
        Assert.Equal(request.Operations.Count, SyncInput.ParseStored(request.OperationsJson).Count);
    }

    [Theory]
    [InlineData("""{"batch_id":"33333333-3333-4333-8333-333333333333","operations":[]}""", "client_id")]
    [InlineData("""{"client_id":"","batch_id":"33333333-3333-4333-8333-333333333333","operations":[]}""", "client_id")]
    [InlineData("""{"client_id":"c","batch_id":"nope","operations":[]}""", "batch_id")]
    [InlineData("""{"client_id":"c","batch_id":"33333333-3333-4333-8333-333333333333","operations":[]}""", "operations")]
    [InlineData("""{"client_id":"c","batch_id":"33333333-3333-4333-8333-333333333333","operations":{}}""", "operations")]
    [InlineData("""{"client_id":"c","batch_id":"33333333-3333-4333-8333-333333333333","operations":[1],"extra":true}""", "extra")]
    [InlineData("""[]""", "$")]
    public void batch_level_problems_are_reported_at_their_field(string json, string path)
    {
        var errors = ValidationErrorsOf(() => SyncInput.ParseBatch(JsonOf(json)));
        Assert.True(errors.ContainsKey(path), string.Join(", ", errors.Keys));
    }

    [Theory]
    [InlineData("""{"type":"create","client_modified_at":"2026-11-25T09:51:51Z","pattern":{"name":"x","sequence":["❤️"]}}""", "operations[1].op_id")]
    [InlineData("""{"op_id":"22222222-2222-4222-8222-222222222222","type":"move","client_modified_at":"2026-11-25T09:51:51Z"}""", "operations[1].type")]
    [InlineData("""{"op_id":"22222222-2222-4222-8222-222222222222","type":"create","client_modified_at":"yesterday","pattern":{"name":"x","sequence":["❤️"]}}""", "operations[1].client_modified_at")]
    [InlineData("""{"op_id":"22222222-2222-4222-8222-222222222222","type":"create","client_modified_at":"2026-11-25T09:51:51","pattern":{"name":"x","sequence":["❤️"]}}""", "operations[1].client_modified_at")]
    [InlineData("""{"op_id":"22222222-2222-4222-8222-222222222222","type":"create","client_modified_at":"2026-11-25T09:51:51Z","pattern":{"name":"","sequence":["❤️"]}}""", "operations[1].pattern.name")]
    [InlineData("""{"op_id":"22222222-2222-4222-8222-222222222222","type":"create","client_modified_at":"2026-11-25T09:51:51Z","temp_id":"","pattern":{"name":"x","sequence":["❤️"]}}""", "operations[1].temp_id")]
    [InlineData("""{"op_id":"22222222-2222-4222-8222-222222222222","type":"create","client_modified_at":"2026-11-25T09:51:51Z","id":"44444444-4444-4444-8444-444444444444","pattern":{"name":"x","sequence":["❤️"]}}""", "operations[1].id")]
    [InlineData("""{"op_id":"22222222-2222-4222-8222-222222222222","type":"update","client_modified_at":"2026-11-25T09:51:51Z","id":"44444444-4444-4444-8444-444444444444","base_version":0,"changes":{}}""", "operations[1].base_version")]
    [InlineData("""{"op_id":"22222222-2222-4222-8222-222222222222","type":"update","client_modified_at":"2026-11-25T09:51:51Z","id":"44444444-4444-4444-8444-444444444444","changes":{"name":"","version":3}}""", "operations[1].changes.name")]
    [InlineData("""{"op_id":"22222222-2222-4222-8222-222222222222","type":"update","client_modified_at":"2026-11-25T09:51:51Z","id":"44444444-4444-4444-8444-444444444444","changes":{"version":3}}""", "operations[1].changes.version")]
    [InlineData("""{"op_id":"22222222-2222-4222-8222-222222222222","type":"update","client_modified_at":"2026-11-25T09:51:51Z","id":"44444444-4444-4444-8444-444444444444"}""", "operations[1].changes")]
    [InlineData("""{"op_id":"22222222-2222-4222-8222-222222222222","type":"delete","client_modified_at":"2026-11-25T09:51:51Z"}""", "operations[1].id")]
    [InlineData("""{"op_id":"22222222-2222-4222-8222-222222222222","type":"delete","client_modified_at":"2026-11-25T09:51:51Z","id":"0123456789012345678901234567890123456789012345678901234567890123456789"}""", "operations[1].id")]
    [InlineData("""{"op_id":"22222222-2222-4222-8222-222222222222","type":"delete","client_modified_at":"2026-11-25T09:51:51Z","id":"temp_1","changes":{}}""", "operations[1].changes")]
    [InlineData("""{"op_id":"11111111-1111-4111-8111-111111111111","type":"delete","client_modified_at":"2026-11-25T09:51:51Z","id":"temp_1"}""", "operations[1].op_id")]
    [InlineData("""{"op_id":"22222222-2222-4222-8222-222222222222","type":"create","client_modified_at":"2026-11-25T09:51:51Z","temp_id":"temp_1","pattern":{"name":"x","sequence":["❤️"]}}""", "operations[1].temp_id")]
    [InlineData("\"not an operation\"", "operations[1]")]
    public void operation_problems_are_reported_at_their_path(string operation, string path)
    {
        var errors = ValidationErrorsOf(() => SyncInput.ParseBatch(JsonOf(Body(Create(extra: TempOne), operation))));
        Assert.True(errors.ContainsKey(path), string.Join(", ", errors.Keys));
    }

    [Fact]
    public void an_operation_cannot_name_a_temp_id_that_a_later_operation_creates()
    {
        var errors = ValidationErrorsOf(() => SyncInput.ParseBatch(JsonOf(Body(
            $$"""{"op_id":"{{OpB}}","type":"delete","id":"temp_9","client_modified_at":"{{When}}"}""",
            Create(extra: ",\"temp_id\":\"temp_9\"")))));
        AssertError(errors, "operations[0].id", "later");
    }

    [Fact]
    public void a_thousand_operations_are_accepted_and_one_more_is_not()
    {
        string Operations(int count) => string.Join(",", Enumerable.Range(0, count).Select(_ =>
            $$"""{"op_id":"{{Guid.NewGuid()}}","type":"delete","id":"{{Guid.NewGuid()}}","client_modified_at":"{{When}}"}"""));

        Assert.Equal(1000, SyncInput.ParseBatch(JsonOf(Body(Operations(1000)))).Operations.Count);
        AssertError(ValidationErrorsOf(() => SyncInput.ParseBatch(JsonOf(Body(Operations(1001))))), "operations", "1 to 1000");
    }

    [Theory]
    [InlineData("limit", "0")]
    [InlineData("limit", "501")]
    [InlineData("limit", "ten")]
    [InlineData("since", "garbage")]
    [InlineData("cursor", "x")]
    public void bad_changes_parameters_are_400_at_their_name(string name, string value)
    {
        var errors = ValidationErrorsOf(() => SyncInput.ParseChangesQuery([new(name, value)], TestCursors.Signer));
        Assert.True(errors.ContainsKey(name));
    }

    [Fact]
    public void a_cursor_survives_its_round_trip_and_a_tampered_one_is_refused()
    {
        var cursor = new SyncCursor(987_654_321UL, 42);
        var text = cursor.Encode(TestCursors.Signer);

        Assert.Equal((cursor, 100), SyncInput.ParseChangesQuery([new("since", text)], TestCursors.Signer));
        Assert.Equal((SyncCursor.Start, 7), SyncInput.ParseChangesQuery([new("limit", "7")], TestCursors.Signer));
        var tampered = text[..5] + (text[5] == 'A' ? 'B' : 'A') + text[6..];
        Assert.False(SyncCursor.TryDecode(tampered, TestCursors.Signer, out _));
        Assert.False(SyncCursor.TryDecode(cursor.Encode(Paging.CursorSigner.FromSetting("another-key-that-is-long-enough-0123456789")), TestCursors.Signer, out _));
    }
}
