namespace Sightline.Projects;

/// <summary>A private collection of images: its images, sequences and files are visible only to its members.</summary>
public sealed record Project(long Id, string Key, string Name, long OwnerUserId);
