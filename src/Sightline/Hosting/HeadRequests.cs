namespace Sightline.Hosting;

/// <summary>
/// HEAD is answered as GET without the body (RFC 9110 §9.3.2): same status, same headers, so a HEAD on
/// any GET route of the API, a file or a tile gets what the GET would. Routes are only mapped for GET,
/// so the method is switched before routing; Kestrel still knows the request was HEAD and writes no body.
/// </summary>
public static class HeadRequests
{
    public static Task AnswerAsGet(HttpContext context, RequestDelegate next)
    {
        if (HttpMethods.IsHead(context.Request.Method))
            context.Request.Method = HttpMethods.Get;
        return next(context);
    }
}
