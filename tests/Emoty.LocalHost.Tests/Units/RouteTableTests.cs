using Emoty.LocalHost.Functions;
using Emoty.LocalHost.Http;
using Emoty.LocalHost.Rpc;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Emoty.LocalHost.Tests.Units;

public sealed class RouteTableTests
{
    private static readonly IInlineConstraintResolver Constraints =
        new ServiceCollection().AddRouting().BuildServiceProvider().GetRequiredService<IInlineConstraintResolver>();

    [Fact]
    public void more_specific_templates_are_tried_first_and_equal_ones_keep_their_order()
    {
        var table = Table(("ById", "patterns/{id}", "get"), ("Batch", "patterns/batch", "get"), ("Again", "patterns/{other}", "get"));

        Assert.Equal(["Batch", "ById", "Again"], table.Routes.Select(r => r.Function.Name));
        Assert.Equal("Batch", Match(table, "GET", "/api/patterns/batch").Route?.Function.Name);
        Assert.Equal("ById", Match(table, "GET", "/api/patterns/7").Route?.Function.Name);
    }

    [Fact]
    public void optional_default_and_catch_all_parameters_match_like_aspnet_core()
    {
        var table = Table(("Optional", "a/{n:int?}", null), ("Default", "b/{kind=all}", null), ("CatchAll", "c/{*rest}", null));

        Assert.Equal("Optional", Match(table, "GET", "/api/a").Route?.Function.Name);
        Assert.Equal("5", Match(table, "GET", "/api/a/5").Values?["n"]);
        Assert.Null(Match(table, "GET", "/api/a/x").Route);
        Assert.Equal("all", Match(table, "GET", "/api/b").Values?["kind"]);
        Assert.Equal("x/y/z", Match(table, "GET", "/api/c/x/y/z").Values?["rest"]);
    }

    [Fact]
    public void route_prefix_and_function_name_default_apply()
    {
        var table = RouteTable.Build([Function("Health", route: null, "get")], "", Constraints);

        Assert.Equal("Health", Match(table, "GET", "/Health").Route?.Function.Name);
        Assert.Null(Match(table, "GET", "/api/Health").Route);
    }

    [Fact]
    public void a_matched_template_with_other_methods_reports_them()
    {
        var table = Table(("Read", "things/{id:guid}", "get"), ("Write", "things/{id:guid}", "put"));

        var match = Match(table, "DELETE", $"/api/things/{Guid.NewGuid()}");

        Assert.Null(match.Route);
        Assert.Equal(["GET", "PUT"], match.AllowedMethods!.Order());
        Assert.Null(Match(table, "DELETE", "/api/things/not-a-guid").AllowedMethods);
    }

    private static RouteTable Table(params (string Name, string Route, string? Method)[] routes) =>
        RouteTable.Build(routes.Select(r => Function(r.Name, r.Route, r.Method)), "api", Constraints);

    private static RouteMatch Match(RouteTable table, string method, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        return table.Match(context);
    }

    internal static FunctionInfo Function(string name, string? route, string? method)
    {
        var trigger = $$"""{"name":"req","type":"httpTrigger","direction":"In"{{(route is null ? "" : $",\"route\":\"{route}\"")}}{{(method is null ? "" : $",\"methods\":[\"{method}\"]")}}}""";
        return FunctionInfo.From(new RpcFunctionMetadata
        {
            Name = name,
            FunctionId = name,
            RawBindings = { trigger, """{"name":"$return","type":"http","direction":"Out"}""" },
        });
    }
}
