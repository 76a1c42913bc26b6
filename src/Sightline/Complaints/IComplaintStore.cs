using Sightline.Contract;
using Sightline.Images;

namespace Sightline.Complaints;

/// <summary>Files, lists and resolves complaints; upholding one hides the image (and resolves its other open complaints).</summary>
public interface IComplaintStore
{
    public static readonly IReadOnlyList<string> States = ["open", "upheld", "dismissed"];

    /// <summary>Files a complaint; a user with an open complaint about the image already is refused (one each).</summary>
    Task<string> FileAsync(Image image, long? userId, long applicationId, string text);

    /// <summary>Complaints in <paramref name="state"/> (null: all), oldest first so the queue is worked in order.</summary>
    Task<IReadOnlyList<Complaint>> ListAsync(string? state, int limit, int offset);

    /// <summary>Resolves an open complaint; false when there is no open complaint with this key.</summary>
    Task<bool> ResolveAsync(string key, long moderatorId, ComplaintDecision decision);
}
