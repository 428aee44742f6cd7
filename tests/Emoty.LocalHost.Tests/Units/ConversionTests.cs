using System.Text;
using Emoty.LocalHost.Bindings;
using Emoty.LocalHost.Http;
using Emoty.LocalHost.Rpc;

namespace Emoty.LocalHost.Tests.Units;

public sealed class ConversionTests
{
    [Fact]
    public void comma_joined_set_cookie_splits_between_cookies_but_not_inside_dates()
    {
        var cookies = HttpInvocation.SplitSetCookie("a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/,b=2, c=3; HttpOnly");

        Assert.Equal(["a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/", "b=2", "c=3; HttpOnly"], cookies);
    }

    [Fact]
    public void queue_output_arrays_become_one_message_per_element()
    {
        Assert.Equal(["x", "y"], Texts(new TypedData { Json = """["x","y"]""" }));
        Assert.Equal(["""{"a":1}""", "2"], Texts(new TypedData { Json = """[{"a":1},2]""" }));
        Assert.Equal(["""{"a":1}"""], Texts(new TypedData { Json = """{"a":1}""" }));
        Assert.Equal(["p", "q"], Texts(new TypedData { CollectionString = new CollectionString { String = { "p", "q" } } }));
        Assert.Equal(["plain"], Texts(new TypedData { String = "plain" }));
        Assert.Empty(Texts(new TypedData()));
    }

    private static IEnumerable<string> Texts(TypedData data) => OutputBindings.Messages(data).Select(b => Encoding.UTF8.GetString(b));
}
