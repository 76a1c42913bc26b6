using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Sightline.Storage;
using Sightline.Users;

namespace Sightline.Uploads;

/// <summary>
/// Signed upload policies (<c>GET /v2/me/uploads/secrets</c>): a base64 JSON policy naming the user (by the public
/// <c>user_uuid</c>, never the internal numeric id), its expiry and size limit, and its HMAC-SHA256, so that a camera or
/// upload tool can post photos without the bearer token. The signing key is made once per data folder and kept in the
/// settings table.
/// </summary>
public sealed class UploadPolicies(ISettingStore settings, IUserStore users, IOptions<UploadOptions> options, TimeProvider clock)
{
    private const string KeySetting = "upload_policy_key";
    private byte[]? key;

    /// <summary>
    /// What a policy allows: uploads as this user (its <c>user_uuid</c>), of at most this size, until this time (epoch
    /// ms), to this store, through this application. <see cref="Store"/> is absent from image policies (as in those issued
    /// before videos had one); <see cref="ClientId"/> from those issued before policies were bound to their application.
    /// </summary>
    public sealed record Policy(string UserUuid, long ExpiresAt, long MaxBytes,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Store = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientId = null);

    /// <summary>The store of the spec's <c>videos_policy</c>: signed like the image one, but no upload accepts it (no video uploads yet).</summary>
    public const string VideoStore = "videos";

    public async Task<(string Policy, string Hash)> IssueAsync(string userUuid, string clientId, string? store = null)
    {
        var expires = clock.GetUtcNow().AddHours(options.Value.PolicyLifetimeHours).ToUnixTimeMilliseconds();
        var json = JsonSerializer.SerializeToUtf8Bytes(new Policy(userUuid, expires, options.Value.MaxBytes, store, clientId), Contract.ContractJson.Options);
        var encoded = Convert.ToBase64String(json);
        return (encoded, await SignAsync(encoded));
    }

    /// <summary>The policy when it is signed by this server and not expired; null otherwise.</summary>
    public async Task<Policy?> VerifyAsync(string? encoded, string? hash)
    {
        if (string.IsNullOrEmpty(encoded) || string.IsNullOrEmpty(hash) || encoded.Length > 1024 || hash.Length != 64)
            return null;
        var expected = Encoding.ASCII.GetBytes(await SignAsync(encoded));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(hash.ToLowerInvariant())))
            return null;
        try
        {
            var policy = JsonSerializer.Deserialize<Policy>(Convert.FromBase64String(encoded), Contract.ContractJson.Options);
            return policy is { Store: null, UserUuid: not null } && policy.ExpiresAt > clock.GetUtcNow().ToUnixTimeMilliseconds() ? policy : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The user an image policy uploads as, with its size limit and the application it was issued to (null for a policy
    /// from before they were bound); null when the policy is not valid, or its user is deleted or disabled (as their tokens
    /// stop working at once, so does their policy).
    /// </summary>
    public async Task<(long UserId, long MaxBytes, string? ClientId)?> UploaderAsync(string? encoded, string? hash)
    {
        if (await VerifyAsync(encoded, hash) is not { } policy)
            return null;
        return await users.FindByUuidAsync(policy.UserUuid) is { DeletedAt: null, DisabledAt: null } user ? (user.Id, policy.MaxBytes, policy.ClientId) : null;
    }

    private async Task<string> SignAsync(string encoded)
    {
        key ??= await LoadKeyAsync();
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(encoded)));
    }

    private async Task<byte[]> LoadKeyAsync() =>
        Convert.FromBase64String(await settings.GetOrAddAsync(KeySetting, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
}
