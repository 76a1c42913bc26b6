using Sightline.Images;

namespace Sightline.Comments;

/// <summary>Reads and writes comments; posting one also puts a <c>commented</c> event in the feed.</summary>
public interface ICommentStore
{
    Task<Comment> AddAsync(Image image, long userId, string text);

    /// <summary>The comments of an image, oldest first (the order of a conversation).</summary>
    Task<IReadOnlyList<Comment>> ForImageAsync(long imageId);

    /// <summary>The comment with this key if its image is processed, not hidden, and visible to <paramref name="viewer"/>.</summary>
    Task<Comment?> FindVisibleAsync(string key, Viewer viewer);

    /// <summary>Removes the comment and its feed event; false when another call removed it first.</summary>
    Task<bool> DeleteAsync(Comment comment);

    /// <summary>Ids of every image with at least one comment (the candidates of <c>/v2/search/im/cm</c>).</summary>
    Task<HashSet<int>> CommentedImageIdsAsync();

    /// <summary>The comments of these images, oldest first, by image id.</summary>
    Task<IReadOnlyDictionary<long, List<Comment>>> ForImagesAsync(IReadOnlyList<long> imageIds);
}
