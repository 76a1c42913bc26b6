using Dapper;
using Sightline.Images;

namespace Sightline.Storage.Postgres;

/// <summary>Reads images for the read endpoints: only processed ones are visible, and none hidden by an upheld complaint but to its owner.</summary>
public sealed class PostgresImageStore(PostgresDatabase database) : IImageStore
{
    private const string Select =
        """
        SELECT i.id, i.key, i.user_id AS UserId, u.username, i.project_id AS ProjectId, s.key AS SequenceKey, i.state AS StateName,
               i.content_hash AS ContentHash, i.lat, i.lon, coalesce(i.ca, i.course) AS ca, i.captured_at AS CapturedAt,
               i.orientation, i.width, i.height, i.derivative_version AS DerivativeVersion,
               i.camera_make AS CameraMake, i.camera_model AS CameraModel, i.focal_length AS FocalLength, i.focal_length_35mm AS FocalLength35mm
        FROM images i JOIN users u ON u.id = i.user_id LEFT JOIN sequences s ON s.id = i.sequence_id
        """;

    /// <summary>The processed image with this key that <paramref name="viewer"/> may see (its owner sees it hidden too); null otherwise.</summary>
    public async Task<Image?> FindVisibleAsync(string key, Viewer viewer)
    {
        await using var connection = await database.OpenAsync();
        var parameters = Visibility.Parameters(viewer);
        parameters.Add("key", key);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(
            $"{Select} WHERE i.key = @key AND i.state = 'done' AND (i.hidden_at IS NULL OR i.user_id = @ViewerId) AND {Visibility.VisibleCondition("i.project_id")}", parameters);
        return row?.ToImage();
    }

    /// <summary>The processed images with these ids that <paramref name="viewer"/> may see, in the order of <paramref name="ids"/>.</summary>
    public async Task<IReadOnlyList<Image>> FindVisibleAsync(IReadOnlyList<long> ids, Viewer viewer)
    {
        if (ids.Count == 0)
            return [];
        await using var connection = await database.OpenAsync();
        var parameters = Visibility.Parameters(viewer);
        parameters.Add("ids", ids.ToArray());
        var rows = await connection.QueryAsync<Row>(
            $"{Select} WHERE i.id = ANY(@ids) AND i.state = 'done' AND (i.hidden_at IS NULL OR i.user_id = @ViewerId) AND {Visibility.VisibleCondition("i.project_id")}", parameters);
        var byId = rows.ToDictionary(r => r.Id);
        return ids.Where(byId.ContainsKey).Select(id => byId[id].ToImage()).ToList();
    }

    /// <summary>The processed images of a sequence in capture order.</summary>
    public async Task<IReadOnlyList<Image>> InSequenceAsync(long sequenceId)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<Row>(
            $"{Select} WHERE i.sequence_id = @sequenceId AND i.state = 'done' AND i.hidden_at IS NULL ORDER BY i.captured_at, i.id", new { sequenceId });
        return rows.Select(r => r.ToImage()).ToList();
    }

    public async Task<bool> SetSelectedAsync(string key, bool selected, long now)
    {
        await using var connection = await database.OpenAsync();
        return selected
            ? await connection.ExecuteAsync(
                """
                INSERT INTO selected_images (image_id, selected_at)
                SELECT id, @now FROM images WHERE key = @key AND state = 'done' AND hidden_at IS NULL AND project_id IS NULL
                ON CONFLICT (image_id) DO NOTHING
                """, new { key, now }) > 0
              || await connection.ExecuteScalarAsync<long>(
                  "SELECT count(*) FROM selected_images s JOIN images i ON i.id = s.image_id WHERE i.key = @key", new { key }) > 0
            : await connection.ExecuteAsync(
                "DELETE FROM selected_images WHERE image_id = (SELECT id FROM images WHERE key = @key)", new { key }) > 0;
    }

    public async Task<IReadOnlyList<string>> SelectedKeysAsync()
    {
        await using var connection = await database.OpenAsync();
        var keys = await connection.QueryAsync<string>(
            "SELECT i.key FROM selected_images s JOIN images i ON i.id = s.image_id ORDER BY s.selected_at, i.key");
        return keys.AsList();
    }

    public async Task<string?> RandomSelectedKeyAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<string>(
            """
            SELECT i.key FROM selected_images s JOIN images i ON i.id = s.image_id
            WHERE i.state = 'done' AND i.hidden_at IS NULL AND i.project_id IS NULL
            ORDER BY random() LIMIT 1
            """);
    }

    internal sealed record Row
    {
        public long Id { get; init; }
        public string Key { get; init; } = "";
        public long UserId { get; init; }
        public string Username { get; init; } = "";
        public string? SequenceKey { get; init; }
        public long? ProjectId { get; init; }
        public string StateName { get; init; } = "";
        public string ContentHash { get; init; } = "";
        public double Lat { get; init; }
        public double Lon { get; init; }
        public double? Ca { get; init; }
        public long CapturedAt { get; init; }
        public long Orientation { get; init; }
        public long Width { get; init; }
        public long Height { get; init; }
        public long DerivativeVersion { get; init; }
        public string? CameraMake { get; init; }
        public string? CameraModel { get; init; }
        public double? FocalLength { get; init; }
        public double? FocalLength35mm { get; init; }

        public Image ToImage() => new()
        {
            Id = Id, Key = Key, UserId = UserId, Username = Username, SequenceKey = SequenceKey, ProjectId = ProjectId,
            State = ImageStates.Parse(StateName), ContentHash = ContentHash, Lat = Lat, Lon = Lon, Ca = Ca,
            CapturedAt = CapturedAt, Orientation = (int)Orientation, Width = (int)Width, Height = (int)Height,
            DerivativeVersion = (int)DerivativeVersion, Camera = new Camera(CameraMake, CameraModel, FocalLength, FocalLength35mm),
        };
    }
}
