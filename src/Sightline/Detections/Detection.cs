using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sightline.Contract;

namespace Sightline.Detections;

/// <summary>One machine detection: a package's class with its score in a rectangle of the upright image (spec §1.7 DR, §4.1).</summary>
public sealed partial record Detection(string Package, string Type, string Score, double XMin, double YMin, double XMax, double YMax)
{
    public const int MaxPerSubmission = 1000;

    public double ScoreValue => double.Parse(Score, CultureInfo.InvariantCulture);

    /// <summary>Reads a detector's <c>or_rects</c> for one package; every class must be one of the package's.</summary>
    public static IReadOnlyList<Detection> ParseSubmission(JsonElement body, string package, DetectionCatalogue catalogue)
    {
        if (!body.TryGetProperty("or_rects", out var list) || list.ValueKind == JsonValueKind.Null)
            throw ApiException.Missing("or_rects");
        if (list.ValueKind != JsonValueKind.Array)
            throw ApiException.Invalid("or_rects", "must be an array of {\"type\",\"score\",\"rect\"} (an empty array: the package found nothing)");
        if (list.GetArrayLength() > MaxPerSubmission)
            throw ApiException.Invalid("or_rects", $"must hold at most {MaxPerSubmission} detections");
        return list.EnumerateArray().Select((item, i) => Parse(item, $"or_rects[{i}]", package, catalogue)).ToList();
    }

    private static Detection Parse(JsonElement item, string name, string package, DetectionCatalogue catalogue)
    {
        if (item.ValueKind != JsonValueKind.Object)
            throw ApiException.Invalid(name, "must be an object with type, score and rect");
        var type = Text(item, "type", name);
        if (!catalogue.HasClass(package, type))
            throw ApiException.Invalid($"{name}.type", $"must be a class of {package}");
        var score = ReadScore(item, name);
        var rect = Rect(item, name);
        return new Detection(package, type, score, rect[0], rect[1], rect[2], rect[3]);
    }

    private static string Text(JsonElement item, string field, string name)
    {
        if (!item.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null || value is { ValueKind: JsonValueKind.String } && value.GetString() == "")
            throw ApiException.Missing($"{name}.{field}");
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw ApiException.Invalid($"{name}.{field}", "must be a string");
    }

    // A decimal string as the spec has it; a JSON number is taken by its text, so no digit is lost or added.
    private static string ReadScore(JsonElement item, string name)
    {
        if (!item.TryGetProperty("score", out var value) || value.ValueKind == JsonValueKind.Null)
            throw ApiException.Missing($"{name}.score");
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => "",
        };
        return DecimalPattern().IsMatch(text) ? text : throw ApiException.Invalid($"{name}.score", "must be a decimal number such as \"1.0417\"");
    }

    private static double[] Rect(JsonElement item, string name)
    {
        const string form = "must be [x_min,y_min,x_max,y_max], numbers from 0 to 1 with x_min < x_max and y_min < y_max";
        if (!item.TryGetProperty("rect", out var rect) || rect.ValueKind == JsonValueKind.Null)
            throw ApiException.Missing($"{name}.rect");
        if (rect.ValueKind != JsonValueKind.Array || rect.GetArrayLength() != 4 || rect.EnumerateArray().Any(n => n.ValueKind != JsonValueKind.Number))
            throw ApiException.Invalid($"{name}.rect", form);
        var n = rect.EnumerateArray().Select(e => e.GetDouble()).ToArray();
        if (n.Any(v => !double.IsFinite(v) || v < 0 || v > 1) || n[0] >= n[2] || n[1] >= n[3])
            throw ApiException.Invalid($"{name}.rect", form);
        return n;
    }

    // Detectors write scores with as many decimals as they like ("0.810551672189"); the text is kept as sent.
    [GeneratedRegex(@"^-?[0-9]{1,9}(\.[0-9]{1,30})?$")]
    private static partial Regex DecimalPattern();
}
