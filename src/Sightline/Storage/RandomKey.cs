using System.Security.Cryptography;

namespace Sightline.Storage;

/// <summary>Opaque keys and secrets: URL-safe base64 of fresh random bytes.</summary>
public static class RandomKey
{
    /// <summary>A 22-character object key (16 random bytes), the shape of every v2 key.</summary>
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(16));

    /// <summary>A 43-character secret (32 random bytes) for tokens and client secrets.</summary>
    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The SHA-256 of a high-entropy secret, as stored in place of the secret.</summary>
    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    public static bool IsKeyShaped(string? value) =>
        value is { Length: 22 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
