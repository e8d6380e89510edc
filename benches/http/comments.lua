-- wrk script: POST a valid comment as JSON; the server must acknowledge each with 201.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"on":"share-lawful-basis","body":"Load test comment: the lawful basis should be published.","respondent_type":"individual","publish":"no"}'

local non201 = 0
response = function(status, headers, body)
  if status ~= 201 then non201 = non201 + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("acknowledged/s: %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
