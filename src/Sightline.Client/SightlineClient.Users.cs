using System.Net;
using System.Net.Http.Headers;
using Sightline.Client.Http;
using Sightline.Client.Models;

namespace Sightline.Client;

public sealed partial class SightlineClient
{
    /// <summary>Whether the server is up, its version and public counts (<c>GET /v2/status</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    [SightlineRoute("GET", "/v2/status")]
    [SightlineRoute("GET", "/v2/status/api", AliasOf = "/v2/status")]
    public Task<ServerStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<ServerStatus>("v2/status", null, cancellationToken);

    /// <summary>The token owner's profile (<c>GET /v2/me</c>, <c>user:read</c>; the email only with <c>user:email</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The profile.</returns>
    [SightlineRoute("GET", "/v2/me")]
    public Task<Me> GetMeAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<Me>("v2/me", null, cancellationToken);

    /// <summary>One page of the token owner's activity feed, newest first (<c>GET /v2/me/feed</c>, <c>user:read</c>).</summary>
    /// <param name="version">Only events of this version or lower.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    [SightlineRoute("GET", "/v2/me/feed")]
    public Task<SightlinePage<FeedEvent>> GetMyFeedAsync(long? version = null, int page = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        FeedPageAsync("v2/me/feed", version, page, limit, cancellationToken);

    /// <summary>The token owner's whole feed, page after page (<c>GET /v2/me/feed</c>).</summary>
    /// <param name="version">Only events of this version or lower.</param>
    /// <param name="pageSize">Events per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The events, newest first.</returns>
    public IAsyncEnumerable<FeedEvent> EnumerateMyFeedAsync(long? version = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        EnumerateAsync((page, token) => GetMyFeedAsync(version, page, pageSize, token), cancellationToken);

    /// <summary>Sets the token owner's profile picture (<c>PUT /v2/me/avatar</c>, <c>user:write</c>): cropped to its centre, 256×256.</summary>
    /// <param name="picture">The JPEG or PNG, at most 10 MiB; read from its current position and left open.</param>
    /// <param name="mediaType"><c>image/jpeg</c> or <c>image/png</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The acknowledgement.</returns>
    [SightlineRoute("PUT", "/v2/me/avatar")]
    [SightlineRoute("POST", "/v2/me/avatar", AliasOf = "/v2/me/avatar")]
    public Task<WriteAcknowledgement> SetAvatarAsync(Stream picture, string mediaType = "image/jpeg", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(picture);
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        var start = picture.CanSeek ? picture.Position : 0;
        return SendJsonAsync<WriteAcknowledgement>(HttpMethod.Put, "v2/me/avatar", null,
            () => Rewound(picture, start, mediaType, null), repeatable: picture.CanSeek, cancellationToken, resendable: picture.CanSeek);
    }

    /// <summary>A user's public profile and statistics (<c>GET /v2/u/{user}</c>).</summary>
    /// <param name="username">The username.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The profile.</returns>
    [SightlineRoute("GET", "/v2/u/{user}")]
    public Task<UserProfile> GetUserAsync(string username, CancellationToken cancellationToken = default) =>
        GetJsonAsync<UserProfile>("v2/u/" + Segment(username, nameof(username)), null, cancellationToken);

    /// <summary>One page of a user's activity feed, newest first (<c>GET /v2/u/{user}/feed</c>).</summary>
    /// <param name="username">The username whose feed is wanted.</param>
    /// <param name="version">Only events of this version or lower.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    [SightlineRoute("GET", "/v2/u/{user}/feed")]
    public Task<SightlinePage<FeedEvent>> GetUserFeedAsync(string username, long? version = null, int page = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        FeedPageAsync("v2/u/" + Segment(username, nameof(username)) + "/feed", version, page, limit, cancellationToken);

    /// <summary>A user's whole feed, page after page (<c>GET /v2/u/{user}/feed</c>).</summary>
    /// <param name="username">The username whose feed is wanted.</param>
    /// <param name="version">Only events of this version or lower.</param>
    /// <param name="pageSize">Events per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The events, newest first.</returns>
    public IAsyncEnumerable<FeedEvent> EnumerateUserFeedAsync(string username, long? version = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        EnumerateAsync((page, token) => GetUserFeedAsync(username, version, page, pageSize, token), cancellationToken);

    /// <summary>A user's profile picture (<c>GET /v2/u/{user}/profile.png</c>, following its redirect), or the default one.</summary>
    /// <param name="username">The username.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The 256×256 PNG; dispose it to release the connection.</returns>
    [SightlineRoute("GET", "/v2/u/{user}/profile.png")]
    public async Task<Stream> GetUserProfilePictureAsync(string username, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Get, BuildUri("v2/u/" + Segment(username, nameof(username)) + "/profile.png", null), null,
            repeatable: true, cancellationToken, HttpCompletionOption.ResponseHeadersRead, accept: "image/png").ConfigureAwait(false);
        // An HttpClient that follows redirects has already fetched the picture; one that does not hands us the 302.
        if (response.StatusCode != HttpStatusCode.Redirect)
            return new ResponseStream(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        using (response)
        {
            var location = response.Headers.Location
                ?? throw new SightlineApiException(302, SightlineErrorCode.Unknown, null, "HTTP 302 without a Location header.");
            return await GetStreamAsync(location.IsAbsoluteUri ? location : new Uri(root, location.OriginalString.TrimStart('/')),
                "image/png", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A profile picture by the relative avatar path that <see cref="Me.Avatar"/>, comments and user searches give (<c>GET /{id}/profile.png</c>).</summary>
    /// <param name="avatarPath">The path, e.g. <c>7f31c0aa92de41b0c35e8d11/profile.png</c> or <c>default/profile.png</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The PNG; dispose it to release the connection.</returns>
    public Task<Stream> GetProfilePictureFileAsync(string avatarPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(avatarPath);
        var id = avatarPath.TrimStart('/');
        if (id.EndsWith("/profile.png", StringComparison.Ordinal))
            id = id[..^"/profile.png".Length];
        return GetStreamAsync(BuildUri(Segment(id, nameof(avatarPath)) + "/profile.png", null, withClient: false), "image/png", cancellationToken);
    }

    /// <summary>Usernames starting with <paramref name="match"/>, case-insensitively, alphabetical (<c>GET /v2/search/u</c>).</summary>
    /// <param name="match">The prefix, 1 to 64 characters.</param>
    /// <param name="limit">How many at most; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The matches.</returns>
    [SightlineRoute("GET", "/v2/search/u")]
    public async Task<IReadOnlyList<UserMatch>> SearchUsersAsync(string match, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        var list = await GetJsonAsync<MatchesEnvelope>("v2/search/u", new QueryString().Add("match", match).Add("limit", limit), cancellationToken)
            .ConfigureAwait(false);
        return list.Matches ?? [];
    }

    /// <summary>System totals: public images and metres mapped (<c>GET /v2/stats/im</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The totals.</returns>
    [SightlineRoute("GET", "/v2/stats/im")]
    public Task<ImageStats> GetImageStatsAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<ImageStats>("v2/stats/im", null, cancellationToken);

    /// <summary>Contributor rankings per ISO week and overall (<c>GET /v2/stats/toplist</c>).</summary>
    /// <param name="countryName">A lower-case English country name, e.g. <c>belgium</c>; the whole world when null.</param>
    /// <param name="limit">Users per list; the server's default (10) when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The rankings.</returns>
    [SightlineRoute("GET", "/v2/stats/toplist")]
    [SightlineRoute("GET", "/v2/stats/im/toplist", AliasOf = "/v2/stats/toplist")]
    public Task<Toplist> GetToplistAsync(string? countryName = null, int? limit = null, CancellationToken cancellationToken = default) =>
        GetJsonAsync<Toplist>("v2/stats/toplist", new QueryString().Add("cname", countryName).Add("limit", limit), cancellationToken);

    /// <summary>Everything the token owner uploaded, as a ZIP streamed by the server (<c>GET /v2/me/takeout</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ZIP (originals, GeoJSON of photos and sequences, GPX per sequence, comments); dispose it to release the connection.</returns>
    /// <remarks><c>user:read</c>, and <c>private:read</c> for private photos.</remarks>
    [SightlineRoute("GET", "/v2/me/takeout")]
    public Task<Stream> GetTakeoutAsync(CancellationToken cancellationToken = default) =>
        GetStreamAsync(BuildUri("v2/me/takeout", null), "application/zip", cancellationToken);

    private async Task<SightlinePage<FeedEvent>> FeedPageAsync(string path, long? version, int page, int? limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        var query = new QueryString().Add("version", version).Add("limit", limit).Add("page", page);
        var envelope = await GetJsonAsync<FeedEnvelope>(path, query, cancellationToken).ConfigureAwait(false);
        return new SightlinePage<FeedEvent> { Items = envelope.Feed ?? [], More = envelope.More, Page = page };
    }

    /// <summary>A body over <paramref name="source"/> from <paramref name="start"/>, for one attempt (so a retry sends the same bytes).</summary>
    private static HttpContent Rewound(Stream source, long start, string mediaType, IProgress<long>? progress)
    {
        if (source.CanSeek)
            source.Position = start;
        return new ProgressContent(source, mediaType, progress);
    }
}
