namespace Sightline.Access;

/// <summary>The OAuth scopes of the v2 API (spec §2.4), plus the first-party <c>mapillary:admin</c>.</summary>
public static class Scopes
{
    public const string MapillaryUser = "mapillary:user";
    public const string MapillaryAdmin = "mapillary:admin";
    public const string UserRead = "user:read";
    public const string UserWrite = "user:write";
    public const string UserEmail = "user:email";
    public const string PublicWrite = "public:write";
    public const string PublicUpload = "public:upload";
    public const string PrivateRead = "private:read";
    public const string PrivateWrite = "private:write";
    public const string PrivateUpload = "private:upload";
    public const string OrgRead = "org:read";
    public const string OrgWrite = "org:write";

    /// <summary>Every scope with the words a person reads on a consent page.</summary>
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        [MapillaryUser] = "act as the service's own app (first-party only)",
        [MapillaryAdmin] = "moderate the service (first-party only)",
        [UserRead] = "read your private profile information",
        [UserWrite] = "change your profile",
        [UserEmail] = "read your email address",
        [PublicWrite] = "change your public objects",
        [PublicUpload] = "upload public images on your behalf",
        [PrivateRead] = "read your private objects",
        [PrivateWrite] = "change your private objects",
        [PrivateUpload] = "upload private images on your behalf",
        [OrgRead] = "read your organizations and projects",
        [OrgWrite] = "change your organizations and projects",
    };

    public static bool IsKnown(string scope) => Descriptions.ContainsKey(scope);

    /// <summary>Splits a space-separated scope list; throws naming the first unknown scope.</summary>
    public static IReadOnlyList<string> Parse(string? list)
    {
        var scopes = (list ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).ToList();
        var unknown = scopes.FirstOrDefault(s => !IsKnown(s));
        if (unknown is not null)
            throw new ArgumentException($"unknown scope '{unknown}'; known scopes: {string.Join(", ", Descriptions.Keys)}");
        return scopes;
    }
}
