using Microsoft.AspNetCore.Http.Features;

namespace Sightline.Contract;

/// <summary>
/// Makes a body the transport cannot read (a chunk size that overflows, which Kestrel reports as a bare
/// <see cref="IOException"/> rather than a <see cref="BadHttpRequestException"/>) the contract's 400
/// <c>parameter_invalid</c>, whichever handler reads it: a JSON body, an upload, an avatar, a form.
/// It also makes a form body the framework cannot decode (<c>%00</c>, a truncated multipart part, a value over the form limits)
/// the contract's 400 <c>parameter_invalid</c> in the endpoint's own form (JSON, both OAuth vocabularies, or an HTML
/// page), whoever reads it first: OpenIddict, antiforgery, a page or a comment call. Without this the framework's
/// <see cref="InvalidDataException"/> escaped as a 500. The form is still read lazily, by the handler, so the contract's
/// order of checks (scope before parameters) holds.
/// </summary>
public sealed class RequestBodyMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: false })
        {
            context.Request.Body = new GuardedBody(context.Request.Body, context);
            if (IsUrlEncodedForm(context.Request))
                context.Request.Body = new CheckedFormBody(context.Request.Body);
        }
        if (context.Request.HasFormContentType)
            context.Features.Set<IFormFeature>(new VettedForm(new FormFeature(context.Request, context.RequestServices
                .GetService<Microsoft.Extensions.Options.IOptions<FormOptions>>()?.Value ?? new FormOptions()), context));
        return next(context);
    }

    private static bool IsUrlEncodedForm(HttpRequest request) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A urlencoded form body checked as it is read (<see cref="Access.PercentEncoding"/> in its form mode): the framework
    /// decodes invalid UTF-8 to U+FFFD without complaint, so a comment of <c>cm=%FF%FE</c> would be stored as two replacement
    /// characters where the same bytes in the query are refused. The refusal is an <see cref="InvalidDataException"/>, which
    /// <see cref="VettedForm"/> answers as the form's parameter_invalid, whoever reads the form; once refused, it stays refused
    /// (a reader that buffered the body and rewinds meets the same refusal).
    /// </summary>
    private sealed class CheckedFormBody(Stream inner) : Stream
    {
        private readonly Access.PercentEncoding check = new(form: true);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Checked(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!check.WellFormed)
                throw Refusal();
            var read = await inner.ReadAsync(buffer, cancellationToken);
            return Checked(buffer.Span[..read]);
        }

        private int Checked(ReadOnlySpan<byte> read)
        {
            if (!(read.IsEmpty ? check.End() : check.Feed(read)))
                throw Refusal();
            return read.Length;
        }

        private static InvalidDataException Refusal()
        {
            var refusal = new InvalidDataException("The form is not percent-encoded UTF-8 text.");
            refusal.Data[typeof(CheckedFormBody)] = true;
            return refusal;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>
    /// Whether <paramref name="error"/> is the refusal of a urlencoded body that is not percent-encoded UTF-8 text. The form
    /// readers answer it as their malformed form; any other reader of such a body (none reads one today) meets
    /// ContractMiddleware's parameter_invalid.
    /// </summary>
    public static bool IsMalformedForm(Exception error) => error is InvalidDataException && error.Data.Contains(typeof(CheckedFormBody));

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

    /// <summary>The request body, read through; an unreadable one is <c>parameter_invalid</c> naming <c>body</c>.</summary>
    private sealed class GuardedBody(Stream inner, HttpContext context) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return inner.Read(buffer, offset, count);
            }
            catch (IOException e) when (Unreadable(e))
            {
                throw Refusal();
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (IOException e) when (Unreadable(e))
            {
                throw Refusal();
            }
        }

        // The framework's own refusals (a body over the limit, a malformed chunk it names) keep their answers in
        // ContractMiddleware; a caller that went away needs none.
        private bool Unreadable(IOException e) => e is not BadHttpRequestException && !context.RequestAborted.IsCancellationRequested;

        private static ApiException Refusal() => ApiException.Invalid("body", "could not be read: its transfer encoding is malformed");

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
