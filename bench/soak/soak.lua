-- A realistic mix for the 64-connection soak (issue 13), for wrk: box searches, close searches, image reads,
-- thumbnails and uploads, from a seeded, fixed list of image keys and points of the demo archive.
-- Environment: SOAK_KEYS (one "key,lat,lon" per line), SOAK_CLIENT_ID, SOAK_TOKEN, SOAK_JPEG (a file to upload),
-- SOAK_KIND (box, close, image, thumb or upload: only that kind, for the per-kind probes beside the mix; unset: the mix).
local keys = {}
local kind = os.getenv("SOAK_KIND")
-- Where each kind's share of 1..100 starts, so that a probe draws only from its own range.
local ranges = { box = { 1, 35 }, close = { 36, 55 }, image = { 56, 75 }, thumb = { 76, 95 }, upload = { 96, 100 } }
local client_id = os.getenv("SOAK_CLIENT_ID")
local token = os.getenv("SOAK_TOKEN")
local jpeg
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(1000 + id)
  for line in io.lines(os.getenv("SOAK_KEYS")) do
    local key, lat, lon = line:match("([^,]+),([^,]+),([^,]+)")
    keys[#keys + 1] = { key, tonumber(lat), tonumber(lon) }
  end
  local file = assert(io.open(os.getenv("SOAK_JPEG"), "rb"))
  jpeg = file:read("*a")
  file:close()
  uploads = 0
  failures = 0
end

-- 35% box, 20% close, 20% image, 20% thumbnail, 5% upload.
function request()
  local k = keys[math.random(#keys)]
  local r = kind and math.random(ranges[kind][1], ranges[kind][2]) or math.random(100)
  if r <= 35 then
    local d = 0.0025
    return wrk.format("GET", string.format("/v2/search/im?client_id=%s&min_lat=%.6f&max_lat=%.6f&min_lon=%.6f&max_lon=%.6f&limit=20",
      client_id, k[2] - d, k[2] + d, k[3] - d, k[3] + d))
  elseif r <= 55 then
    return wrk.format("GET", string.format("/v2/search/im/close?client_id=%s&lat=%.6f&lon=%.6f&distance=100&limit=20", client_id, k[2], k[3]))
  elseif r <= 75 then
    return wrk.format("GET", string.format("/v2/im/%s?client_id=%s", k[1], client_id))
  elseif r <= 95 then
    local sizes = { 320, 640, 1024 }
    return wrk.format("GET", string.format("/%s/thumb-%d.jpg", k[1], sizes[math.random(3)]))
  end
  uploads = uploads + 1
  -- Upload keys are unique per thread and request; the same photo each time (stored once, processed per image).
  local path = string.format("/v2/me/uploads/images/soak-%s-%d-%d-%d?client_id=%s", kind or "mix", id, uploads, math.random(1000000000), client_id)
  return wrk.format("POST", path, { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "image/jpeg" }, jpeg)
end

function response(status, headers, body)
  if status ~= 200 and status ~= 302 then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT%s requests=%d requests_per_s=%.0f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f non_2xx=%d socket_errors=%d timeouts=%d\n",
    kind and (" kind=" .. kind) or "", summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    failed, errors, summary.errors.timeout))
end
