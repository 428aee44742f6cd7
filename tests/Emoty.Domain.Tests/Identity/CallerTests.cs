using Emoty.Domain.Identity;

namespace Emoty.Domain.Tests.Identity;

public class CallerTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7:51234")]
    [InlineData("203.0.113.7", " 203.0.113.7 ")]
    [InlineData("2001:db8::1", "[2001:db8::1]:443")]
    public void a_visitor_is_their_address_without_the_port_the_front_end_appended(string plain, string withPort) =>
        Assert.Equal(Caller.AnonymousFrom(plain).Viewer, Caller.AnonymousFrom(withPort).Viewer);

    [Fact]
    public void different_addresses_are_different_visitors_and_none_is_unknown()
    {
        Assert.NotEqual(Caller.AnonymousFrom("203.0.113.7").Viewer, Caller.AnonymousFrom("203.0.113.8").Viewer);
        Assert.Equal(Caller.AnonymousFrom(null).Viewer, Caller.AnonymousFrom("").Viewer);
        Assert.StartsWith("a:", Caller.AnonymousFrom("203.0.113.7").Viewer);
    }
}
