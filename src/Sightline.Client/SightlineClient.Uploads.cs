using Sightline.Client.Models;

namespace Sightline.Client;

public sealed partial class SightlineClient
{
    /// <summary>
    /// Uploads a geotagged JPEG from a stream (<c>POST /v2/me/uploads/images/{key}</c>, <c>public:upload</c>; <c>private:upload</c>
    /// with a project). Answers once the original is stored; thumbnails and sequences follow.
    /// </summary>
    /// <param name="uploadKey">A key the uploader chooses (1-64 of <c>A-Za-z0-9_-</c>): sending the same key again is harmless, so retries are safe.</param>
    /// <param name="jpeg">The JPEG, read from its current position and left open. A seekable stream is rewound for a retry; another is sent once, and a 429 then comes back as its exception (with the wait asked for) instead of a retry.</param>
    /// <param name="options">Position, angle, time, project or signed policy; null for what the EXIF says.</param>
    /// <param name="progress">Told the bytes sent so far, after every chunk (from 0 on each attempt).</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The acknowledgement with the new image's key.</returns>
    [SightlineRoute("POST", "/v2/me/uploads/images/{key}")]
    public Task<UploadAccepted> UploadImageAsync(
        string uploadKey, Stream jpeg, UploadImageOptions? options = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        var start = jpeg.CanSeek ? jpeg.Position : 0;
        return SendJsonAsync<UploadAccepted>(HttpMethod.Post, "v2/me/uploads/images/" + Segment(uploadKey, nameof(uploadKey)),
            options?.ToQuery(), () => Rewound(jpeg, start, "image/jpeg", progress), repeatable: jpeg.CanSeek, cancellationToken, resendable: jpeg.CanSeek);
    }

    /// <summary>Uploads a geotagged JPEG file, as <see cref="UploadImageAsync"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="uploadKey">The upload key; by default one made from the file's name (<c>A-Za-z0-9_-</c> kept, the rest as <c>_</c>).</param>
    /// <param name="options">Position, angle, time, project or signed policy; null for what the EXIF says.</param>
    /// <param name="progress">Told the bytes sent so far, after every chunk.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The acknowledgement with the new image's key.</returns>
    public async Task<UploadAccepted> UploadImageFileAsync(
        string path, string? uploadKey = null, UploadImageOptions? options = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
        return await UploadImageAsync(uploadKey ?? UploadKeyOf(path), file, options, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One upload's state, so an upload tool can resume without sending bytes twice (<c>GET /v2/me/uploads/images/{key}</c>).</summary>
    /// <param name="uploadKey">The key the upload was sent with.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The state; not found when no such upload exists.</returns>
    [SightlineRoute("GET", "/v2/me/uploads/images/{key}")]
    public Task<UploadState> GetUploadAsync(string uploadKey, CancellationToken cancellationToken = default) =>
        GetJsonAsync<UploadState>("v2/me/uploads/images/" + Segment(uploadKey, nameof(uploadKey)), null, cancellationToken);

    /// <summary>Withdraws an upload: the image made from it and its files go (<c>DELETE /v2/me/uploads/images/{key}</c>, <c>public:upload</c>).</summary>
    /// <param name="uploadKey">The key the upload was sent with.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The acknowledgement.</returns>
    [SightlineRoute("DELETE", "/v2/me/uploads/images/{key}")]
    public Task<WriteAcknowledgement> DeleteUploadAsync(string uploadKey, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Delete, "v2/me/uploads/images/" + Segment(uploadKey, nameof(uploadKey)), null, repeatable: true, cancellationToken);

    /// <summary>Removes only an upload's stored original; the thumbnails stay (<c>DELETE /v2/me/uploads/images/{key}/file</c>, <c>public:upload</c>).</summary>
    /// <param name="uploadKey">The key the upload was sent with.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The acknowledgement.</returns>
    [SightlineRoute("DELETE", "/v2/me/uploads/images/{key}/file")]
    public Task<WriteAcknowledgement> DeleteUploadFileAsync(string uploadKey, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Delete, "v2/me/uploads/images/" + Segment(uploadKey, nameof(uploadKey)) + "/file", null, repeatable: true, cancellationToken);

    /// <summary>Signed upload policies that stand in for the token on public uploads until they expire (<c>GET /v2/me/uploads/secrets</c>, <c>public:upload</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The policies; pass them as <see cref="UploadImageOptions.Policy"/>.</returns>
    [SightlineRoute("GET", "/v2/me/uploads/secrets")]
    public Task<UploadSecrets> GetUploadSecretsAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<UploadSecrets>("v2/me/uploads/secrets", null, cancellationToken);

    /// <summary>Counts of the caller's uploads by state, and the most recent failures (<c>GET /v2/me/uploads/status</c>, <c>public:upload</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    [SightlineRoute("GET", "/v2/me/uploads/status")]
    public Task<UploadStatus> GetUploadStatusAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<UploadStatus>("v2/me/uploads/status", null, cancellationToken);

    /// <summary>An upload key from a file name: its characters outside <c>A-Za-z0-9_-</c> become <c>_</c>, at most 64 of them.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The key.</returns>
    public static string UploadKeyOf(string path)
    {
        var name = Path.GetFileName(path);
        var key = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray());
        return key.Length switch { 0 => "upload", > 64 => key[..64], _ => key };
    }
}
