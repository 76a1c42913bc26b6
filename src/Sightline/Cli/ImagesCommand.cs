using System.CommandLine;
using Sightline.Images;

namespace Sightline.Cli;

/// <summary>
/// <c>sightline images select|unselect|selected</c>: the curated set <c>/v2/search/im/randomselected</c> draws from
/// (spec §5 item 45); while none of it is visible, that search draws from every public image.
/// </summary>
public static class ImagesCommand
{
    public static Command Create(TextReader input)
    {
        var keys = new Argument<string[]>("KEY") { Description = "Image keys", Arity = ArgumentArity.OneOrMore };
        var select = new Command("select", "Add public images to the set randomselected draws from") { keys };
        select.SetAction(CommandContext.Action(input, context => SetAsync(context, context.Value(keys), selected: true)));
        var unselectKeys = new Argument<string[]>("KEY") { Description = "Image keys", Arity = ArgumentArity.OneOrMore };
        var unselect = new Command("unselect", "Remove images from that set") { unselectKeys };
        unselect.SetAction(CommandContext.Action(input, context => SetAsync(context, context.Value(unselectKeys), selected: false)));
        var list = new Command("selected", "List the selected images");
        list.SetAction(CommandContext.Action(input, async context =>
        {
            var selected = await context.Store<IImageStore>().SelectedKeysAsync();
            foreach (var key in selected)
                context.Output.WriteLine(key);
            return context.Succeed($"{CommandContext.Counted(selected.Count, "image")} selected", new { keys = selected });
        }));
        return new Command("images", "Curate images") { select, unselect, list };
    }

    private static async Task<int> SetAsync(CommandContext context, string[] keys, bool selected)
    {
        var store = context.Store<IImageStore>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var key in keys)
            if (!await store.SetSelectedAsync(key, selected, now))
                return context.Fail(selected
                    ? $"no public, processed, visible image '{key}'"
                    : $"image '{key}' is not selected");
        return context.Succeed($"{CommandContext.Counted(keys.Length, "image")} {(selected ? "selected" : "unselected")}", new { keys });
    }
}
