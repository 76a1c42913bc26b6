using Microsoft.AspNetCore.Http.Features;

namespace Sightline.Contract;

/// <summary>
/// Makes a form body the framework cannot decode (<c>%00</c>, a truncated multipart part, a value over the form limits)
/// the contract's 400 <c>parameter_invalid</c> in the endpoint's own form (JSON, both OAuth vocabularies, or an HTML
/// page), whoever reads it first: OpenIddict, antiforgery, a page or a comment call. Without this the framework's
/// <see cref="InvalidDataException"/> escaped as a 500. The form is still read lazily, by the handler, so the contract's
/// order of checks (scope before parameters) holds.
/// </summary>
public sealed class FormBodyMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.HasFormContentType)
            context.Features.Set<IFormFeature>(new VettedForm(new FormFeature(context.Request, context.RequestServices
                .GetService<Microsoft.Extensions.Options.IOptions<FormOptions>>()?.Value ?? new FormOptions()), context));
        return next(context);
    }

    private sealed class VettedForm(FormFeature inner, HttpContext context) : IFormFeature
    {
        public bool HasFormContentType => inner.HasFormContentType;

        public IFormCollection? Form
        {
            get => inner.Form;
            set => inner.Form = value;
        }

        public IFormCollection ReadForm()
        {
            try
            {
                return inner.ReadForm();
            }
            catch (Exception e) when (Unreadable(e))
            {
                throw Refusal(e);
            }
        }

        public async Task<IFormCollection> ReadFormAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await inner.ReadFormAsync(cancellationToken);
            }
            catch (Exception e) when (Unreadable(e))
            {
                throw Refusal(e);
            }
        }

        private bool Unreadable(Exception e) =>
            e is InvalidDataException || (e is IOException && !context.RequestAborted.IsCancellationRequested);

        private static ApiException Refusal(Exception e) => e is InvalidDataException
            ? ApiException.Invalid("body", "must be a well-formed form: percent-encoded UTF-8 without control characters such as %00, within the form size limits")
            : ApiException.Invalid("body", "ended before the form was complete");
    }
}
