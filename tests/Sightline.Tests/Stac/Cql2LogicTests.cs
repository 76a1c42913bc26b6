using Sightline.Search.Index;
using Sightline.Stac;

namespace Sightline.Tests.Stac;

/// <summary>
/// CQL2's three-valued logic over the one queryable a photo may lack (view:azimuth): a comparison with a missing value is
/// unknown, NOT unknown is unknown, and a filter keeps only what is true (OGC 21-065, as SQL).
/// </summary>
public sealed class Cql2LogicTests
{
    private static readonly IndexedImage Facing = new() { StoredCa = 90, CapturedAt = 1_700_000_000_000 };
    private static readonly IndexedImage Undirected = new() { StoredCa = double.NaN, CapturedAt = 1_700_000_000_000 };

    private static (bool Facing, bool Undirected) Keeps(string filter)
    {
        // No string queryable below: the index, which only those read, is not needed.
        var test = Cql2Predicate.Compile(Cql2.ParseText(filter), null!);
        return (test(Facing), test(Undirected));
    }

    [Theory]
    [InlineData("\"view:azimuth\" > 45", true, false)]
    [InlineData("NOT \"view:azimuth\" > 45", false, false)] // unknown stays unknown under NOT
    [InlineData("NOT \"view:azimuth\" < 45", true, false)]
    [InlineData("\"view:azimuth\" NOT IN (10, 20)", true, false)]
    [InlineData("\"view:azimuth\" NOT BETWEEN 10 AND 20", true, false)]
    [InlineData("NOT (\"view:azimuth\" > 45 AND T_AFTER(datetime, TIMESTAMP('2030-01-01T00:00:00Z')))", true, true)] // unknown AND false is false
    [InlineData("NOT (\"view:azimuth\" > 45 OR T_AFTER(datetime, TIMESTAMP('2030-01-01T00:00:00Z')))", false, false)] // unknown OR false is unknown
    [InlineData("\"view:azimuth\" < 45 OR T_BEFORE(datetime, TIMESTAMP('2030-01-01T00:00:00Z'))", true, true)] // unknown OR true is true
    [InlineData("\"view:azimuth\" IS NULL", false, true)]
    [InlineData("NOT \"view:azimuth\" IS NULL", true, false)]
    public void AComparisonWithAMissingDirectionIsUnknown(string filter, bool keepsFacing, bool keepsUndirected) =>
        Assert.Equal((keepsFacing, keepsUndirected), Keeps(filter));

    // 123.4 has no exact single-precision form: the filter compares the angle as the item shows it.
    [Theory]
    [InlineData("\"view:azimuth\" = 123.4", true)]
    [InlineData("\"view:azimuth\" <= 123.4", true)]
    [InlineData("\"view:azimuth\" > 123.4", false)]
    [InlineData("\"view:azimuth\" BETWEEN 123.4 AND 123.4", true)]
    [InlineData("\"view:azimuth\" IN (123.4)", true)]
    public void AnAngleWithDecimalsIsComparedAsTheItemShowsIt(string filter, bool keeps) =>
        Assert.Equal(keeps, Cql2Predicate.Compile(Cql2.ParseText(filter), null!)(new IndexedImage { StoredCa = 123.4 }));

    // The photo above was taken at 2023-11-14T22:13:20Z: as an interval, it begins and ends at once (OGC 21-065, Table 7).
    [Theory]
    [InlineData("T_AFTER(datetime, INTERVAL('2023-01-01T00:00:00Z', '2023-11-14T22:13:19Z'))", true)]
    [InlineData("T_AFTER(datetime, INTERVAL('2023-01-01T00:00:00Z', '2023-11-14T22:13:20Z'))", false)]
    [InlineData("T_BEFORE(datetime, INTERVAL('2023-11-14T22:13:21Z', '..'))", true)]
    [InlineData("T_EQUALS(datetime, TIMESTAMP('2023-11-14T22:13:20Z'))", true)]
    [InlineData("T_EQUALS(datetime, TIMESTAMP('2023-11-14T22:13:21Z'))", false)]
    [InlineData("T_INTERSECTS(datetime, INTERVAL('2023-11-14T22:13:20Z', '2023-12-01T00:00:00Z'))", true)]
    [InlineData("T_INTERSECTS(datetime, INTERVAL('..', '2023-11-14T22:13:19Z'))", false)]
    [InlineData("T_DISJOINT(datetime, INTERVAL('..', '2023-11-14T22:13:19Z'))", true)]
    [InlineData("T_DISJOINT(datetime, TIMESTAMP('2023-11-14T22:13:20Z'))", false)]
    [InlineData("T_MEETS(datetime, INTERVAL('2023-11-14T22:13:20Z', '2024-01-01T00:00:00Z'))", true)]
    [InlineData("T_METBY(datetime, INTERVAL('2023-01-01T00:00:00Z', '2023-11-14T22:13:20Z'))", true)]
    [InlineData("T_STARTS(datetime, INTERVAL('2023-11-14T22:13:20Z', '2024-01-01T00:00:00Z'))", true)]
    [InlineData("T_FINISHES(datetime, INTERVAL('2023-01-01T00:00:00Z', '2023-11-14T22:13:20Z'))", true)]
    [InlineData("T_FINISHES(datetime, INTERVAL('2023-11-14T22:13:20Z', '2023-11-14T22:13:20Z'))", false)]
    [InlineData("t_during(datetime, interval('2023-01-01', '2024-01-01'))", true)]
    [InlineData("T_CONTAINS(datetime, INTERVAL('2023-01-01T00:00:00Z', '2024-01-01T00:00:00Z'))", false)] // an instant contains nothing
    [InlineData("T_OVERLAPS(datetime, INTERVAL('2023-01-01T00:00:00Z', '2024-01-01T00:00:00Z'))", false)]
    [InlineData("T_OVERLAPPEDBY(datetime, INTERVAL('2023-01-01T00:00:00Z', '2024-01-01T00:00:00Z'))", false)]
    [InlineData("T_STARTEDBY(datetime, TIMESTAMP('2023-11-14T22:13:20Z'))", false)]
    [InlineData("T_FINISHEDBY(datetime, TIMESTAMP('2023-11-14T22:13:20Z'))", false)]
    public void EveryTemporalFunctionTreatsThePhotosTimeAsAnInstant(string filter, bool keeps) =>
        Assert.Equal(keeps, Keeps(filter).Facing);

