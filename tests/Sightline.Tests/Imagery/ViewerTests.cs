using Sightline.Access;
using Sightline.Contract;
using Sightline.Images;

namespace Sightline.Tests.Imagery;

/// <summary>
/// How a viewer is refused an object it cannot see (CONTRACT.md §4): a project member without private:read is told the
/// scope, anyone else gets not_found, and an object that becomes visible while it is being looked up (an upload whose
/// processing finishes in between) is returned, not refused.
/// </summary>
public sealed class ViewerTests
{
    private sealed record Thing(string Name);

    private static readonly Viewer Member = new(UserId: 7, CanReadPrivate: false);

    [Fact]
    public async Task AnObjectVisibleOnlyWithTheScopeNamesTheScopeToAMember()
    {
        var error = await Assert.ThrowsAsync<ApiException>(() =>
            Member.FindOrRefuseAsync(v => Task.FromResult(v.CanReadPrivate ? new Thing("private") : null), "Thing 'x'"));
        Assert.Equal(ErrorCode.UserNotAuthenticated, error.Code);
        Assert.Contains(Scopes.PrivateRead, error.Message);
    }

    [Fact]
    public async Task AStrangerWithoutATokenGetsNotFound()
    {
        var error = await Assert.ThrowsAsync<ApiException>(() =>
            Viewer.Anonymous.FindOrRefuseAsync(v => Task.FromResult(v.CanReadPrivate ? new Thing("private") : null), "Thing 'x'"));
        Assert.Equal(ErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task AnObjectThatAppearsBetweenTheLooksIsReturned()
    {
        // The first look misses it (not processed yet), the next ones find it: it is public now, so no 401.
        var looks = 0;
        var found = await Member.FindOrRefuseAsync(_ => Task.FromResult(++looks == 1 ? null : new Thing("public")), "Thing 'x'");
        Assert.Equal("public", found.Name);
        Assert.Equal(3, looks);
    }
}
