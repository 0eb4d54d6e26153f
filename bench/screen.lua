-- bench/screen.lua: the wrk script bench/screen drives POST /api/v1/screen
-- with.
--
-- Environment: BENCH_TOKEN (an API token), BENCH_IDENTS (how many
-- identifiers bench/seed published). Identifier g is made by the rule at
-- the top of bench/seed.c; the two must change together.
--
-- Each thread builds a ring of requests once, so that wrk spends its time
-- sending, not formatting. BENCH_PARTIAL_PCT percent of them (1 by
-- default) are partial phones ("***-0142"), which the server answers from
-- its in-memory index; the rest are half hits (an identifier that is in an
-- alert) and half misses (same kinds, never published).

local token = os.getenv("BENCH_TOKEN")
local total = tonumber(os.getenv("BENCH_IDENTS") or "")
local partial = tonumber(os.getenv("BENCH_PARTIAL_PCT") or "1")
local RING = 4096

assert(token and token ~= "", "BENCH_TOKEN is not set")
assert(total and total > 0, "BENCH_IDENTS is not set")

local headers = {
	["Authorization"] = "Bearer " .. token,
	["Content-Type"] = "application/json",
}

local function plate(l, d)
	local a = string.byte("A")
	return string.char(a + math.floor(l / 676) % 26,
	    a + math.floor(l / 26) % 26, a + l % 26) .. string.format("%03d", d)
end

-- Identifier g as bench/seed.c publishes it, or, when miss, one of the
-- same kind that it never publishes.
local function ident(g, miss)
	local k = g % 10
	if k == 6 or k == 7 then
		return "email", string.format("client%d@example.%s", g,
		    miss and "org" or "net")
	elseif k == 8 or k == 9 then
		-- Seeded plates stop well before ZZZ (17,576,000 identifiers).
		return "plate", miss and plate(17575, g % 1000) or
		    plate(math.floor(g / 1000), g % 1000)
	else
		return "phone", string.format("+1%s%07d", miss and "778" or "604",
		    2000000 + g)
	end
end

local ring = {}
local pos = 1
local counter = 0

function setup(thread)
	counter = counter + 1
	thread:set("id", counter)
end

function init(args)
	math.randomseed(1000 + (id or 0))
	for i = 1, RING do
		local kind, value
		if math.random() * 100 < partial then
			kind, value = "phone", string.format("***-%04d",
			    math.random(0, 9999))
		else
			kind, value = ident(math.random(0, total - 1),
			    math.random() < 0.5)
		end
		ring[i] = wrk.format("POST", "/api/v1/screen", headers,
		    string.format('{"kind":"%s","value":"%s"}', kind, value))
	end
	pos = math.random(1, RING)
end

function request()
	local r = ring[pos]
	pos = pos % RING + 1
	return r
end
