-- bench/soak.lua: the mix bench/soak drives lookout with.
--
-- Environment: BENCH_TOKEN (an outreach API token), BENCH_NAME and
-- BENCH_PASSWORD (an account to sign in as). Per 100 requests: 45
-- screens, 20 reports, 33 alert reads, 2 sign-ins (each of which is an
-- Argon2id hash: a core for a tenth of a second and 64 MiB).
--
-- Every answer's status is counted per thread; done() prints one line
-- "status N COUNT" per status seen, which bench/soak checks: only 2xx,
-- 3xx and 429 are allowed.

local token = os.getenv("BENCH_TOKEN")
local name = os.getenv("BENCH_NAME")
local password = os.getenv("BENCH_PASSWORD")
assert(token and token ~= "", "BENCH_TOKEN is not set")
assert(name and password, "BENCH_NAME and BENCH_PASSWORD must be set")

local auth = {
	["Authorization"] = "Bearer " .. token,
	["Content-Type"] = "application/json",
}
local plain = { ["Content-Type"] = "application/json" }

local report = '{"types":["violence","threats"],"occurred_on":"2026-11-20",' ..
    '"time_window":"20:00-23:00","region":"ca-bc-van",' ..
    '"area":"near the park on 5th","offender":{"age_range":"40-50",' ..
    '"gender":"man","marks":"tattoo left hand"},' ..
    '"vehicle":{"make":"Honda","colour":"silver","plate":"AB?12?"},' ..
    '"identifiers":[{"kind":"phone","value":"+1 604 555 %04d"},' ..
    '{"kind":"email","value":"client%d@example.net"}],' ..
    '"narrative":"soak narrative %d",' ..
    '"consent":{"alert":true,"police":"none","share_orgs":true},' ..
    '"source":"web"}'

local RING = 1000
local ring = {}
local pos = 1
-- A global, so that done() can read each thread's copy.
statuses = {}
local threads = {}

function setup(thread)
	table.insert(threads, thread)
	thread:set("id", #threads)
end

function init(args)
	math.randomseed(4242 + (id or 0))
	for i = 1, RING do
		local r = math.random(1, 100)
		local n = math.random(0, 9999)
		if r <= 45 then
			ring[i] = wrk.format("POST", "/api/v1/screen", auth,
			    string.format('{"kind":"phone","value":"+1 604 555 %04d"}',
			    n))
		elseif r <= 65 then
			ring[i] = wrk.format("POST", "/api/v1/reports", auth,
			    string.format(report, n, n, n))
		elseif r <= 98 then
			ring[i] = wrk.format("GET", "/api/v1/alerts?region=ca-bc-van",
			    auth)
		else
			ring[i] = wrk.format("POST", "/api/v1/login", plain,
			    string.format('{"name":"%s","password":"%s"}', name,
			    password))
		end
	end
	pos = math.random(1, RING)
end

function request()
	local r = ring[pos]
	pos = pos % RING + 1
	return r
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
