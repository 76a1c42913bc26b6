using System.Text.RegularExpressions;

namespace Sightline.Users;

/// <summary>The rule for usernames: 2 to 32 of <c>[A-Za-z0-9_-]</c>.</summary>
public static partial class Usernames
{
    public const string Rule = "2 to 32 characters of A-Z, a-z, 0-9, '_' and '-'";

    [GeneratedRegex("^[A-Za-z0-9_-]{2,32}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string? username) => username is not null && Pattern().IsMatch(username);
}
