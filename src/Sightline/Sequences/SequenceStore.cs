using Dapper;
using Sightline.Images;
using Sightline.Storage;

namespace Sightline.Sequences;

/// <summary>Reads sequences with their processed images.</summary>
public sealed class SequenceStore(Database database, ImageStore images)
{
    /// <summary>The sequence with this key, at least one processed image, and visible to <paramref name="viewer"/>; null otherwise.</summary>
    public async Task<Sequence?> FindVisibleAsync(string key, Viewer viewer)
    {
        await using var connection = await database.OpenAsync();
        var parameters = new DynamicParameters(viewer.Parameters);
        parameters.Add("key", key);
        var row = await connection.QuerySingleOrDefaultAsync<(long Id, long UserId)?>(
            $"SELECT id, user_id FROM sequences WHERE key = @key AND {Viewer.VisibleCondition("project_id")}", parameters);
        if (row is not { } found)
            return null;
        var members = await images.InSequenceAsync(found.Id);
        return members.Count == 0 ? null : new Sequence(found.Id, key, found.UserId, members);
    }
}
