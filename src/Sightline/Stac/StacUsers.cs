using System.Collections.Concurrent;
using Sightline.Users;

namespace Sightline.Stac;

/// <summary>
/// The STAC API names users by their public uuid (as Panoramax does by account id); the index knows them by row id.
/// Uuids never change, so they are remembered once looked up.
/// </summary>
public sealed class StacUsers(IUserStore users)
{
    private readonly ConcurrentDictionary<long, string> uuids = new();

    public async ValueTask<string> UuidAsync(long userId)
    {
        if (uuids.TryGetValue(userId, out var uuid))
            return uuid;
        var user = await users.FindByIdAsync(userId);
        return uuids.GetOrAdd(userId, user?.Uuid ?? ""); // a user without a row is remembered too: "" (no account)
    }

    /// <summary>
    /// The uuid when it has been looked up already, else null. For the tile builder, which runs synchronously: its
    /// caller looks up the ones it lacked (<see cref="UuidAsync"/>, once per user and process) and builds again.
    /// </summary>
    public string? Known(long userId) => uuids.TryGetValue(userId, out var uuid) ? uuid : null;

    public async Task<User?> FindAsync(string uuid) => await users.FindByUuidAsync(uuid) is { DeletedAt: null } live ? live : null;
}
