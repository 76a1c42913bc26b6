using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Sightline.Storage;

/// <summary>
/// Data Protection's key repository over <see cref="IDataProtectionKeyStore"/>. A server that kept its keys in the data
/// folder (<c>--data/keys</c>, before issue 10) has them imported on first use, so its people stay signed in.
/// </summary>
public sealed class StoredDataProtectionKeys(IDataProtectionKeyStore store, StorageOptions options, ILogger<StoredDataProtectionKeys> log) : IXmlRepository
{
    private readonly Lock importing = new();
    private bool imported;

    // Data Protection calls these synchronously, rarely (at start, when the ring is refreshed or a key is made).
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        ImportDataFolderKeys();
        return store.AllAsync().GetAwaiter().GetResult().Select(xml => XElement.Parse(xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ImportDataFolderKeys();
        store.AddAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting)).GetAwaiter().GetResult();
    }

    private void ImportDataFolderKeys()
    {
        lock (importing)
        {
            if (imported)
                return;
            imported = true;
            var folder = new DirectoryInfo(Path.Combine(options.DataDirectory, "keys"));
            // Once: a database that has keys already took them over (or never needed them).
            if (!folder.Exists || store.AllAsync().GetAwaiter().GetResult().Count > 0)
                return;
            var files = folder.GetFiles("*.xml");
            foreach (var file in files)
                store.AddAsync(Path.GetFileNameWithoutExtension(file.Name), XElement.Load(file.FullName).ToString(SaveOptions.DisableFormatting))
                    .GetAwaiter().GetResult();
            if (files.Length > 0)
                log.LogInformation("Imported {Count} Data Protection keys from the data folder's keys/ into the database", files.Length);
        }
    }
}
