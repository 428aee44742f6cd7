using Emoty.LocalHost.Functions;
using Microsoft.AspNetCore.Routing.Template;

namespace Emoty.LocalHost.Http;

/// <summary>
/// The HTTP functions' routes, matched with ASP.NET Core's own template machinery (inline
/// constraints, optional, default and catch-all parameters). More specific templates are tried
/// first, so <c>patterns/batch</c> wins over <c>patterns/{id}</c>; equal ones keep metadata order.
/// </summary>
internal sealed class RouteTable
{
    private readonly HttpRoute[] _routes;

    private RouteTable(HttpRoute[] routes) => _routes = routes;

    public IReadOnlyList<HttpRoute> Routes => _routes;

    public static RouteTable Build(IEnumerable<FunctionInfo> functions, string routePrefix, IInlineConstraintResolver constraintResolver)
    {
        var routes = new List<HttpRoute>();
        foreach (var function in functions)
        {
            if (function.Trigger is not { } trigger || !trigger.Is("httpTrigger"))
            {
                continue;
            }

            var route = (trigger.String("route") ?? function.Name).Trim('/');
            var template = string.IsNullOrEmpty(routePrefix) ? route : routePrefix + "/" + route;
            var parsed = TemplateParser.Parse(template);

            var defaults = new RouteValueDictionary();
            var constraints = new RouteConstraintBuilder(constraintResolver, template);
            foreach (var parameter in parsed.Parameters)
            {
                if (parameter.DefaultValue is not null)
                {
                    defaults[parameter.Name!] = parameter.DefaultValue;
                }

                if (parameter.IsOptional)
                {
                    constraints.SetOptional(parameter.Name!);
                }

                foreach (var constraint in parameter.InlineConstraints)
                {
                    constraints.AddResolvedConstraint(parameter.Name!, constraint.Constraint);
                }
            }

            var methods = trigger.Strings("methods");
            routes.Add(new HttpRoute(
                function,
                trigger.Name,
                template,
                new TemplateMatcher(parsed, defaults),
                constraints.Build().ToArray(),
                methods.Count == 0 ? null : methods.Select(m => m.ToUpperInvariant()).ToHashSet(StringComparer.OrdinalIgnoreCase),
                RoutePrecedence.ComputeInbound(parsed),
                routes.Count));
        }

        return new RouteTable(routes.OrderBy(r => r.Precedence).ThenBy(r => r.Order).ToArray());
    }

    /// <summary>The first route whose template, constraints and methods all accept the request.</summary>
    public RouteMatch Match(HttpContext context)
    {
        var path = context.Request.Path;
        var method = context.Request.Method;
        List<string>? allowed = null;
        foreach (var route in _routes)
        {
            var values = new RouteValueDictionary();
            if (!route.Matcher.TryMatch(path, values) || !ConstraintsAccept(route, context, values))
            {
                continue;
            }

            if (route.Methods is null || route.Methods.Contains(method))
            {
                return new RouteMatch(route, values, null);
            }

            (allowed ??= []).AddRange(route.Methods);
        }

        return new RouteMatch(null, null, allowed?.Distinct(StringComparer.OrdinalIgnoreCase).ToArray());
    }

    private static bool ConstraintsAccept(HttpRoute route, HttpContext context, RouteValueDictionary values)
    {
        foreach (var (name, constraint) in route.Constraints)
        {
            if (!constraint.Match(context, null, name, values, RouteDirection.IncomingRequest))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed record HttpRoute(
    FunctionInfo Function,
    string TriggerName,
    string Template,
    TemplateMatcher Matcher,
    KeyValuePair<string, IRouteConstraint>[] Constraints,
    IReadOnlySet<string>? Methods,
    decimal Precedence,
    int Order);

/// <summary>Either a route with its values, or nothing (404), or only other methods (405, with Allow).</summary>
internal readonly record struct RouteMatch(HttpRoute? Route, RouteValueDictionary? Values, IReadOnlyList<string>? AllowedMethods);
