using System.Globalization;
using Sightline.RateLimiting;
using StackExchange.Redis;

namespace Sightline.Storage.Redis;

/// <summary>
/// Token buckets in Redis, shared by every node: one hash per bucket (tokens, time of the last take), refilled and taken
/// from in one Lua script so that two nodes never spend the same token. The clock is Redis's, so the nodes' own clocks
/// do not matter.
/// </summary>
public sealed class RedisTokenBuckets(RedisConnection redis) : ITokenBuckets
{
    // KEYS[1] the bucket; ARGV capacity, window in milliseconds, 1 to take a token or 0 to look.
    // Returns {granted (0/1), tokens left as text}: a Lua number would be truncated to an integer on the way out.
    private const string Script = """
        local capacity = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local spend = tonumber(ARGV[3])
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(state[1]) or capacity
        local at = tonumber(state[2]) or now
        if now > at then
          tokens = math.min(capacity, tokens + (now - at) * capacity / window)
        end
        local granted = 0
        if tokens >= 1 then granted = 1 end
        if spend == 1 then
          if granted == 1 then tokens = tokens - 1 end
          redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
          -- An untouched bucket is full again after one window: then it need not be kept.
          redis.call('PEXPIRE', KEYS[1], window)
        end
        return {granted, tostring(tokens)}
        """;

    public async ValueTask<BucketAnswer> TakeAsync(string key, int capacity, TimeSpan window, bool spend)
    {
        var database = await redis.DatabaseAsync();
        var result = (RedisResult[])(await database.ScriptEvaluateAsync(Script,
            [new RedisKey(redis.KeyPrefix + key)],
            [Math.Max(1, capacity), (long)Math.Ceiling(window.TotalMilliseconds), spend ? 1 : 0]))!;
        var tokens = double.Parse((string)result[1]!, CultureInfo.InvariantCulture);
        return new BucketAnswer((int)result[0] == 1, (long)Math.Floor(Math.Max(0, tokens)));
    }
}
