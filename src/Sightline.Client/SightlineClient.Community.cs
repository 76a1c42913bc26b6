using Sightline.Client.Http;
using Sightline.Client.Models;

namespace Sightline.Client;

public sealed partial class SightlineClient
{
    /// <summary>An image's blurs in effect and its pending request (<c>GET /v2/im/{key}/b</c>).</summary>
    /// <param name="key">The image key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The blurs.</returns>
    [SightlineRoute("GET", "/v2/im/{key}/b")]
    public Task<ImageBlurs> GetImageBlursAsync(string key, CancellationToken cancellationToken = default) =>
        GetJsonAsync<ImageBlurs>("v2/im/" + Segment(key, nameof(key)) + "/b", null, cancellationToken);

    /// <summary>Files a blur request: the complete set of blurs wanted, existing ones that should stay included (<c>POST /v2/im/{key}/b</c>).</summary>
    /// <param name="key">The image key.</param>
    /// <param name="blurs">Every blur wanted.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The acknowledgement.</returns>
    /// <remarks><c>public:write</c> on a public image, <c>private:write</c> on a private one; one pending request per image.</remarks>
    [SightlineRoute("POST", "/v2/im/{key}/b")]
    public Task<WriteAcknowledgement> RequestBlursAsync(string key, IEnumerable<Blur> blurs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blurs);
        return WriteAsync(HttpMethod.Post, "v2/im/" + Segment(key, nameof(key)) + "/b", new { bs = blurs.ToList() }, repeatable: false, cancellationToken);
    }

    /// <summary>An image's blur record for moderation: the request under review if any, else the blurs in effect (<c>GET /v2/b/{key}</c>).</summary>
    /// <param name="imageKey">The image key (a blur's key is its image's).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The record.</returns>
    [SightlineRoute("GET", "/v2/b/{key}")]
    public Task<BlurRecord> GetBlurRecordAsync(string imageKey, CancellationToken cancellationToken = default) =>
        GetJsonAsync<BlurRecord>("v2/b/" + Segment(imageKey, nameof(imageKey)), null, cancellationToken);

    /// <summary>Approves the image's pending blur request, which then takes effect (<c>POST /v2/b/{key}</c>, <c>mapillary:admin</c>).</summary>
    /// <param name="imageKey">The image key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The acknowledgement.</returns>
    [SightlineRoute("POST", "/v2/b/{key}")]
    public Task<WriteAcknowledgement> ApproveBlursAsync(string imageKey, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Post, "v2/b/" + Segment(imageKey, nameof(imageKey)), null, repeatable: false, cancellationToken);

    /// <summary>Rejects the image's pending blur request (<c>DELETE /v2/b/{key}</c>, <c>mapillary:admin</c>).</summary>
    /// <param name="imageKey">The image key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The acknowledgement.</returns>
    [SightlineRoute("DELETE", "/v2/b/{key}")]
    public Task<WriteAcknowledgement> RejectBlursAsync(string imageKey, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Delete, "v2/b/" + Segment(imageKey, nameof(imageKey)), null, repeatable: false, cancellationToken);

    /// <summary>An image's comments, oldest first (<c>GET /v2/im/{key}/cm</c>).</summary>
    /// <param name="key">The image key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The comments.</returns>
    [SightlineRoute("GET", "/v2/im/{key}/cm")]
    public async Task<IReadOnlyList<ImageComment>> GetImageCommentsAsync(string key, CancellationToken cancellationToken = default) =>
        (await GetJsonAsync<CommentsEnvelope>("v2/im/" + Segment(key, nameof(key)) + "/cm", null, cancellationToken).ConfigureAwait(false)).Cms ?? [];

    /// <summary>Comments on an image (<c>POST /v2/im/{key}/cm</c>); <c>public:write</c> on a public image, <c>private:write</c> on a private one.</summary>
    /// <param name="key">The image key.</param>
    /// <param name="text">1 to 2000 characters of plain text, stored exactly.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The acknowledgement.</returns>
    [SightlineRoute("POST", "/v2/im/{key}/cm")]
    public Task<WriteAcknowledgement> PostCommentAsync(string key, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return WriteAsync(HttpMethod.Post, "v2/im/" + Segment(key, nameof(key)) + "/cm", new { cm = text }, repeatable: false, cancellationToken);
    }

    /// <summary>One comment, with the key of its image (<c>GET /v2/cm/{key}</c>).</summary>
    /// <param name="commentKey">The comment key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The comment.</returns>
    [SightlineRoute("GET", "/v2/cm/{key}")]
    public Task<Comment> GetCommentAsync(string commentKey, CancellationToken cancellationToken = default) =>
        GetJsonAsync<Comment>("v2/cm/" + Segment(commentKey, nameof(commentKey)), null, cancellationToken);

    /// <summary>Removes a comment (<c>DELETE /v2/cm/{key}</c>): by its author or the image's owner with the matching write scope, or an administrator.</summary>
    /// <param name="commentKey">The comment key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The acknowledgement.</returns>
    [SightlineRoute("DELETE", "/v2/cm/{key}")]
    public Task<WriteAcknowledgement> DeleteCommentAsync(string commentKey, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Delete, "v2/cm/" + Segment(commentKey, nameof(commentKey)), null, repeatable: true, cancellationToken);

    /// <summary>Complains about an image (<c>POST /v2/im/{key}/complain</c>); a <c>client_id</c> suffices, a token records the user.</summary>
    /// <param name="key">The image key.</param>
    /// <param name="text">What the complaint is about, 1 to 2000 characters.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The acknowledgement.</returns>
    [SightlineRoute("POST", "/v2/im/{key}/complain")]
    public Task<WriteAcknowledgement> ComplainAsync(string key, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return WriteAsync(HttpMethod.Post, "v2/im/" + Segment(key, nameof(key)) + "/complain", new { cm = text }, repeatable: false, cancellationToken);
    }

    /// <summary>One page of the moderators' complaints queue (<c>GET /v2/complaints</c>, <c>mapillary:admin</c>).</summary>
    /// <param name="state">Which complaints; open ones by default.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    [SightlineRoute("GET", "/v2/complaints")]
    public async Task<SightlinePage<Complaint>> ListComplaintsAsync(
        ComplaintState state = ComplaintState.Open, int page = 0, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        var query = new QueryString().Add("state", state.ToString().ToLowerInvariant()).Add("limit", limit).Add("page", page);
        var envelope = await GetJsonAsync<ComplaintsEnvelope>("v2/complaints", query, cancellationToken).ConfigureAwait(false);
        return new SightlinePage<Complaint> { Items = envelope.Complaints ?? [], More = envelope.More, Page = page };
    }

    /// <summary>Every complaint in the queue, page after page (<c>GET /v2/complaints</c>, <c>mapillary:admin</c>).</summary>
    /// <param name="state">Which complaints; open ones by default.</param>
    /// <param name="pageSize">Complaints per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The complaints.</returns>
    public IAsyncEnumerable<Complaint> EnumerateComplaintsAsync(ComplaintState state = ComplaintState.Open, int? pageSize = null, CancellationToken cancellationToken = default) =>
        EnumerateAsync((page, token) => ListComplaintsAsync(state, page, pageSize, token), cancellationToken);

    /// <summary>Resolves an open complaint (<c>POST /v2/complaints/{key}</c>, <c>mapillary:admin</c>): uphold hides the image everywhere.</summary>
    /// <param name="complaintKey">The complaint key.</param>
    /// <param name="decision">Uphold or dismiss.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The acknowledgement.</returns>
    [SightlineRoute("POST", "/v2/complaints/{key}")]
    public Task<WriteAcknowledgement> ResolveComplaintAsync(string complaintKey, ComplaintDecision decision, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Post, "v2/complaints/" + Segment(complaintKey, nameof(complaintKey)), null, repeatable: false, cancellationToken,
            new QueryString().Add("decision", decision == ComplaintDecision.Uphold ? "uphold" : "dismiss"));
}
