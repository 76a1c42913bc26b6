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
    /// <summary>
    /// What a deletion did: <see cref="Deleted"/> with the <see cref="Photos"/> that went, or, when the photos were not to
    /// go, nothing, and <see cref="Photos"/> is how many the account has.
    /// </summary>
    public sealed record Outcome(bool Deleted, long Photos);

    // Rounds of listing and deleting before giving up: the account is disabled first, so one is enough (see DeleteAsync).
    private const int Rounds = 3;

    /// <summary>
    /// Deletes the account, with its photos when <paramref name="withPhotos"/>; without, only an account that has none
    /// (counted as it is erased, so a photo uploaded meanwhile is counted).
    /// </summary>
    public async Task<Outcome> DeleteAsync(User user, bool withPhotos)
    {
        if (!withPhotos)
        {
            var erasure = await users.EraseAsync(user.Id);
            if (erasure.PhotosLeft > 0)
                return new Outcome(false, erasure.PhotosLeft);
            await RemoveAvatarAsync(erasure.Avatar);
            return new Outcome(true, 0);
        }

        // Disabled first: its tokens, sessions and upload policies stop, and an upload let in before is refused when it comes
        // to be recorded (IUploadStore.AddAsync), so the photos listed after this are all the account will ever have: none
        // of them stays public under the emptied account, where nobody could delete it any more.
        await users.SetDisabledAsync(user.Id, disabled: true);
        long removedPhotos = 0;
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var key in await uploads.KeysOfUserAsync(user.Id))
            {
                if (await uploads.DeleteAsync(user.Id, key) is not { } removed)
                    continue;
                removedPhotos++;
                await files.DeleteDerivativesAsync(removed.Upload.ImageKey);
                await files.RemoveOriginalAsync(removed.Original);
            }
            var erasure = await users.EraseAsync(user.Id);
            if (erasure.PhotosLeft == 0)
            {
                await RemoveAvatarAsync(erasure.Avatar);
                return new Outcome(true, removedPhotos);
            }
        }
        throw new InvalidOperationException($"user {user.Id} still had photos after {Rounds} rounds of deleting them: the account stays disabled, not erased");
    }

    private async Task RemoveAvatarAsync(string? avatar)
    {
        if (avatar is not null && AvatarStore.IsId(avatar))
            await blobs.DeleteAsync(AvatarStore.KeyOf(avatar));
    }
}
