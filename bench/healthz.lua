-- wrk script for GET /healthz (the HTTP stack's ceiling). Only done() is defined, so
-- wrk keeps its static-request fast path. Prints the same RESULT line as clock.lua.
function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d secs=%.2f rps=%.1f non2xx=%d socket_errors=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, secs, summary.requests / secs, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
