using Sightline.Search.Index;

namespace Sightline.Sequences;

/// <summary>
/// The compass angle a photo gets from its sequence when its camera gave none (spec §1.4: <c>ca</c> is a number, never
/// null): the direction of travel, as Mapillary computed it. A photo's course is the bearing from it to the next photo
/// of its sequence; the last photo's, from the previous photo to it; a sequence of one photo has course 0 (north).
/// Readers show the photo's own angle (EXIF <c>GPSImgDirection</c> or the uploader's <c>ca</c>) when it has one, and
/// the course otherwise.
/// </summary>
/// <remarks>
/// The storage keeps the course of every processed photo in a column of its own, beside the photo's own angle, and the
/// sequence assembly rewrites it for the photos around each one that joins or leaves a sequence (<see cref="Window"/>),
/// so the search index, tiles, STAC and takeout learn of it through the change feed like any other change.
/// Rounded to a tenth of a degree: finer is noise for a direction of travel, and few distinct values keep the tiles'
/// angle text cache effective.
/// </remarks>
public static class TravelDirection
{
    /// <summary>A photo of a sequence as far as its course needs: where it is and the course stored for it (null: none yet).</summary>
    public readonly record struct Member(long Id, double Lat, double Lon, double? Course);

    /// <summary>How many photos on each side of a change the assembly reads: enough to know every course it moves.</summary>
    public const int Window = 2;

    /// <summary>The course of the photo at <paramref name="index"/> of a run of photos in sequence order.</summary>
    /// <remarks>
    /// The run must hold the photo's successor when it has one, and its predecessor when it is the sequence's last.
    /// </remarks>
    public static double CourseAt(IReadOnlyList<Member> run, int index)
    {
        if (index + 1 < run.Count)
            return Rounded(Geodesy.BearingDegrees(run[index].Lat, run[index].Lon, run[index + 1].Lat, run[index + 1].Lon));
        if (index > 0)
            return Rounded(Geodesy.BearingDegrees(run[index - 1].Lat, run[index - 1].Lon, run[index].Lat, run[index].Lon));
        return 0;
    }

    /// <summary>
    /// The courses to write after a photo joined or left a sequence at the gap between <paramref name="before"/> and
    /// <paramref name="after"/>: the photos read around it, up to <see cref="Window"/> on each side, nearest first
    /// (<paramref name="joined"/> is the photo that joined; null when one left). Only courses that change are returned.
    /// </summary>
    /// <remarks>
    /// A course depends on the photo's successor, or for the last one on its predecessor; so a change moves at most the
    /// courses of the nearest photo before it, the photo that joined and the nearest photo after it (when that one is
    /// the last). The outer photos are read only to tell whether the nearest ones have a successor.
    /// </remarks>
    public static IReadOnlyList<(long Id, double Course)> Changed(IReadOnlyList<Member> before, Member? joined, IReadOnlyList<Member> after)
    {
        var run = new List<Member>(before.Count + 1 + after.Count);
        for (var i = before.Count - 1; i >= 0; i--)
            run.Add(before[i]);
        var first = before.Count > 0 ? before.Count - 1 : 0; // the nearest photo before the change
        if (joined is { } photo)
            run.Add(photo);
        run.AddRange(after);
        var last = Math.Min(run.Count - 1, before.Count + (joined is null ? 0 : 1)); // the nearest photo after it
        var changed = new List<(long, double)>(3);
        for (var i = first; i <= last; i++)
        {
            var course = CourseAt(run, i);
            if (run[i].Course != course)
                changed.Add((run[i].Id, course));
        }
        return changed;
    }

    private static double Rounded(double degrees)
    {
        var tenths = Math.Round(degrees, 1, MidpointRounding.AwayFromZero);
        return tenths >= 360 ? 0 : tenths;
    }
}
