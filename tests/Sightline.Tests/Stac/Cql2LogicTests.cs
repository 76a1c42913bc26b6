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
}
