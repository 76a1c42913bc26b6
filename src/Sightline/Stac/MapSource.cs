using Sightline.Search.Index;

namespace Sightline.Stac;

/// <summary>
/// Where the STAC vector tiles read photos from: the seam that lets them move to whatever store the <c>/tiles</c>
/// generator uses (today both read the in-memory search index). Only public, unhidden photos are ever handed out.
/// </summary>
public interface IStacMapSource
{
    /// <summary>Calls the visitor for each public photo in the box; only one user's when <paramref name="userId"/> is given.</summary>
    void Scan<TVisitor>(GeoBox box, int? userId, ref TVisitor visitor) where TVisitor : struct, IndexState.IMatchVisitor;

    string? SequenceKey(int sequenceId);
}

/// <summary>The map source over the search index, as <c>/v2/search</c> and the <c>/tiles</c> layer see it.</summary>
public sealed class IndexMapSource(ImageIndex index) : IStacMapSource
{
    public void Scan<TVisitor>(GeoBox box, int? userId, ref TVisitor visitor) where TVisitor : struct, IndexState.IMatchVisitor =>
        index.Current().Scan(new ImageFilter { Areas = [box], UserId = userId }, ref visitor);

    public string? SequenceKey(int sequenceId) => index.SequenceKey(sequenceId);
}
