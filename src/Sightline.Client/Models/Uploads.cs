namespace Sightline.Client.Models;

/// <summary>The answer to an upload: the acknowledgement plus the key of the image it made.</summary>
public sealed record UploadAccepted : WriteAcknowledgement
{
    /// <summary>The new image's key (visible once processing is done).</summary>
    public string ImageKey { get; init; } = "";
}

/// <summary>One upload's state from <c>GET /v2/me/uploads/images/{key}</c>.</summary>
public sealed record UploadState
{
    /// <summary>The key the uploader chose.</summary>
    public string UploadKey { get; init; } = "";

    /// <summary>The image the upload made.</summary>
    public string ImageKey { get; init; } = "";

    /// <summary><c>received</c>, <c>processing</c>, <c>done</c> or <c>failed</c>.</summary>
    public string State { get; init; } = "";

    /// <summary>Why it failed, when it did.</summary>
    public string? Failure { get; init; }
}

/// <summary>The state of the caller's uploads from <c>GET /v2/me/uploads/status</c>.</summary>
public sealed record UploadStatus
{
    /// <summary>Uploads received and waiting.</summary>
    public long Received { get; init; }

    /// <summary>Uploads being processed.</summary>
    public long Processing { get; init; }

    /// <summary>Uploads done.</summary>
    public long Done { get; init; }

    /// <summary>Uploads that failed.</summary>
    public long Failed { get; init; }

    /// <summary>The most recent failures.</summary>
    public IReadOnlyList<UploadFailure> Failures { get; init; } = [];
}

/// <summary>An upload that failed, and why.</summary>
public sealed record UploadFailure
{
    /// <summary>The key the uploader chose.</summary>
    public string UploadKey { get; init; } = "";

    /// <summary>The image the upload would have made.</summary>
    public string ImageKey { get; init; } = "";

    /// <summary>Why it failed.</summary>
    public string Reason { get; init; } = "";

    /// <summary>When it failed, milliseconds since the Unix epoch.</summary>
    public long FailedAt { get; init; }
}

/// <summary>Signed upload policies from <c>GET /v2/me/uploads/secrets</c>; the image pair stands in for a token on uploads until it expires.</summary>
public sealed record UploadSecrets
{
    /// <summary>The image upload policy (base64 JSON).</summary>
    public string ImagesPolicy { get; init; } = "";

    /// <summary>Its signature.</summary>
    public string ImagesHash { get; init; } = "";

    /// <summary>The video upload policy (no video upload is accepted yet).</summary>
    public string VideosPolicy { get; init; } = "";

    /// <summary>Its signature.</summary>
    public string VideosHash { get; init; } = "";
}
