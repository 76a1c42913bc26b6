-- The same seeded boxes, about 500 m wide, around points sampled from the archive, asked of /v2/search/im
-- (SIGHTLINE_API=v2) or of the STAC API's /api/search (SIGHTLINE_API=stac), limit 20 either way.
-- Environment: SIGHTLINE_POINTS (lat,lon lines), SIGHTLINE_CLIENT_ID, SIGHTLINE_API.
local points = {}
local requests = {}
local next_request = 0
local client_id = os.getenv("SIGHTLINE_CLIENT_ID")
local api = os.getenv("SIGHTLINE_API") or "v2"
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", 1000 + counter)
end

function init(args)
  math.randomseed(seed or 1000)
  for line in io.lines(os.getenv("SIGHTLINE_POINTS")) do
    local lat, lon = line:match("([^,]+),([^,]+)")
    points[#points + 1] = { tonumber(lat), tonumber(lon) }
  end
  for i = 1, 20000 do
    requests[i] = make_request()
  end
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function make_request()
  local p = points[math.random(#points)]
  local lat, lon = p[1], p[2]
  local dlat = 250 / 111195
  local dlon = dlat / math.cos(math.rad(lat))
  local path
  if api == "stac" then
    path = string.format("/api/search?bbox=%.7f,%.7f,%.7f,%.7f&limit=20", lon - dlon, lat - dlat, lon + dlon, lat + dlat)
  else
    path = string.format("/v2/search/im?client_id=%s&min_lat=%.7f&max_lat=%.7f&min_lon=%.7f&max_lon=%.7f&limit=20",
      client_id, lat - dlat, lat + dlat, lon - dlon, lon + dlon)
  end
  return wrk.format("GET", path)
end

function response(status, headers, body) end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests_per_s=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f requests=%d non2xx=%d bytes_per_answer=%.0f\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, summary.requests, summary.errors.status, summary.bytes / math.max(1, summary.requests)))
end
