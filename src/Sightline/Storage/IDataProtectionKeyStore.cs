namespace Sightline.Storage;

/// <summary>
/// ASP.NET Data Protection's keys (what sign-in cookies and CSRF tokens are sealed with), kept in the database so every
/// node on it shares one key ring and a restart keeps it.
/// </summary>
public interface IDataProtectionKeyStore
{
    /// <summary>Every stored key, as the XML element Data Protection wrote.</summary>
    Task<IReadOnlyList<string>> AllAsync();

    /// <summary>Stores a key under its name (<c>key-&lt;id&gt;</c>) unless one of that name is stored already.</summary>
    Task AddAsync(string name, string xml);
}
