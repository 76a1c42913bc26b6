using Sightline.Applications;
using Sightline.Storage;

namespace Sightline.Demo;

/// <summary>The application a new data folder starts with, so a newcomer can call the API at once.</summary>
public static class DemoApplication
{
    private const string SettingName = "demo_client_id";

    /// <summary>Creates the demo application on a new data folder; returns its client_id either way.</summary>
    public static async Task<string> EnsureAsync(ISettingStore settings, IApplicationStore applications)
    {
        if (await settings.GetAsync(SettingName) is { } existing)
            return existing;
        var (application, _) = await applications.AddAsync(
            "Sightline demo", ["http://127.0.0.1:5080/demo/callback"], allowImplicit: false, confidential: false);
        return await settings.GetOrAddAsync(SettingName, application.ClientId);
    }
}
