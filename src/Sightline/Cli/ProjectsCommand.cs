using System.CommandLine;
using Sightline.Projects;

namespace Sightline.Cli;

/// <summary><c>sightline projects add|add-member</c>: private image collections.</summary>
public static class ProjectsCommand
{
    public static Command Create(TextReader input)
    {
        var key = new Option<string>("--key") { Description = $"Project key, {IProjectStore.KeyRule}", Required = true };
        var name = new Option<string>("--name") { Description = "Project name", Required = true };
        var owner = new Option<string>("--owner") { Description = "Username of the owner (also its first member)", Required = true };
        var add = new Command("add", "Add a project") { key, name, owner };
        add.SetAction(CommandContext.Action(input, async context =>
        {
            var project = await context.Store<IProjectStore>().AddAsync(context.Value(key), context.Value(name), context.Value(owner));
            return context.Succeed($"added project {project.Key}", new { key = project.Key, name = project.Name, owner = context.Value(owner) });
        }));

        var projectKey = new Argument<string>("KEY") { Description = "The project's key" };
        var username = new Argument<string>("USER") { Description = "Username of the new member" };
        var addMember = new Command("add-member", "Let a user read and upload to a project") { projectKey, username };
        addMember.SetAction(CommandContext.Action(input, async context =>
        {
            await context.Store<IProjectStore>().AddMemberAsync(context.Value(projectKey), context.Value(username));
            return context.Succeed($"added {context.Value(username)} to project {context.Value(projectKey)}",
                new { key = context.Value(projectKey), member = context.Value(username) });
        }));

        return new Command("projects", "Manage projects (private image collections)") { add, addMember };
    }
}
