using Dapper;
using Sightline.Images;
using Sightline.Storage;

namespace Sightline.Sequences;

/// <summary>Reads sequences with their processed images.</summary>
public sealed class SequenceStore(Database database, ImageStore images)
{
    /// <summary>The sequence with this key and at least one processed image; null otherwise.</summary>
    public async Task<Sequence?> FindVisibleAsync(string key)
    {
        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<(long Id, long UserId)?>(
            "SELECT id, user_id FROM sequences WHERE key = @key", new { key });
        if (row is not { } found)
            return null;
        var members = await images.InSequenceAsync(found.Id);
        return members.Count == 0 ? null : new Sequence(found.Id, key, found.UserId, members);
    }
}
