-- bench/durable.lua: POST /api/v1/reports as fast as lookout takes them.
--
-- Environment: BENCH_TOKEN (an API token of a member or outreach account).
-- Every report has the same shape (two types, one date, two identifiers,
-- sealed area, narrative and contact); the identifiers differ. done()
-- prints "status N COUNT" per status seen; bench/durable counts only 201s.

local token = os.getenv("BENCH_TOKEN")
assert(token and token ~= "", "BENCH_TOKEN is not set")

local headers = {
	["Authorization"] = "Bearer " .. token,
	["Content-Type"] = "application/json",
}
local report = '{"types":["violence","threats"],"occurred_on":"2026-11-20",' ..
    '"time_window":"20:00-23:00","region":"ca-bc-van",' ..
    '"area":"near the park on 5th","offender":{"age_range":"40-50",' ..
    '"gender":"man","build":"heavy","marks":"tattoo left hand"},' ..
    '"vehicle":{"make":"Honda","model":"Civic","colour":"silver"},' ..
    '"identifiers":[{"kind":"phone","value":"+1 604 %03d %04d"},' ..
    '{"kind":"email","value":"client%d.%d@example.net"}],' ..
    '"narrative":"He refused to pay and threatened me when I asked. ' ..
    'Drove off towards the bridge.",' ..
    '"consent":{"alert":true,"police":"none","share_orgs":true},' ..
    '"contact":"text me after 2pm","source":"web"}'

local n = 0
local threads = {}
statuses = {}

function setup(thread)
	table.insert(threads, thread)
	thread:set("id", #threads)
end

function request()
	n = n + 1
	return wrk.format("POST", "/api/v1/reports", headers,
	    string.format(report, 200 + (id or 0), n % 10000, id or 0, n))
end

function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
	local total = {}
	for _, t in ipairs(threads) do
		for s, c in pairs(t:get("statuses") or {}) do
			total[s] = (total[s] or 0) + c
		end
	end
	for s, c in pairs(total) do
		io.write(string.format("status %d %d\n", s, c))
	end
end
