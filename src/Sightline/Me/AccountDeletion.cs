using Sightline.Images;
using Sightline.Uploads;
using Sightline.Users;

namespace Sightline.Me;

/// <summary>
/// Deletes an account (issue 13, GDPR): its photos go with it, files included, the way an upload is deleted one by one;
/// then the account is emptied (<see cref="UserStore.EraseAsync"/>), and its comments stay, shown as "deleted user".
/// Used by <c>sightline users delete</c> and by the person themself on /settings.
/// </summary>
public sealed class AccountDeletion(UserStore users, UploadStore uploads, ImageFiles files)
{
    /// <summary>Returns how many photos went.</summary>
    public async Task<int> DeleteAsync(long userId)
    {
        var removedPhotos = 0;
        foreach (var key in await uploads.KeysOfUserAsync(userId))
        {
            if (await uploads.DeleteAsync(userId, key) is not { } removed)
                continue;
            removedPhotos++;
            files.DeleteDerivatives(removed.ImageKey);
            if (!await uploads.IsOriginalInUseAsync(removed.ContentHash))
                files.DeleteOriginal(removed.ContentHash);
        }
        await users.EraseAsync(userId);
        return removedPhotos;
    }
}
