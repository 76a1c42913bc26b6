namespace Sightline.Client.Models;

/// <summary>A sequence (spec §1.7 SQ): one continuous run of images, with one position and angle per image in order.</summary>
public sealed record Sequence
{
    /// <summary>The sequence key.</summary>
    public string Key { get; init; } = "";

    /// <summary>When its earliest image was taken, milliseconds since the Unix epoch.</summary>
    public long CapturedAt { get; init; }

    /// <summary>The image keys in sequence order.</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];

    /// <summary>One <c>[lon, lat]</c> position per image, in the same order.</summary>
    public IReadOnlyList<double[]> Coords { get; init; } = [];

    /// <summary>One compass angle per image (null where the photo had none), in the same order.</summary>
    public IReadOnlyList<double?> Cas { get; init; } = [];

    /// <summary>The box that encloses the whole sequence.</summary>
    public BoundingBox Boundary { get; init; } = new();
}

/// <summary>A sequence in the compact form of <c>/v2/search/s/ul</c>, for list views.</summary>
public sealed record CompactSequence
{
    /// <summary>Capture time, milliseconds since the Unix epoch (0 is possible).</summary>
    public long CapturedAt { get; init; }

    /// <summary>The sequence key.</summary>
    public string Key { get; init; } = "";

    /// <summary>The key of an image that stands for the sequence.</summary>
    public string Mkey { get; init; } = "";

    /// <summary>A place name, or null.</summary>
    public string? Location { get; init; }

    /// <summary>Whether the sequence is starred.</summary>
    public bool Starred { get; init; }

    /// <summary>The owner's username, or null.</summary>
    public string? User { get; init; }

    /// <summary>Number of views.</summary>
    public long Views { get; init; }
}

internal sealed record SequenceEnvelope<T>(bool More, IReadOnlyList<T>? Ss);
