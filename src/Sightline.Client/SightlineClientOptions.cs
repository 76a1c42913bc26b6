namespace Sightline.Client;

/// <summary>Where a <see cref="SightlineClient"/> connects, as which application and user, and how hard it retries.</summary>
/// <remarks>Settable, so that <c>services.AddSightlineClient(options =&gt; ...)</c> and configuration binding can fill it in.</remarks>
public sealed class SightlineClientOptions
{
    /// <summary>The server's root, e.g. <c>https://sightline.example.org/</c>. Required.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The application's <c>client_id</c>, sent on every call. Required.</summary>
    public string? ClientId { get; set; }

    /// <summary>The application's secret, used only at the OAuth token and revocation endpoints; null for a public client (PKCE only).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The redirect URI registered for the application, used by the OAuth helper when a call names none.</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>A user's bearer token; calls that need a user fail with <see cref="SightlineErrorCode.UserNotAuthenticated"/> without it.</summary>
    /// <remarks>For a token per request (one per signed-in user), keep this null and use <see cref="SightlineClient.WithAccessToken"/>.</remarks>
    public string? AccessToken { get; set; }

    /// <summary>Retries after the first attempt for 429, 500 and network failures; 0 turns retrying off.</summary>
    /// <remarks>A 429 is retried for every call (the server refused it before doing anything). A 500 or a network failure
    /// is retried only for calls that are safe to repeat: reads, PUT and DELETE, uploads (their upload key makes a repeat
    /// harmless) and revocations; never for a comment, a complaint, a blur decision or a code exchange.</remarks>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first backoff delay for 500 and network failures; later ones grow exponentially, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest single wait; a 429 asking for longer is thrown rather than slept through.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for delays and HTTP-date <c>Retry-After</c> values; replaceable so tests need not sleep.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>A copy, so a client derived with another token never changes the options it came from.</summary>
    internal SightlineClientOptions Copy() => (SightlineClientOptions)MemberwiseClone();
}
