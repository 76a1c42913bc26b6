using Sightline.Avatars;
using Sightline.Images;
using Sightline.Storage;
using Sightline.Uploads;
using Sightline.Users;

namespace Sightline.Me;

/// <summary>
/// Deletes an account (issue 13, GDPR): its photos go with it, files included, the way an upload is deleted one by one;
/// then the account is emptied (<see cref="IUserStore.EraseAsync"/>) and its picture removed; its comments stay, shown
/// as written by "deleted user". Used by <c>sightline users delete</c> and by the person themself on /settings.
/// </summary>
public sealed class AccountDeletion(IUserStore users, IUploadStore uploads, ImageFiles files, IBlobStore blobs)
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
            await files.DeleteDerivativesAsync(removed.Upload.ImageKey);
            await files.RemoveOriginalAsync(removed.Original);
        }
        if (await users.EraseAsync(userId) is { } avatar && AvatarStore.IsId(avatar))
            await blobs.DeleteAsync(AvatarStore.KeyOf(avatar));
        return removedPhotos;
    }
}
