using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Sightline.Storage.S3;

/// <summary>Settings of an S3-compatible object store (configuration section <c>Storage:S3</c>).</summary>
public sealed class S3Options
{
    /// <summary>The endpoint of a store that is not AWS (MinIO, Ceph RGW, Garage, R2…); path-style addressing is then used.</summary>
    public string? ServiceUrl { get; set; }

    public string Region { get; set; } = "us-east-1";

    /// <summary>Unset: the AWS SDK's usual credential chain (environment, profile, instance role).</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>Answer thumbnail requests with a 302 to a presigned URL of the object instead of streaming it through the node.</summary>
    public bool RedirectThumbnails { get; set; }

    /// <summary>How long a presigned URL is valid.</summary>
    public int PresignSeconds { get; set; } = 3600;
}

/// <summary>
/// Objects in an S3-compatible store (<c>Storage:Blobs=s3://bucket/prefix</c>) through the AWS SDK for .NET. Bodies
/// are sent with a plain Content-Length (no aws-chunked framing) and checksums only where the operation requires them,
/// which every S3 peer accepts.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private readonly IAmazonS3 client;
    private readonly ScratchFiles scratch;
    private readonly S3Options options;

    public S3BlobStore(Uri location, S3Options options, ScratchFiles scratch)
    {
        Bucket = location.Host;
        Prefix = location.AbsolutePath.Trim('/') is { Length: > 0 } path ? path + "/" : "";
        this.options = options;
        this.scratch = scratch;
        var config = new AmazonS3Config
        {
            AuthenticationRegion = options.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 3,
        };
        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.ForcePathStyle = true;
        }
        else
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        client = options.AccessKey is { Length: > 0 } && options.SecretKey is { Length: > 0 }
            ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
    }

    public string Bucket { get; }
    public string Prefix { get; }

    private string Key(string key) => Prefix + key;

    public async Task WriteAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellation = default)
    {
        // The length must be known before the body is sent (no chunked framing): written to a scratch file first.
        using var file = scratch.Create();
        await using (var stream = file.OpenWrite())
            await write(stream, cancellation);
        await PutFileAsync(key, file.Path, cancellation);
    }

    public async Task<bool> AddFileAsync(string key, string localFile, CancellationToken cancellation = default)
    {
        try
        {
            if (await ExistsAsync(key, cancellation))
                return false;
            await PutFileAsync(key, localFile, cancellation);
            return true;
        }
        finally
        {
            File.Delete(localFile);
        }
    }

    private Task PutFileAsync(string key, string localFile, CancellationToken cancellation) =>
        client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = Key(key),
            FilePath = localFile,
            UseChunkEncoding = false,
            DisablePayloadSigning = false,
        }, cancellation);

    public async Task<Blob?> OpenReadAsync(string key, CancellationToken cancellation = default)
    {
        try
        {
            var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = Key(key) }, cancellation);
            return new Blob(response.ResponseStream, response.ContentLength, response.ETag);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellation = default)
    {
        try
        {
            await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = Key(key) }, cancellation);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellation = default) =>
        client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = Key(key) }, cancellation);

    public async Task DeletePrefixAsync(string prefix, CancellationToken cancellation = default)
    {
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = Key(prefix) };
        ListObjectsV2Response page;
        do
        {
            page = await client.ListObjectsV2Async(request, cancellation);
            foreach (var item in page.S3Objects ?? [])
                await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = item.Key }, cancellation);
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
    }

    public async IAsyncEnumerable<BlobEntry> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = Key(prefix) };
        ListObjectsV2Response page;
        do
        {
            page = await client.ListObjectsV2Async(request, cancellation);
            foreach (var item in page.S3Objects ?? [])
                yield return new BlobEntry(item.Key[Prefix.Length..], item.LastModified is { } at ? new DateTimeOffset(at.ToUniversalTime()) : DateTimeOffset.UtcNow);
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
    }

    /// <summary>With <see cref="S3Options.RedirectThumbnails"/>: a presigned URL, valid for <see cref="S3Options.PresignSeconds"/>.</summary>
    public string? DirectReadUrl(string key) => !options.RedirectThumbnails ? null :
        client.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = Bucket,
            Key = Key(key),
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow.AddSeconds(options.PresignSeconds),
            // The SDK presigns https unless told otherwise, even for a plain-http endpoint (a MinIO or s3rver on loopback).
            Protocol = options.ServiceUrl?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS,
        });

    public void Dispose() => client.Dispose();
}
