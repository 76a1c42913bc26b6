using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Sightline.Storage;

namespace Sightline.OAuth;

/// <summary>
/// OpenIddict's signing and encryption keys, made once and kept in the settings store rather than made anew by every
/// process: a code issued by one node is redeemed at another, and a restart no longer voids codes not yet exchanged.
/// </summary>
public static class StoredKeys
{
    private const string SigningSetting = "oauth_signing_key";
    private const string EncryptionSetting = "oauth_encryption_key";

    /// <summary>Adds the stored keys to OpenIddict's options (made on first use; the first node to store one wins).</summary>
    public static void Configure(OpenIddictServerOptions server, ISettingStore settings)
    {
        server.SigningCredentials.Add(new SigningCredentials(Load(settings, SigningSetting), SecurityAlgorithms.RsaSha256));
        server.EncryptionCredentials.Add(new EncryptingCredentials(Load(settings, EncryptionSetting),
            SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
    }

    private static RsaSecurityKey Load(ISettingStore settings, string name)
    {
        // Options are built synchronously, once per process (OAuthWarmUp builds them beside the start).
        var stored = settings.GetAsync(name).GetAwaiter().GetResult();
        if (stored is null)
        {
            using var fresh = RSA.Create(2048);
            stored = settings.GetOrAddAsync(name, Convert.ToBase64String(fresh.ExportPkcs8PrivateKey())).GetAwaiter().GetResult();
        }
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(stored), out _);
        // A stable key id (of the public key), the same on every node.
        var id = Convert.ToHexStringLower(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
        return new RsaSecurityKey(rsa) { KeyId = id };
    }
}
