-- wrk script for `make bench` (bench/run.py sets the environment):
--   BENCH_METHOD        GET or POST
--   BENCH_PATHS         paths separated by spaces, requested in turn (tick, undo, ...)
--   BENCH_COOKIE        the Cookie header: the session, and the CSRF cookie for a POST
--   BENCH_CSRF          the X-CSRFToken header of a POST
--   BENCH_HTMX          "1" sends HX-Request: true
--   BENCH_MAX_REQUESTS  each thread stops after this many requests (0: only the duration)
-- done() prints one line, BENCH_RESULT {json}, that bench/load.py reads.

local method = os.getenv("BENCH_METHOD") or "GET"
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "/", "%S+") do
  table.insert(paths, path)
end
local headers = { ["Cookie"] = os.getenv("BENCH_COOKIE") or "" }
local body = nil
if method == "POST" then
  headers["X-CSRFToken"] = os.getenv("BENCH_CSRF") or ""
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  body = ""
end
if os.getenv("BENCH_HTMX") == "1" then
  headers["HX-Request"] = "true"
end
local limit = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0") or 0

local threads = 0
function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

local prepared = {}
local sent = 0
function init(args)
  for i, path in ipairs(paths) do
    prepared[i] = wrk.format(method, path, headers, body)
  end
end

function request()
  sent = sent + 1
  if limit > 0 and sent > limit then
    wrk.thread:stop()
  end
  -- Threads start at different places in the list, so two do not tick one item at once.
  local index = ((offset or 0) * 2 + sent - 1) % #prepared + 1
  return prepared[index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
