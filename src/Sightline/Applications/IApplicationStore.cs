namespace Sightline.Applications;

/// <summary>Reads and writes applications; secrets are stored only as hashes.</summary>
public interface IApplicationStore
{
    /// <summary>
    /// Registers an application; the returned secret is shown once and never stored. <paramref name="implicitInQuery"/>
    /// answers the implicit flow in the redirect's query (legacy v2 clients, opt-in) instead of its fragment.
    /// </summary>
    Task<(Application Application, string? Secret)> AddAsync(
        string name, IReadOnlyCollection<string> redirectUris, bool allowImplicit = false, bool confidential = true, long? ownerUserId = null,
        bool implicitInQuery = false);

    Task<Application?> FindAsync(string clientId);

    Task<IReadOnlyList<string>> RedirectUrisAsync(long applicationId);

    /// <summary>Adds redirect URIs an application does not have yet (the web app's, as the server's addresses change).</summary>
    Task AddRedirectUrisAsync(long applicationId, IEnumerable<string> redirectUris);

    Task<bool> VerifySecretAsync(string clientId, string secret);

    /// <summary>Disables an application: its client_id and every token issued to it stop working at once.</summary>
    Task<bool> DisableAsync(string clientId);

    Task<long> CountAsync();

    /// <summary>Every application, by name (the admin CLI).</summary>
    Task<IReadOnlyList<Application>> ListAsync();

    /// <summary>Enables a disabled application again; false when there is no such application.</summary>
    Task<bool> EnableAsync(string clientId);

    /// <summary>
    /// A new secret for a confidential application, shown once; the old one stops working at once. Null when there is no
    /// such application; an ArgumentException for a public client, which has no secret.
    /// </summary>
    Task<string?> RotateSecretAsync(string clientId);
}
