namespace Sightline.Client.Models;

/// <summary>The answer of <c>GET /v2/status</c>: whether the server is up, its version and how many users it holds.</summary>
public sealed record ServerStatus(string Code, string Message, int Status, string Version, long Users);
