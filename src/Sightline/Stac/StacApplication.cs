using Sightline.Applications;
using Sightline.Storage;

namespace Sightline.Stac;

/// <summary>
/// The application that complaints filed through <c>/api/reports</c> without a token are recorded under (every complaint
/// names one, and STAC clients send no client_id). Made on first use and remembered as a setting.
/// </summary>
public sealed class StacApplication(ISettingStore settings, IApplicationStore applications)
{
    private const string SettingName = "stac_client_id";
    private readonly SemaphoreSlim gate = new(1, 1);
    private long? id;

    public async Task<long> IdAsync()
    {
        if (id is { } known)
            return known;
        await gate.WaitAsync();
        try
        {
            if (id is { } again)
                return again;
            var clientId = await settings.GetAsync(SettingName);
            var application = clientId is null ? null : await applications.FindAsync(clientId);
            if (application is null)
            {
                (application, _) = await applications.AddAsync("STAC API reports", [], allowImplicit: false, confidential: false);
                // Two nodes racing keep the first application registered; the other one stays unused.
                var kept = await settings.GetOrAddAsync(SettingName, application.ClientId);
                application = kept == application.ClientId ? application : await applications.FindAsync(kept) ?? application;
            }
            id = application.Id;
            return application.Id;
        }
        finally
        {
            gate.Release();
        }
    }
}
