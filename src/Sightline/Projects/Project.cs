namespace Sightline.Projects;

/// <summary>A private collection of images: its images, sequences and files are visible only to its members.</summary>
public sealed record Project(long Id, string Key, string Name, long OwnerUserId);

/// <summary>A project as one of its members sees it in their list: its key, name, owner and when it was made.</summary>
public sealed record Membership(string Key, string Name, string OwnerUsername, long CreatedAt);
