using System.CommandLine;
using Sightline.Complaints;
using Sightline.Users;

namespace Sightline.Cli;

/// <summary><c>sightline complaints list|resolve</c>: the moderators' queue without an API client.</summary>
public static class ComplaintsCommand
{
    public static Command Create(TextReader input)
    {
        var state = new Option<string>("--state") { Description = "open (default), upheld, dismissed or all", DefaultValueFactory = _ => "open" };
        var list = new Command("list", "List complaints, oldest first") { state };
        list.SetAction(CommandContext.Action(input, async context =>
        {
            var wanted = context.Value(state);
            if (wanted != "all" && !IComplaintStore.States.Contains(wanted))
                return context.Fail("--state must be open, upheld, dismissed or all");
            var complaints = await context.Store<IComplaintStore>().ListAsync(wanted == "all" ? null : wanted, 10_000, 0);
            foreach (var c in complaints)
                context.Output.WriteLine($"{c.Key}  image {c.ImageKey}  {c.State}  by {c.Username ?? "(no user)"}: {c.Text.ReplaceLineEndings(" ")}");
            return context.Succeed(CommandContext.Counted(complaints.Count, "complaint"), new
            {
                complaints = complaints.Select(c => new { key = c.Key, mkey = c.ImageKey, cm = c.Text, user = c.Username, state = c.State }),
            });
        }));

        var key = new Argument<string>("KEY") { Description = "The complaint's key" };
        var decision = new Option<string>("--decision") { Description = "uphold (hides the image) or dismiss", Required = true };
        var by = new Option<string>("--by") { Description = "Username of the administrator deciding", Required = true };
        var resolve = new Command("resolve", "Resolve an open complaint") { key, decision, by };
        resolve.SetAction(CommandContext.Action(input, async context =>
        {
            var chosen = context.Value(decision) switch
            {
                "uphold" => ComplaintDecision.Uphold,
                "dismiss" => ComplaintDecision.Dismiss,
                _ => (ComplaintDecision?)null,
            };
            if (chosen is null)
                return context.Fail("--decision must be uphold or dismiss");
            var moderator = await context.Store<IUserStore>().FindByUsernameAsync(context.Value(by));
            if (moderator is not { IsAdmin: true })
                return context.Fail($"'{context.Value(by)}' is not an administrator");
            if (!await context.Store<IComplaintStore>().ResolveAsync(context.Value(key), moderator.Id, chosen.Value))
                return context.Fail($"no open complaint '{context.Value(key)}'");
            return context.Succeed($"complaint {context.Value(key)}: {context.Value(decision)}", new { resolved = true });
        }));
        return new Command("complaints", "Review complaints about images") { list, resolve };
    }
}
