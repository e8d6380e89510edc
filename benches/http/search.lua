-- wrk script: GET /api/search over a fixed list of queries a reader might type.
local queries = {
  "can the police keep my photo", "delete my record", "custody image", "who checks the police",
  "how do I complain", "data sharing agreement", "vetting before access", "retension",
  "audit log", "police computer", "5.3", "what happens if an officer looks me up",
  "\"custody image\"", "fingerprints", "whistleblowing", "training before access",
}
local i = 0
request = function()
  i = i + 1
  local q = queries[(i % #queries) + 1]:gsub(" ", "+"):gsub("\"", "%%22")
  return wrk.format("GET", "/api/search?q=" .. q)
end

done = function(summary, latency, requests)
  io.write(string.format("requests/s: %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("non-2xx or errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
