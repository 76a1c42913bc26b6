namespace Sightline.Applications;

/// <summary>Reads and writes applications; secrets are stored only as hashes.</summary>
public interface IApplicationStore
{
    /// <summary>Registers an application; the returned secret is shown once and never stored.</summary>
    Task<(Application Application, string? Secret)> AddAsync(
        string name, IReadOnlyCollection<string> redirectUris, bool allowImplicit = false, bool confidential = true, long? ownerUserId = null);

    Task<Application?> FindAsync(string clientId);

    Task<IReadOnlyList<string>> RedirectUrisAsync(long applicationId);

    Task<bool> VerifySecretAsync(string clientId, string secret);

    /// <summary>Disables an application: its client_id and every token issued to it stop working at once.</summary>
    Task<bool> DisableAsync(string clientId);

    Task<long> CountAsync();
}
