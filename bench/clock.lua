-- wrk script: cycles clock-in / clock-out over the seeded employees.
--
--   wrk -t2 -c64 -d15s --latency -s bench/clock.lua http://127.0.0.1:PORT \
--       -- CODES_FILE TOKENS_FILE PART PARTS THREADS
--
-- CODES_FILE: one "ID_CODE EMPLOYEE_UUID KIOSK_INDEX" per line (bench/seed.py writes it).
-- TOKENS_FILE: one kiosk bearer token per line (index 0 = first line).
-- PART/PARTS: this wrk process takes employees i with i % PARTS == PART (two wrk
-- processes against two instances use 0/2 and 1/2). THREADS must equal wrk's -t.
--
-- Every wrk thread owns a disjoint slice of employees. An employee is clocked out only
-- after the 201 of its clock-in arrived (the response carries employee_id → code), and
-- clocked in again only after the 200 of its clock-out (shift_id → code), so with a
-- correct server there is never a 409. Any non-2xx is counted and reported; an employee
-- whose request failed leaves the pool ("starved" counts requests that found the pool
-- empty — then the run is invalid).

local threads = {}
local nthreads_seen = 0

function setup(thread)
  thread:set("tid", nthreads_seen)
  nthreads_seen = nthreads_seen + 1
  table.insert(threads, thread)
end

-- globals (thread:get reads them in done())
clockins, clockouts, non2xx, starved, other2xx = 0, 0, 0, 0, 0
last_error = ""

local free_q, in_q = { h = 1, t = 0 }, { h = 1, t = 0 }
local by_emp, by_shift, kiosk_of, headers = {}, {}, {}, {}
local STANDUP = "Finish the quarterly payroll export, then review the onboarding checklist with the new hire."
local REPORT = "Payroll export finished and sent; onboarding checklist reviewed, two items left for tomorrow."

local function push(q, v) q.t = q.t + 1; q[q.t] = v end
local function pop(q)
  if q.h > q.t then return nil end
  local v = q[q.h]; q[q.h] = nil; q.h = q.h + 1
  return v
end

function init(args)
  local codes_file, tokens_file = args[1], args[2]
  local part, parts, nthreads = tonumber(args[3] or "0"), tonumber(args[4] or "1"), tonumber(args[5] or "1")
  local tokens = {}
  for line in io.lines(tokens_file) do
    if #line > 0 then
      table.insert(tokens, { ["Authorization"] = "Bearer " .. line, ["Content-Type"] = "application/json" })
    end
  end
  local i = 0
  for line in io.lines(codes_file) do
    local code, emp, k = line:match("^(%S+)%s+(%S+)%s+(%d+)")
    if code then
      if i % parts == part and (math.floor(i / parts) % nthreads) == tid then
        by_emp[emp] = code
        kiosk_of[code] = tokens[tonumber(k) + 1]
        push(free_q, code)
      end
      i = i + 1
    end
  end
end

function request()
  local code = pop(in_q)
  if code then
    return wrk.format("POST", "/api/v1/clock-out", kiosk_of[code],
      '{"id_code":"' .. code .. '","report":"' .. REPORT .. '"}')
  end
  code = pop(free_q)
  if code then
    return wrk.format("POST", "/api/v1/clock-in", kiosk_of[code],
      '{"id_code":"' .. code .. '","standup":"' .. STANDUP .. '"}')
  end
  starved = starved + 1
  return wrk.format("GET", "/healthz")
end

function response(status, hdrs, body)
  if status == 201 then
    local emp = body:match('"employee_id":"([^"]+)"')
    local sid = body:match('"shift_id":"([^"]+)"')
    local code = emp and by_emp[emp]
    if code and sid then
      by_shift[sid] = code
      push(in_q, code)
      clockins = clockins + 1
    else
      non2xx = non2xx + 1
      last_error = "unparsable 201: " .. body:sub(1, 200)
    end
  elseif status == 200 then
    local sid = body:match('"shift_id":"([^"]+)"')
    local code = sid and by_shift[sid]
    if code then
      by_shift[sid] = nil
      push(free_q, code)
      clockouts = clockouts + 1
    else
      other2xx = other2xx + 1
    end
  else
    non2xx = non2xx + 1
    last_error = tostring(status) .. " " .. body:sub(1, 200)
  end
end

function done(summary, latency, requests)
  local ci, co, bad, st, oth, lasterr = 0, 0, 0, 0, 0, ""
  for _, t in ipairs(threads) do
    ci = ci + t:get("clockins"); co = co + t:get("clockouts")
    bad = bad + t:get("non2xx"); st = st + t:get("starved"); oth = oth + t:get("other2xx")
    local e = t:get("last_error"); if e and #e > 0 then lasterr = e end
  end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d secs=%.2f rps=%.1f clockins=%d clockins_per_s=%.1f clockouts=%d non2xx=%d starved=%d other2xx=%d " ..
    "socket_errors=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, secs, summary.requests / secs, ci, ci / secs, co, bad, st, oth,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  if #lasterr > 0 then io.write("LAST_ERROR " .. lasterr:gsub("\n", " ") .. "\n") end
end
