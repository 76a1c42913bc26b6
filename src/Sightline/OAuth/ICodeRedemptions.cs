namespace Sightline.OAuth;

/// <summary>
/// Remembers which authorization codes were redeemed and which token each one produced, so a code
/// works once and a replay revokes what the first redemption issued (RFC 6749 §4.1.2, RFC 9700 §4.5).
/// </summary>
public interface ICodeRedemptions
{
    /// <summary>Claims the code for this redemption; false when it was redeemed before, and then the replay is recorded.</summary>
    Task<(bool First, long? EarlierTokenId)> ClaimAsync(string code);

    /// <summary>Records the token the first redemption issued; false when a replay arrived in between, so the caller revokes it.</summary>
    Task<bool> AttachTokenAsync(string code, long tokenId);
}