    // A date is "an instant with a granularity of a day" (OGC 21-065 §6): compared with the photo's time, it is its whole day.
    [Theory]
    [InlineData("T_INTERSECTS(datetime, DATE('2023-11-14'))", true)]
    [InlineData("T_INTERSECTS(datetime, DATE('2023-11-15'))", false)]
    [InlineData("T_DURING(datetime, DATE('2023-11-14'))", true)]
    [InlineData("T_EQUALS(datetime, DATE('2023-11-14'))", false)] // an instant is not a day
    [InlineData("T_AFTER(datetime, DATE('2023-11-13'))", true)]
    [InlineData("T_BEFORE(datetime, DATE('2023-11-14'))", false)]
    [InlineData("T_INTERSECTS(datetime, INTERVAL(DATE('2023-11-01'), DATE('2023-11-14')))", true)]
    [InlineData("datetime = DATE('2023-11-14')", true)]
    [InlineData("datetime <> DATE('2023-11-14')", false)]
    [InlineData("datetime < DATE('2023-11-15')", true)]
    [InlineData("datetime < DATE('2023-11-14')", false)]
    [InlineData("datetime <= DATE('2023-11-14')", true)]
    [InlineData("datetime > DATE('2023-11-14')", false)]
    [InlineData("datetime > DATE('2023-11-13')", true)]
    [InlineData("datetime >= DATE('2023-11-14')", true)]
    [InlineData("datetime BETWEEN DATE('2023-11-14') AND DATE('2023-11-14')", true)]
    [InlineData("datetime IN (DATE('2023-11-10'), DATE('2023-11-14'))", true)]
    [InlineData("datetime = TIMESTAMP('2023-11-14T22:13:20Z')", true)]
    [InlineData("datetime > TIMESTAMP('2023-11-14T22:13:19Z')", true)]
    [InlineData("datetime <= TIMESTAMP('2023-11-14T22:13:19Z')", false)]
    public void ADateCoversItsWholeDay(string filter, bool keeps) =>
        Assert.Equal(keeps, Keeps(filter).Facing);

    [Fact]
    public void TemporalFunctionsReadTheSameFromCql2Json()
    {
        using var json = System.Text.Json.JsonDocument.Parse(
            """{"op": "t_intersects", "args": [{"property": "datetime"}, {"interval": ["2023-11-14T22:13:20Z", ".."]}]}""");
        Assert.True(Cql2Predicate.Compile(Cql2.ParseJson(json.RootElement), null!)(Facing));
        using var before = System.Text.Json.JsonDocument.Parse(
            """{"op": "t_metby", "args": [{"property": "datetime"}, {"interval": ["2023-01-01T00:00:00Z", "2023-11-14T22:13:19Z"]}]}""");
        Assert.False(Cql2Predicate.Compile(Cql2.ParseJson(before.RootElement), null!)(Facing));
        using var day = System.Text.Json.JsonDocument.Parse("""{"op": "=", "args": [{"property": "datetime"}, {"date": "2023-11-14"}]}""");
        Assert.True(Cql2Predicate.Compile(Cql2.ParseJson(day.RootElement), null!)(Facing));
        using var during = System.Text.Json.JsonDocument.Parse("""{"op": "t_intersects", "args": [{"property": "datetime"}, {"date": "2023-11-14"}]}""");
        Assert.True(Cql2Predicate.Compile(Cql2.ParseJson(during.RootElement), null!)(Facing));
    }
}
