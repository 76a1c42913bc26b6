namespace Sightline.Storage;

/// <summary>The database schema: brought up to date before a server or a command uses the stores.</summary>
public interface IStorageSchema
{
    /// <summary>Creates what is missing and applies every migration not yet applied (safe to call from several nodes at once).</summary>
    void Migrate();
}
