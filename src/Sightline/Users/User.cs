namespace Sightline.Users;

/// <summary>A person with an account: uploader, commenter, the owner of tokens.</summary>
public sealed record User
{
    public long Id { get; init; }
    public string Uuid { get; init; } = "";
    public string Username { get; init; } = "";
    public string Email { get; init; } = "";
    public string About { get; init; } = "";
    /// <summary>Hex id of the user's picture; null when the user has none.</summary>
    public string? Avatar { get; init; }
    public long CreatedAt { get; init; }
    /// <summary>An administrator: the only kind of user who may hold the mapillary:admin scope.</summary>
    public bool IsAdmin { get; init; }
    /// <summary>When an administrator disabled the account (epoch ms); null while it is enabled.</summary>
    public long? DisabledAt { get; init; }
    /// <summary>When the account was deleted (epoch ms): the row stays, emptied, for the comments that refer to it.</summary>
    public long? DeletedAt { get; init; }
    /// <summary>
    /// Copied into a sign-in session cookie; a session whose stamp is no longer this one is signed out. It moves on sign-out,
    /// a password change, disabling and deletion.
    /// </summary>
    public long SessionStamp { get; init; }
}
