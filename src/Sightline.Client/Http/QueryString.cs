using System.Globalization;
using System.Text;

namespace Sightline.Client.Http;

/// <summary>The query parameters of one call, in order, written the way the server parses them (invariant culture, escaped).</summary>
internal sealed class QueryString
{
    private readonly List<KeyValuePair<string, string>> pairs = [];

    public QueryString Add(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            pairs.Add(new(name, value));
        return this;
    }

    public QueryString Add(string name, long? value) =>
        value is { } number ? Add(name, number.ToString(CultureInfo.InvariantCulture)) : this;

    // "R" keeps every digit, so a coordinate survives the round trip exactly.
    public QueryString Add(string name, double? value) =>
        value is { } number ? Add(name, number.ToString("R", CultureInfo.InvariantCulture)) : this;

    public QueryString Add(string name, bool? value) =>
        value is { } flag ? Add(name, flag ? "true" : "false") : this;

    public QueryString Add(string name, DateTimeOffset? value) =>
        value is { } time ? Add(name, time.ToUnixTimeMilliseconds()) : this;

    /// <summary>Appends the pairs to <paramref name="text"/>, which holds a path and, when <paramref name="started"/>, a query already.</summary>
    public void AppendTo(StringBuilder text, bool started)
    {
        foreach (var (name, value) in pairs)
        {
            text.Append(started ? '&' : '?').Append(Uri.EscapeDataString(name)).Append('=').Append(Escaped(value));
            started = true;
        }
    }

    // A space as '+' (the form encoding the server reads in a query too): Uri.ToString() would show "%20" as a space, so
    // a URL handed to a browser as text (the /connect link's scope) would break at it; '+' itself is sent as "%2B".
    private static string Escaped(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);
}
