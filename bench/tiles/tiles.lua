-- wrk: GET the tiles of SIGHTLINE_TILES (z,x,y lines, weighted by image density) in a seeded shuffled order.
local tiles = {}
local next_tile = 0
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", 2000 + counter)
end

function init(args)
  math.randomseed(seed or 2000)
  for line in io.lines(os.getenv("SIGHTLINE_TILES")) do
    local z, x, y = line:match("(%d+),(%d+),(%d+)")
    tiles[#tiles + 1] = wrk.format("GET", string.format("/tiles/%s/%s/%s.mapbox", z, x, y))
  end
  for i = #tiles, 2, -1 do
    local j = math.random(i)
    tiles[i], tiles[j] = tiles[j], tiles[i]
  end
end

function request()
  next_tile = next_tile % #tiles + 1
  return tiles[next_tile]
end

local non200 = 0
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests_per_s=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d bytes_per_tile=%.0f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.bytes / math.max(1, summary.requests),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, non200))
end
