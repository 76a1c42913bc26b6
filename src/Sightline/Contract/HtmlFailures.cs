namespace Sightline.Contract;

/// <summary>
/// Endpoint metadata of the pages a person sees in a browser: their failures keep the contract's status and
/// message but are written as HTML by <see cref="WriteAsync"/> (CONTRACT.md §1, last paragraph).
/// </summary>
public sealed record HtmlFailures(Func<HttpContext, int, string, Task> WriteAsync);
