-- A fixed, seeded mix of Sightline searches for wrk: half `close` (100 m, limit 20), half `im`
-- boxes about 500 m wide (limit 20), centred on points sampled from the archive.
-- Environment: SIGHTLINE_POINTS (lat,lon lines), SIGHTLINE_CLIENT_ID, SIGHTLINE_MIX.
local points = {}
local requests = {}
local next_request = 0
local client_id = os.getenv("SIGHTLINE_CLIENT_ID")
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", 1000 + counter)
end

-- The requests are made once per thread in init, so that wrk spends its (shared) CPU on sending them.
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

-- SIGHTLINE_MIX: "mix" (default, half and half), "close" or "box".
local mix = os.getenv("SIGHTLINE_MIX") or "mix"

function make_request()
  local p = points[math.random(#points)]
  local lat, lon = p[1], p[2]
  local path
  local close = (mix == "close") or (mix == "mix" and math.random() < 0.5)
  if close then
    path = string.format("/v2/search/im/close?client_id=%s&lat=%.7f&lon=%.7f&distance=100&limit=20", client_id, lat, lon)
  else
    -- 500 m wide and tall: 250 m either side, the longitude scaled by latitude.
    local dlat = 250 / 111195
    local dlon = dlat / math.cos(math.rad(lat))
    path = string.format("/v2/search/im?client_id=%s&min_lat=%.7f&max_lat=%.7f&min_lon=%.7f&max_lon=%.7f&limit=20",
      client_id, lat - dlat, lat + dlat, lon - dlon, lon + dlon)
  end
  return wrk.format("GET", path)
end

local non200 = 0
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests_per_s=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f requests=%d errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
