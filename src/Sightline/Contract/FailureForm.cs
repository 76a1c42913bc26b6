namespace Sightline.Contract;

/// <summary>
/// Endpoint metadata of routes whose failures keep the contract's status and message but take another form than the
/// API's <c>{"code","message"}</c>: pages a person sees (HTML, CONTRACT.md §1, last paragraph) and the OAuth endpoints
/// (both vocabularies, CONTRACT.md §6). <see cref="ErrorResponse"/> hands such failures to <see cref="WriteAsync"/>.
/// </summary>
public sealed record FailureForm(Func<HttpContext, ErrorCode, string, Task> WriteAsync);
