using Emoty.Domain.Collections;
using Emoty.Domain.Json;
using Emoty.Domain.Patterns;
using Emoty.Domain.Sync;
using static Emoty.Domain.Tests.Patterns.PatternTestSupport;

namespace Emoty.Domain.Tests.Json;

public class RequestJsonTests
{
    [Theory]
    [InlineData("$", "$")]
    [InlineData("$.name", "name")]
    [InlineData("$.sequence.emojis[3].emoji", "sequence.emojis[3].emoji")]
    [InlineData("$['odd.name']", "odd.name")]
    [InlineData("$.operations[2]['a b'].c", "operations[2].a b.c")]
    public void serializer_paths_are_written_in_the_apis_style(string serializerPath, string apiPath) =>
        Assert.Equal(apiPath, RequestJson.PathOf(serializerPath));

    [Fact]
    public void a_member_given_twice_is_reported_at_the_callers_prefix()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf("""{"name":"x","sequence":["❤️"],"tags":["a"],"tags":[]}"""), "operations[2].pattern."));
        AssertError(errors, "operations[2].pattern.tags", "appears more than once");
        Assert.Single(errors);
    }

    [Fact]
    public void a_member_given_twice_inside_a_sync_operation_is_reported_at_its_full_path()
    {
        var errors = ValidationErrorsOf(() => SyncInput.ParseBatch(JsonOf("""
            {"client_id":"web","batch_id":"33333333-3333-4333-8333-333333333333","operations":[
              {"op_id":"11111111-1111-4111-8111-111111111111","type":"create","client_modified_at":"2026-11-25T09:51:51Z",
               "pattern":{"name":"x","sequence":{"emojis":[{"emoji":"🌅","emoji":"🌸","position":{"row":0,"col":0}}]}}}]}
            """)));
        AssertError(errors, "operations[0].pattern.sequence.emojis[0].emoji", "appears more than once");
    }

    [Fact]
    public void unknown_and_server_set_members_of_a_collection_are_all_named_at_once()
    {
        var errors = ValidationErrorsOf(() => CollectionInput.Parse(JsonOf("""{"name":"x","colour":"red","pattern_count":3,"version":2}"""), isCreate: true));
        AssertError(errors, "colour", "is not a known field");
        AssertError(errors, "pattern_count", "is set by the server");
        AssertError(errors, "version", "is set by the server");
    }

    [Fact]
    public void a_wrong_json_type_is_reported_beside_the_other_problems_rather_than_stopping_the_read()
    {
        var errors = ValidationErrorsOf(() => CollectionInput.Parse(JsonOf("""{"name":7,"is_public":"yes","parent_id":42,"color":"orange"}"""), isCreate: false));
        Assert.Equal(["name", "color", "is_public", "parent_id"], errors.Keys.ToArray());
    }
}
