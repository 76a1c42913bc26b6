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
        return user is null ? "" : uuids.GetOrAdd(userId, user.Uuid);
    }

    /// <summary>
    /// For the tile builder, which runs synchronously: the database behind <see cref="IUserStore"/> (SQLite) answers
    /// synchronously anyway, and each uuid is read once per process.
    /// </summary>
    public string Uuid(long userId) => uuids.TryGetValue(userId, out var uuid) ? uuid : UuidAsync(userId).AsTask().GetAwaiter().GetResult();

    public Task<User?> FindAsync(string uuid) => users.FindByUuidAsync(uuid);
}
