using Dapper;
using Sightline.Applications;
using Sightline.Storage;

namespace Sightline.Stac;

/// <summary>
/// The application that complaints filed through <c>/api/reports</c> without a token are recorded under (every complaint
/// names one, and STAC clients send no client_id). Made on first use and remembered in the settings table.
/// </summary>
public sealed class StacApplication(Database database, ApplicationStore applications)
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
            string? clientId;
            await using (var connection = await database.OpenAsync())
                clientId = await connection.QuerySingleOrDefaultAsync<string>("SELECT value FROM settings WHERE name = @SettingName", new { SettingName });
            var application = clientId is null ? null : await applications.FindAsync(clientId);
            if (application is null)
            {
                (application, _) = await applications.AddAsync("STAC API reports", [], allowImplicit: false, confidential: false);
                await using var write = await database.OpenAsync();
                await write.ExecuteAsync("INSERT OR REPLACE INTO settings (name, value) VALUES (@SettingName, @value)",
                    new { SettingName, value = application.ClientId });
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
