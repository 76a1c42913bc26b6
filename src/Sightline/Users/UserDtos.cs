using System.Text.Json.Serialization;

namespace Sightline.Users;

/// <summary>Wire shapes of users (spec §3.5, §3.6, §3.7 /search/u).</summary>
public static class UserDtos
{
    public sealed record Me(
        string About, string Avatar, long MemberSince, string Username, string UserUuid,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Email);

    public sealed record Profile(
        string About, string Avatar, long DistanceAll, IReadOnlyList<HistogramDay> Histogram,
        long ImagesNoneProcessed, long ImagesHidden, long ImagesAll, string User, string UserUuid);

    public sealed record HistogramDay(long Day, long Count);

    public sealed record Match(
        string Username,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Avatar);

    public sealed record MatchList(IReadOnlyList<Match> Matches);

    /// <summary>The avatar as the relative <c>hex/profile.png</c> path used outside <c>/v2/u</c>; null when the user has none.</summary>
    public static string? RelativeAvatar(User user) => user.Avatar is null ? null : $"{user.Avatar}/profile.png";

    /// <summary>
    /// The avatar path where the spec types <c>avatar</c> as a string (<c>/v2/me</c>, comments): a user without a
    /// picture gets the default one, which <c>/default/profile.png</c> serves, rather than a null.
    /// </summary>
    public static string AvatarPath(string? avatar) => avatar is null ? "default/profile.png" : $"{avatar}/profile.png";
}
