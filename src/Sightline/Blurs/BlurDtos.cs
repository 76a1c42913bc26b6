namespace Sightline.Blurs;

/// <summary>Wire shapes of blurs (spec §1.7 BL, §3.1 <c>/im/{key}/b</c>, §3.3 <c>/b/{key}</c>).</summary>
public static class BlurDtos
{
    public sealed record Item(string Type, double[] Rect);

    /// <summary><c>user</c> and <c>requesting_user</c> at the top level (spec §5 item 17); null when nobody.</summary>
    public sealed record ImageBlurs(IReadOnlyList<Item> Bs, IReadOnlyList<Item> Pbs, string? User, string? RequestingUser);

    public sealed record Record(IReadOnlyList<Item> Bs, string? User, bool Applied);

    public static List<Item> Items(IReadOnlyList<Blur> blurs) => blurs.Select(b => new Item(b.Type, b.Rect)).ToList();

    public static ImageBlurs ToImageBlurs(BlurRecord record) =>
        new(Items(record.Current), Items(record.Pending), record.DecidedBy, record.RequestedBy);

    /// <summary>
    /// The moderation view: the request under review when there is one (who filed it, not applied), otherwise
    /// the blurs in effect (who decided them, whether the thumbnails show them yet).
    /// </summary>
    public static Record ToRecord(BlurRecord record) => record.RequestedBy is not null
        ? new(Items(record.Pending), record.RequestedBy, Applied: false)
        : new(Items(record.Current), record.DecidedBy, record.Applied);
}
