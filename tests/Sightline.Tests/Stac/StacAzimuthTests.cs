using Sightline.Tests.Search;
using static Sightline.Tests.Search.Reference;

namespace Sightline.Tests.Stac;

/// <summary>
/// An item's view:azimuth is the photo's angle as stored, whichever route finds it: a box search (from the search index)
/// says what the id search and the item endpoint (from the database) say, 123.4 and not 123.4000015258789.
/// </summary>
[Collection(SearchArchiveCollection.Name)]
public sealed class StacAzimuthTests(SearchArchive archive)
{
    [Fact]
    public async Task ABoxSearchShowsTheAngleAsTheItemDoes()
    {
        var photos = archive.Visible().Where(i => i.Ca is { } ca && (double)(float)ca != ca && Math.Abs(i.Lat) < 80).Take(5).ToList();
        Assert.Equal(5, photos.Count);
        foreach (var photo in photos)
        {
            var box = $"{F(photo.Lon)},{F(photo.Lat)},{F(photo.Lon)},{F(photo.Lat)}";
            foreach (var query in new[] { $"bbox={box}&limit=100", $"ids={photo.Key}" })
            {
                var found = (await archive.GetAsync($"/api/search?{query}")).GetProperty("features").EnumerateArray()
                    .Single(f => f.GetProperty("id").GetString() == photo.Key);
                Assert.Equal(photo.Ca!.Value, found.GetProperty("properties").GetProperty("view:azimuth").GetDouble());
            }
        }
    }
}
