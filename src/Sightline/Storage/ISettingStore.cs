namespace Sightline.Storage;

/// <summary>Named server-wide values made once and kept (signing keys, the demo application's client_id).</summary>
public interface ISettingStore
{
    Task<string?> GetAsync(string name);

    /// <summary>Stores <paramref name="value"/> unless the setting exists; returns the value that is kept (the first one when two race).</summary>
    Task<string> GetOrAddAsync(string name, string value);
}
