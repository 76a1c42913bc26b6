using System.Text.RegularExpressions;
using Sightline.Users;

namespace Sightline.Projects;

/// <summary>Creates projects, manages their members, and answers "may this user see or upload to it?".</summary>
public interface IProjectStore
{
    public const string KeyRule = "1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'";

    private static readonly Regex KeyPattern = new("^[A-Za-z0-9_-]{1,64}$", RegexOptions.Compiled);

    public static bool IsKeyShaped(string? key) => key is not null && KeyPattern.IsMatch(key);

    /// <summary>Adds a project owned by (and with as first member) <paramref name="ownerUsername"/>.</summary>
    Task<Project> AddAsync(string key, string name, string ownerUsername);

    Task AddMemberAsync(string key, string username);

    Task<Project?> FindAsync(string key);

    Task<bool> IsMemberAsync(long projectId, long userId);

    /// <summary>The projects <paramref name="userId"/> is a member of (owned ones included), by key.</summary>
    Task<IReadOnlyList<Membership>> MembershipsAsync(long userId);
}
