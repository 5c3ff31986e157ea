-- wrk script of scripts/bench_relay.py: volunteers' apps checking in and out.
-- Environment: BENCH_MODE (mixed | checkin | checkout), BENCH_PLAN (input file),
-- BENCH_OUT (output prefix, checkin mode), BENCH_THREADS (wrk -t), BENCH_KEY (app API key).
-- mixed:    every volunteer checks in, is checked out when the check-in answers, checks in
--           again with its next pre-generated body, ...; plan lines: user, activity,
--           check-out body, check-in bodies...
-- checkin:  every volunteer checks in once; "user \t check-in id \t check-out body" lines
--           go to BENCH_OUT.<thread>, for a later checkout run.
-- checkout: one check-out per line of that output.
-- A thread stops when it has nothing more to send and nothing in flight (and writes
-- BENCH_DONE.<thread>, on which the runner interrupts wrk); a connection with
-- nothing to send for the moment waits (delay) and, if still idle, sends a GET /healthz
-- ("filler", counted and reported).

local mode = os.getenv("BENCH_MODE")
local plan = os.getenv("BENCH_PLAN")
local out_prefix = os.getenv("BENCH_OUT")
local done_prefix = os.getenv("BENCH_DONE")
local run = os.getenv("BENCH_RUN")  -- makes the Idempotency-Keys of this run unique
local nthreads = tonumber(os.getenv("BENCH_THREADS"))
local auth = "Bearer " .. os.getenv("BENCH_KEY")

local threads = {}
local next_index = 0

function setup(thread)
   thread:set("index", next_index)
   next_index = next_index + 1
   table.insert(threads, thread)
end

-- Apps send an Idempotency-Key with every check-in and check-out (retries over flaky networks).
local function headers(key)
   return {["Content-Type"] = "application/json", ["Authorization"] = auth, ["Idempotency-Key"] = key}
end
local vols = {}          -- user -> {activity, checkout, bodies, next}
-- FIFO queues with explicit head/tail (the # operator is undefined once the head is nil).
local ci_q, ci_h, ci_t = {}, 1, 0 -- volunteers ready to check in
local co_q, co_h, co_t = {}, 1, 0 -- {id, body} ready to check out
local inflight = 0
local out = nil
fillers, ci_ok, co_ok, http_err, attested = 0, 0, 0, 0, 0

local function push_ci(user) ci_t = ci_t + 1; ci_q[ci_t] = user end
local function push_co(item) co_t = co_t + 1; co_q[co_t] = item end

local function split(line)
   local fields = {}
   for field in string.gmatch(line, "[^\t]+") do table.insert(fields, field) end
   return fields
end

function init(args)
   local n = 0
   for line in io.lines(plan) do
      if n % nthreads == index then
         local f = split(line)
         if mode == "checkout" then
            push_co({f[2], f[3]})
         else
            local bodies = {}
            for i = 4, #f do table.insert(bodies, f[i]) end
            vols[f[1]] = {activity = f[2], checkout = f[3], bodies = bodies, next = 1}
            push_ci(f[1])
         end
      end
      n = n + 1
   end
   if mode == "checkin" then out = io.open(out_prefix .. "." .. index, "w") end
end

local function has_work()
   return co_h <= co_t or ci_h <= ci_t
end

function delay()
   if has_work() or inflight == 0 then return 0 end
   return 5
end

local verified = false

function request()
   -- wrk calls request() once on thread 0 before any connection exists, to check the
   -- request's format: answer that call without consuming a planned request.
   if index == 0 and not verified then
      verified = true
      return wrk.format("GET", "/healthz")
   end
   if co_h <= co_t then
      local item = co_q[co_h]
      co_q[co_h] = nil
      co_h = co_h + 1
      inflight = inflight + 1
      return wrk.format("POST", "/v1/check-ins/" .. item[1] .. "/check-out", headers(run .. "-" .. item[1] .. "-out"), item[2])
   end
   if ci_h <= ci_t then
      local user = ci_q[ci_h]
      ci_q[ci_h] = nil
      ci_h = ci_h + 1
      local v = vols[user]
      local body = v.bodies[v.next]
      local key = run .. "-" .. user .. "-in-" .. v.next
      v.next = v.next + 1
      inflight = inflight + 1
      return wrk.format("POST", "/v1/activities/" .. v.activity .. "/check-ins", headers(key), body)
   end
   fillers = fillers + 1
   return wrk.format("GET", "/healthz")
end

function response(status, hdrs, body)
   local is_checkout = string.find(body, '"attestation"', 1, true)
   local is_checkin = (not is_checkout) and string.find(body, '"checked_in_at"', 1, true)
   if status == 200 and is_checkout then
      co_ok = co_ok + 1
      inflight = inflight - 1
      if string.find(body, '"uid"', 1, true) then attested = attested + 1 end
      local user = string.match(body, '"app_user_id":"([^"]+)"')
      local v = vols[user]
      if v and v.next <= #v.bodies then push_ci(user) end
   elseif status == 201 and is_checkin then
      ci_ok = ci_ok + 1
      inflight = inflight - 1
      local id = string.match(body, '"id":"([^"]+)"')
      local user = string.match(body, '"app_user_id":"([^"]+)"')
      if mode == "checkin" then
         out:write(user, "\t", id, "\t", vols[user].checkout, "\n")
      else
         push_co({id, vols[user].checkout})
      end
   elseif status == 200 and string.find(body, '"database"', 1, true) then
      -- a filler's answer
   else
      -- an error answer: which request it was is unknown; the volunteer is not retried
      inflight = inflight - 1
      http_err = http_err + 1
      io.stderr:write("HTTP ", status, " ", string.sub(body, 1, 300), "\n")
   end
   if inflight == 0 and not has_work() then
      if out then out:close(); out = nil end
      -- wrk's main thread sleeps for -d regardless: tell the runner this thread is done.
      local marker = io.open(done_prefix .. "." .. index, "w")
      marker:write(fillers, "\n")
      marker:close()
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local totals = {fillers = 0, ci_ok = 0, co_ok = 0, http_err = 0, attested = 0}
   for _, thread in ipairs(threads) do
      for key, _ in pairs(totals) do totals[key] = totals[key] + (thread:get(key) or 0) end
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d},' ..
      '"fillers":%d,"ci_ok":%d,"co_ok":%d,"http_err":%d,"attested":%d}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.min, latency.mean, latency.stdev, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      totals.fillers, totals.ci_ok, totals.co_ok, totals.http_err, totals.attested))
end
