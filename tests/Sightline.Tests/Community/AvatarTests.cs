using System.Net;
using System.Net.Http.Headers;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;
using Vips = NetVips.Image;

namespace Sightline.Tests.Community;

/// <summary>POST|PUT /v2/me/avatar, GET /v2/u/{user}/profile.png (302) and GET /{id}/profile.png.</summary>
public sealed class AvatarTests : IAsyncLifetime
{
    private TestServer server = null!;
    private Member painter = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        painter = await Member.CreateAsync(server, "painter", "user:write user:read");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private static ByteArrayContent Picture(byte[] bytes, string type = "image/jpeg")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private async Task<string> RedirectTarget(string user)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        using var response = await http.GetAsync($"/v2/u/{user}/profile.png?client_id={painter.ClientId}");
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    [Fact]
    public async Task WithoutAPictureTheRedirectGoesToAGeneratedDefault()
    {
        Assert.Equal("/default/profile.png", await RedirectTarget("painter"));
        using var file = await server.Http.GetAsync("/default/profile.png"); // no client_id: a file
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
        using var png = Vips.NewFromBuffer(await file.Content.ReadAsByteArrayAsync());
        Assert.Equal((256, 256), (png.Width, png.Height));
    }

    [Fact]
    public async Task WithoutAPictureTheProfilesNameTheDefaultAsAString()
    {
        // spec §3.5 and §3.6 type avatar as a string: relative in /v2/me, an absolute URL in /v2/u (never null).
        Assert.Equal("default/profile.png", (await painter.GetJsonAsync("/v2/me")).GetProperty("avatar").GetString());
        var absolute = (await painter.GetJsonAsync("/v2/u/painter")).GetProperty("avatar").GetString()!;
        Assert.Equal(new Uri(server.BaseAddress, "/default/profile.png"), new Uri(absolute));
    }

    [Fact]
    public async Task AnUploadedPictureIsSquaredAndRedirectedToAndReplacesTheOldOne()
    {
        await Member.AcknowledgedAsync(await painter.SendAsync(HttpMethod.Post, "/v2/me/avatar", Picture(Photos.Jpeg(new PhotoSpec { Width = 600, Height = 400 }))));
        var first = await RedirectTarget("painter");
        Assert.Matches("^/[0-9a-f]{24}/profile.png$", first);
        using (var file = await server.Http.GetAsync(first))
        {
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            using var png = Vips.NewFromBuffer(await file.Content.ReadAsByteArrayAsync());
            Assert.Equal((256, 256), (png.Width, png.Height));
        }
        // /v2/me and the comment lists show the same relative path; /v2/u an absolute URL (spec §5 item 23).
        Assert.Equal(first.TrimStart('/'), (await painter.GetJsonAsync("/v2/me")).GetProperty("avatar").GetString());
        Assert.EndsWith(first, (await painter.GetJsonAsync("/v2/u/painter")).GetProperty("avatar").GetString());

        using var png2 = Vips.Black(300, 300, bands: 3).Cast(NetVips.Enums.BandFormat.Uchar);
        await Member.AcknowledgedAsync(await painter.SendAsync(HttpMethod.Put, "/v2/me/avatar", Picture(png2.PngsaveBuffer(), "image/png")));
        var second = await RedirectTarget("painter");
        Assert.NotEqual(first, second);
        await ContractAssert.Error(await server.Http.GetAsync(first), "not_found");
    }

    [Fact]
    public async Task APictureWhoseDecoderWarnsOfSomethingHarmlessIsTaken()
    {
        // Bytes between two markers: libjpeg warns and decodes every pixel. The strict first decode refuses the warning; the
        // picture is decoded again tolerating it (only data that ends early is refused).
        var jpeg = Photos.Jpeg(new PhotoSpec { Width = 96, Height = 64 });
        var sos = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]);
        var odd = jpeg[..sos].Concat(new byte[] { 0, 0, 0 }).Concat(jpeg[sos..]).ToArray();
        await Member.AcknowledgedAsync(await painter.SendAsync(HttpMethod.Post, "/v2/me/avatar", Picture(odd)));
        Assert.Matches("^/[0-9a-f]{24}/profile.png$", await RedirectTarget("painter"));
    }

    [Fact]
    public async Task SettingNeedsUserWrite()
    {
        var body = Photos.Jpeg(new PhotoSpec { Width = 64, Height = 64 });
        await ContractAssert.Error(await painter.Anonymous().SendAsync(HttpMethod.Post, "/v2/me/avatar", Picture(body)), "user_not_authenticated");
        var reader = await painter.WithScopesAsync("user:read public:write");
        Assert.Contains("user:write", await ContractAssert.Error(await reader.SendAsync(HttpMethod.Post, "/v2/me/avatar", Picture(body)), "user_not_authenticated"));
        Assert.Equal("/default/profile.png", await RedirectTarget("painter"));
    }

    [Fact]
    public async Task BadPicturesAndNames()
    {
        Assert.Contains("body", await ContractAssert.Error(await painter.SendAsync(HttpMethod.Post, "/v2/me/avatar", Picture([1, 2, 3, 4])), "parameter_invalid"));
        Assert.Contains("body", await ContractAssert.Error(await painter.SendAsync(HttpMethod.Post, "/v2/me/avatar", Picture([])), "parameter_missing"));
        Assert.Contains("body", await ContractAssert.Error(await painter.SendAsync(HttpMethod.Put, "/v2/me/avatar"), "parameter_missing"));
        Assert.Contains("body", await ContractAssert.Error(await painter.SendAsync(HttpMethod.Post, "/v2/me/avatar", Picture([], "image/gif")), "parameter_missing"));
        // Data that ends early (cut off, or a header claiming more than the scan holds) is refused, not stored half grey.
        var whole = Photos.NoisyJpeg(new PhotoSpec { Width = 400, Height = 300 });
        Assert.Contains("body", await ContractAssert.Error(await painter.SendAsync(HttpMethod.Post, "/v2/me/avatar", Picture(whole[..(whole.Length * 6 / 10)])), "parameter_invalid"));
        var claimed = Photos.WithClaimedSize(Photos.Jpeg(new PhotoSpec { Width = 64, Height = 48 }), 1600, 1200);
        Assert.Contains("body", await ContractAssert.Error(await painter.SendAsync(HttpMethod.Post, "/v2/me/avatar", Picture(claimed)), "parameter_invalid"));
        Assert.Equal("/default/profile.png", await RedirectTarget("painter"));
        Assert.Contains("body", await ContractAssert.Error(await painter.SendAsync(HttpMethod.Post, "/v2/me/avatar", Picture(Photos.Jpeg(new PhotoSpec()), "image/gif")), "parameter_invalid"));
        Assert.Contains("user", await ContractAssert.Error(await painter.SendAsync(HttpMethod.Get, "/v2/u/x/profile.png"), "parameter_invalid"));
        await ContractAssert.Error(await painter.SendAsync(HttpMethod.Get, "/v2/u/nobody_here/profile.png"), "not_found");
        await ContractAssert.Error(await server.Http.GetAsync("/v2/u/painter/profile.png"), "client_id_missing");
        await ContractAssert.Error(await server.Http.GetAsync("/0123456789abcdef01234567/profile.png"), "not_found");
        await ContractAssert.Error(await server.Http.GetAsync("/../profile.png"), "not_found");
        Assert.Equal("/default/profile.png", await RedirectTarget("painter"));
    }
}
