namespace Sightline.Comments;

/// <summary>Wire shapes of comments (spec §3.1 <c>/im/{key}/cm</c>, §3.4 <c>/cm/{key}</c>).</summary>
public static class CommentDtos
{
    public sealed record ImageComments(IReadOnlyList<ImageComment> Cms);

    /// <summary>In an image's list the author is an object (spec §5 item 22).</summary>
    public sealed record ImageComment(string Comment, long CreatedAt, string Key, Author User);

    public sealed record Author(string Username, string Avatar);

    /// <summary>Alone, the author is a plain username and the image's key is <c>mkey</c>.</summary>
    public sealed record Single(string Comment, long CreatedAt, string Key, string Mkey, string User);

    public static ImageComment ToImageComment(Comment comment) =>
        new(comment.Text, comment.CreatedAt, comment.Key, new Author(comment.Username, Users.UserDtos.AvatarPath(comment.UserAvatar)));

    public static Single ToSingle(Comment comment) =>
        new(comment.Text, comment.CreatedAt, comment.Key, comment.ImageKey, comment.Username);

}
