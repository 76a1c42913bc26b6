namespace Sightline.Client.Models;

/// <summary>One page of a list: its items, whether another page exists, and which page this is (from 0).</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed record SightlinePage<T>
{
    /// <summary>The items of this page, in the server's order.</summary>
    public IReadOnlyList<T> Items { get; init; } = [];

    /// <summary>True when the server has another page after this one (<c>more</c>).</summary>
    public bool More { get; init; }

    /// <summary>This page's number, counted from 0 as the server does.</summary>
    public int Page { get; init; }
}

/// <summary>The answer to every successful write (spec §1.6): <c>{"code":"ok","message":"request performed","status":200}</c>.</summary>
public record WriteAcknowledgement
{
    /// <summary>Always <c>ok</c>.</summary>
    public string Code { get; init; } = "";

    /// <summary>Always <c>request performed</c>.</summary>
    public string Message { get; init; } = "";

    /// <summary>Always 200.</summary>
    public int Status { get; init; }
}

/// <summary>A box in WGS84 degrees: a search area, a sequence's <c>boundary</c>, a detection's box.</summary>
public sealed record BoundingBox
{
    /// <summary>Southern edge, degrees latitude.</summary>
    public double MinLat { get; init; }

    /// <summary>Western edge, degrees longitude.</summary>
    public double MinLon { get; init; }

    /// <summary>Northern edge, degrees latitude.</summary>
    public double MaxLat { get; init; }

    /// <summary>Eastern edge, degrees longitude.</summary>
    public double MaxLon { get; init; }

    /// <summary>A box from its four edges.</summary>
    /// <param name="minLat">Southern edge.</param>
    /// <param name="minLon">Western edge.</param>
    /// <param name="maxLat">Northern edge.</param>
    /// <param name="maxLon">Eastern edge.</param>
    public static BoundingBox Of(double minLat, double minLon, double maxLat, double maxLon) =>
        new() { MinLat = minLat, MinLon = minLon, MaxLat = maxLat, MaxLon = maxLon };
}

/// <summary>The wire envelope <c>{more, ims}</c> of the image searches.</summary>
internal sealed record ImsEnvelope<T>(bool More, IReadOnlyList<T>? Ims);
