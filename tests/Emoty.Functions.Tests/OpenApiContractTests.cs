using System.Reflection;
using System.Text.RegularExpressions;

namespace Emoty.Functions.Tests;

/// <summary>openapi.json and the functions' HTTP triggers describe the same routes, methods and operation ids.</summary>
public sealed partial class OpenApiContractTests
{
    private static string Metadata(string key) =>
        typeof(OpenApiContractTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>(method, /api/path with {name} parameters) → function name, from the build's functions.metadata.</summary>
    private static Dictionary<(string Method, string Path), string> FunctionRoutes()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(Metadata("FunctionsAppDirectory"), "functions.metadata")));
        var routes = new Dictionary<(string, string), string>();
        foreach (var function in metadata.RootElement.EnumerateArray())
        {
            foreach (var binding in function.GetProperty("bindings").EnumerateArray())
            {
                if (binding.GetProperty("type").GetString() != "httpTrigger")
                {
                    continue;
                }

                var route = binding.TryGetProperty("route", out var r) ? r.GetString()! : function.GetProperty("name").GetString()!;
                var path = "/api/" + Constraint().Replace(route, "{$1}");
                foreach (var method in binding.GetProperty("methods").EnumerateArray())
                {
                    routes.Add((method.GetString()!.ToLowerInvariant(), path), function.GetProperty("name").GetString()!);
                }
            }
        }

        return routes;
    }

    private static Dictionary<(string Method, string Path), string> DocumentedRoutes()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Metadata("RepositoryRoot"), "openapi.json")));
        Assert.Equal("3.1.0", document.RootElement.GetProperty("openapi").GetString());
        var routes = new Dictionary<(string, string), string>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                routes.Add((operation.Name, path.Name), operation.Value.GetProperty("operationId").GetString()!);
            }
        }

        return routes;
    }

    [Fact]
    public void every_http_function_is_documented_in_openapi_json()
    {
        var documented = DocumentedRoutes();
        var missing = FunctionRoutes().Where(r => !documented.ContainsKey(r.Key)).Select(r => $"{r.Key.Method} {r.Key.Path} ({r.Value})").ToList();
        Assert.True(missing.Count == 0, "Not in openapi.json: " + string.Join(", ", missing));
    }

    [Fact]
    public void openapi_json_documents_no_route_that_no_function_serves()
    {
        var served = FunctionRoutes();
        Assert.NotEmpty(served);
        var extra = DocumentedRoutes().Where(r => !served.ContainsKey(r.Key)).Select(r => $"{r.Key.Method} {r.Key.Path}").ToList();
        Assert.True(extra.Count == 0, "Documented but not served: " + string.Join(", ", extra));
    }

    [Fact]
    public void operation_ids_are_the_function_names()
    {
        var served = FunctionRoutes();
        foreach (var (route, operationId) in DocumentedRoutes())
        {
            if (served.TryGetValue(route, out var function))
            {
                Assert.Equal(function, operationId);
            }
        }
    }

    // {id:guid} → {id}; {version:int} → {version}; {*rest} → {rest}
    [GeneratedRegex(@"\{\*?([A-Za-z0-9_]+)(?::[^}]*)?\??\}")]
    private static partial Regex Constraint();
}
