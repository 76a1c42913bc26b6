using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Sightline.Contract;
using Sightline.Detections;
using Sightline.Storage;
using Sightline.Storage.Sqlite;

namespace Sightline.Tests.Community;

/// <summary>
/// The detection-search filter (or_package, or_classes[], min_score) as the store applies it, against a brute-force
/// reference over the same random detections, and its parameter checks.
/// </summary>
public sealed class DetectionMatchingTests : IDisposable
{
    private readonly string data = Path.Combine(Path.GetTempPath(), "sightline-detections", Guid.NewGuid().ToString("N"));
    private readonly DetectionCatalogue catalogue = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }

    private static async Task<List<long>> AddImagesAsync(Database database, int count)
    {
        await using var connection = await database.OpenAsync();
        var user = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO users (uuid, username, email, password_hash, created_at) VALUES ('u', 'detector_test', 'd@example.org', 'x', 0) RETURNING id");
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
            ids.Add(await connection.ExecuteScalarAsync<long>(
                """
                INSERT INTO images (key, user_id, state, content_hash, lat, lon, captured_at, width, height, created_at, updated_at)
                VALUES (@key, @user, 'done', 'h', 0, 0, 0, 10, 10, 0, 0) RETURNING id
                """, new { key = RandomKey.New(), user }));
        return ids;
    }

    [Fact]
    public async Task StoreMatchesABruteForceReference()
    {
        var database = new Database(data);
        database.Migrate();
        var store = new SqliteDetectionStore(database, TimeProvider.System);
        var images = await AddImagesAsync(database, 60);
        var random = new Random(20261124);
        var packages = catalogue.Packages.Order(StringComparer.Ordinal).ToArray();
        var all = new Dictionary<long, List<Detection>>();
        foreach (var image in images)
            foreach (var package in packages.Where(_ => random.NextDouble() < 0.5))
            {
                var classes = catalogue.ClassesOf(package).Order(StringComparer.Ordinal).ToArray();
                var found = Enumerable.Range(0, random.Next(0, 4)).Select(_ =>
                {
                    var (x, y) = (random.NextDouble() * 0.8, random.NextDouble() * 0.8);
                    var score = (random.NextDouble() * 3).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
                    return new Detection(package, classes[random.Next(classes.Length)], score, x, y, x + 0.1, y + 0.1);
                }).ToList();
                await store.ReplaceAsync(image, package, found);
                all.TryAdd(image, []);
                all[image].AddRange(found);
            }

        string[] prefixPool = ["regulatory--", "warning--", "danger--", "prohibitory--maximum-speed-limit-", "regulatory--stop--us",
                               "mandatory--", "information--", "warning--pedestrian", "r", "nothing--", "REGULATORY--", "%", "_"];
        for (var round = 0; round < 200; round++)
        {
            var filter = new DetectionFilter(
                random.NextDouble() < 0.4 ? null : packages[random.Next(packages.Length)],
                Enumerable.Range(0, random.Next(0, 3)).Select(_ => prefixPool[random.Next(prefixPool.Length)]).Distinct().ToList(),
                random.NextDouble() < 0.4 ? null : Math.Round(random.NextDouble() * 3, 3));
            var candidates = images.Where(_ => random.NextDouble() < 0.7).ToList();
            var actual = await store.MatchingAsync(candidates, filter);
            var expected = candidates
                .Select(id => (id, found: all.GetValueOrDefault(id, []).Where(filter.Matches).ToList()))
                .Where(e => e.found.Count > 0)
                .ToDictionary(e => e.id, e => e.found);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (id, found) in expected)
                Assert.Equal(
                    found.Select(d => (d.Package, d.Type, d.Score, d.XMin)).OrderBy(d => d).ToList(),
                    actual[id].Select(d => (d.Package, d.Type, d.Score, d.XMin)).OrderBy(d => d).ToList());
            // Best score first within an image.
            foreach (var list in actual.Values)
                Assert.Equal(list.Select(d => d.ScoreValue).OrderByDescending(s => s), list.Select(d => d.ScoreValue));
        }
    }

    private DetectionFilter Parse(params (string Name, string[] Values)[] query) =>
        DetectionFilter.Parse(new QueryCollection(query.ToDictionary(q => q.Name, q => new StringValues(q.Values))), catalogue);

    [Fact]
    public void ParametersAreParsedAndCheckedNamingTheParameter()
    {
        var none = Parse();
        Assert.Equal((null, 0, null), (none.Package, none.ClassPrefixes.Count, none.MinScore));
        var filter = Parse(("or_package", ["trafficsign_us_3.0"]), ("or_classes[]", ["regulatory--no-", "warning--"]), ("min_score", ["1.5"]));
        Assert.Equal("trafficsign_us_3.0", filter.Package);
        Assert.Equal(["regulatory--no-", "warning--"], filter.ClassPrefixes);
        Assert.Equal(1.5, filter.MinScore);
        // The original's 1.0 names stand for the current package of their region (spec §5 item 27).
        Assert.Equal("trafficsign_us_3.0", Parse(("or_package", ["trafficsign_us_1.0"])).Package);

        foreach (var (query, parameter) in new (string Name, string Value, string Parameter)[]
                 {
                     ("or_package", "trafficsign_xx_1.0", "or_package"), ("min_score", "high", "min_score"),
                     ("min_score", "NaN", "min_score"), ("or_classes[]", new string('a', 201), "or_classes[]"),
                 }.Select(c => ((c.Name, new[] { c.Value }), c.Parameter)))
        {
            var error = Assert.Throws<ApiException>(() => Parse(query));
            Assert.Equal(ErrorCode.ParameterInvalid, error.Code);
            Assert.Contains(parameter, error.Message);
        }
    }
}
