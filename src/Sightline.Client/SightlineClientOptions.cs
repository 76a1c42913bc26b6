namespace Sightline.Client;

/// <summary>Where a <see cref="SightlineClient"/> connects, as which application and user, and how hard it retries.</summary>
public sealed class SightlineClientOptions
{
    /// <summary>The server's root, e.g. <c>https://sightline.example.org/</c>.</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>The application's <c>client_id</c>, sent on every call.</summary>
    public required string ClientId { get; init; }

    /// <summary>A user's bearer token; calls that need a user fail with <see cref="SightlineErrorCode.UserNotAuthenticated"/> without it.</summary>
    public string? AccessToken { get; init; }

    /// <summary>Retries after the first attempt for 429, 500 and network failures; 0 turns retrying off.</summary>
    public int MaxRetryAttempts { get; init; } = 3;

    /// <summary>The first backoff delay for 500 and network failures; later ones grow exponentially, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest single wait; a 429 asking for longer is thrown rather than slept through.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for delays and HTTP-date <c>Retry-After</c> values; replaceable so tests need not sleep.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
