using Sightline.Places;

namespace Sightline.Tests.Places;

/// <summary>The offline reverse geocoder behind every answer's <c>location</c> (spec §5 item 8).</summary>
public sealed class GazetteerTests
{
    [Theory]
    [InlineData(51.0543, 3.7174, "Gent, Belgium")]          // the demo's streets
    [InlineData(38.7118, -9.1300, "Lisbon, Portugal")]
    [InlineData(52.37, 4.89, "Amsterdam, Netherlands")]
    [InlineData(40.7580, -73.9855, "Hell's Kitchen, Manhattan")] // a district is named with its city, as "Mitte, Berlin"
    public void APhotoIsNamedAfterTheNearestPlace(double lat, double lon, string expected) =>
        Assert.Equal(expected, Gazetteer.Shared.LocationOf(lat, lon));

    [Theory]
    [InlineData(0, -30)]        // mid-Atlantic
    [InlineData(-89, 0)]        // Antarctica's interior
    [InlineData(double.NaN, 0)]
    [InlineData(0, double.PositiveInfinity)]
    public void FarFromEveryPlaceThereIsNoName(double lat, double lon) =>
        Assert.Null(Gazetteer.Shared.LocationOf(lat, lon));

    [Fact]
    public void EveryPhotoOfAStreetCornerGetsTheSameNameAndTheSameString()
    {
        var first = Gazetteer.Shared.LocationOf(51.05431, 3.71741);
        var second = Gazetteer.Shared.LocationOf(51.05433, 3.71744);
        Assert.Equal("Gent, Belgium", first);
        Assert.Same(first, second); // cached: a search's twenty hits allocate no new names
    }
}
