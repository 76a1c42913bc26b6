using Dapper;
using Sightline.Applications;
using Sightline.Storage;

namespace Sightline.Demo;

/// <summary>The application a new data folder starts with, so a newcomer can call the API at once.</summary>
public static class DemoApplication
{
    private const string SettingName = "demo_client_id";

    /// <summary>Creates the demo application on a new data folder; returns its client_id either way.</summary>
    public static async Task<string> EnsureAsync(Database database, ApplicationStore applications)
    {
        await using (var connection = await database.OpenAsync())
        {
            var existing = await connection.QuerySingleOrDefaultAsync<string>(
                "SELECT value FROM settings WHERE name = @SettingName", new { SettingName });
            if (existing is not null)
                return existing;
        }

        var (application, _) = await applications.AddAsync(
            "Sightline demo", ["http://127.0.0.1:5080/demo/callback"], allowImplicit: false, confidential: false);
        await using var write = await database.OpenAsync();
        await write.ExecuteAsync("INSERT INTO settings (name, value) VALUES (@SettingName, @value)",
            new { SettingName, value = application.ClientId });
        return application.ClientId;
    }
}
