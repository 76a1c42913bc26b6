namespace Sightline.Uploads;

/// <summary>Wire shapes of the <c>/v2/me/uploads</c> group.</summary>
public static class UploadDtos
{
    /// <summary>The write acknowledgement (spec §1.6).</summary>
    public sealed record Acknowledgement(string Code = "ok", string Message = "request performed", int Status = 200);

    /// <summary>The write acknowledgement plus the key of the image the upload made.</summary>
    public sealed record Accepted(string Code, string Message, int Status, string ImageKey)
    {
        public static Accepted For(string imageKey) => new("ok", "request performed", 200, imageKey);
    }

    /// <summary>The signed upload policies (spec §3.5): the image one, and a video one that no upload accepts yet.</summary>
    public sealed record Secrets(string ImagesPolicy, string ImagesHash, string VideosPolicy, string VideosHash);

    public sealed record UploadState(string UploadKey, string ImageKey, string State, string? Failure);

    public sealed record UploadStatus(long Received, long Processing, long Done, long Failed, IReadOnlyList<UploadFailure> Failures);

    public sealed record UploadFailure(string UploadKey, string ImageKey, string Reason, long FailedAt);
}
