namespace Sightline.Client;

/// <summary>Typed access to a Sightline server (placeholder until the client library lands).</summary>
public sealed class SightlineClient;
