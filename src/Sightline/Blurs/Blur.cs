using System.Text.Json;
using Sightline.Contract;

namespace Sightline.Blurs;

/// <summary>One rectangle to blur on an image, normalized to the displayed image (top-left origin, 0 to 1).</summary>
public sealed record Blur(string Type, double XMin, double YMin, double XMax, double YMax)
{
    /// <summary>Kinds of blur: detected faces and plates, and rectangles drawn by a person (spec §1.7 BL).</summary>
    public const string Face = "face", License = "license", UserEdit = "useredit";

    public const int MaxPerRequest = 200;

    public double[] Rect => [XMin, YMin, XMax, YMax];

    /// <summary>
    /// Reads a request's <c>bs</c>: <c>type</c> face, license, useredit (or its alias user, spec §5 item 15); <c>rect</c>
    /// flat <c>[x_min,y_min,x_max,y_max]</c> or nested <c>[[x,y],[x,y]]</c> corner pairs, which are normalized (item 16).
    /// </summary>
    public static IReadOnlyList<Blur> ParseList(JsonElement body)
    {
        if (!body.TryGetProperty("bs", out var list) || list.ValueKind == JsonValueKind.Null)
            throw ApiException.Missing("bs");
        if (list.ValueKind != JsonValueKind.Array)
            throw ApiException.Invalid("bs", "must be an array of blurs {\"type\":..., \"rect\":[x_min,y_min,x_max,y_max]}");
        if (list.GetArrayLength() == 0)
            throw ApiException.Missing("bs");
        if (list.GetArrayLength() > MaxPerRequest)
            throw ApiException.Invalid("bs", $"must hold at most {MaxPerRequest} blurs");
        return list.EnumerateArray().Select((item, i) => Parse(item, $"bs[{i}]")).ToList();
    }

    private static Blur Parse(JsonElement item, string name)
    {
        if (item.ValueKind != JsonValueKind.Object)
            throw ApiException.Invalid(name, "must be an object with type and rect");
        if (!item.TryGetProperty("type", out var typeElement) || typeElement.ValueKind == JsonValueKind.Null)
            throw ApiException.Missing($"{name}.type");
        var type = typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null;
        type = type switch
        {
            Face or License or UserEdit => type,
            "user" => UserEdit,
            _ => throw ApiException.Invalid($"{name}.type", "must be one of face, license, useredit (or user)"),
        };
        if (!item.TryGetProperty("rect", out var rect) || rect.ValueKind == JsonValueKind.Null)
            throw ApiException.Missing($"{name}.rect");
        var (x0, y0, x1, y1) = Corners(rect, $"{name}.rect");
        return new Blur(type!, x0, y0, x1, y1);
    }

    private static (double, double, double, double) Corners(JsonElement rect, string name)
    {
        const string form = "must be [x_min,y_min,x_max,y_max] or [[x,y],[x,y]] with numbers from 0 to 1 and a non-empty area";
        if (rect.ValueKind != JsonValueKind.Array)
            throw ApiException.Invalid(name, form);
        var items = rect.EnumerateArray().ToList();
        double[] numbers;
        bool nested;
        if (items.Count == 4 && items.All(i => i.ValueKind == JsonValueKind.Number))
        {
            numbers = items.Select(i => i.GetDouble()).ToArray();
            nested = false;
        }
        else if (items.Count == 2 && items.All(i => i.ValueKind == JsonValueKind.Array && i.GetArrayLength() == 2 &&
                                                     i.EnumerateArray().All(n => n.ValueKind == JsonValueKind.Number)))
        {
            numbers = items.SelectMany(i => i.EnumerateArray().Select(n => n.GetDouble())).ToArray();
            nested = true;
        }
        else
        {
            throw ApiException.Invalid(name, form);
        }
        if (numbers.Any(n => !double.IsFinite(n) || n < 0 || n > 1))
            throw ApiException.Invalid(name, form);
        var (x0, y0, x1, y1) = (numbers[0], numbers[1], numbers[2], numbers[3]);
        if (nested)
            (x0, x1, y0, y1) = (Math.Min(x0, x1), Math.Max(x0, x1), Math.Min(y0, y1), Math.Max(y0, y1));
        if (x0 >= x1 || y0 >= y1)
            throw ApiException.Invalid(name, form);
        return (x0, y0, x1, y1);
    }

    public static string ToJson(IReadOnlyList<Blur> blurs) =>
        JsonSerializer.Serialize(blurs.Select(b => new Stored(b.Type, b.Rect)), ContractJson.Options);

    public static IReadOnlyList<Blur> FromJson(string json) =>
        (JsonSerializer.Deserialize<List<Stored>>(json, ContractJson.Options) ?? [])
            .Select(s => new Blur(s.Type, s.Rect[0], s.Rect[1], s.Rect[2], s.Rect[3])).ToList();

    private sealed record Stored(string Type, double[] Rect);
}
