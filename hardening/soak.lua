-- Mixed keep-alive requests for wrk: each thread cycles through the list below and stops itself
-- after `requests_per_thread` answers (wrk's own duration is only a safety net).
-- Usage: wrk -t2 -c50 -d600s -s hardening/soak.lua http://127.0.0.1:PORT -- <requests per thread>

local form = "a=1&b=two&c=%E2%82%AC"
local json = '{"id": 1, "name": "lee", "tags": ["a", "b"], "nested": {"x": [1, 2, 3]}}'
local multipart = "--XyZ\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n" ..
    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n" ..
    string.rep("0123456789", 100) .. "\r\n--XyZ--\r\n"

local templates = {
    {"GET", "/get?a=1&a=2&q=python", nil, nil},
    {"POST", "/post", form, "application/x-www-form-urlencoded"},
    {"POST", "/post", json, "application/json"},
    {"POST", "/anything/upload", multipart, "multipart/form-data; boundary=XyZ"},
    {"PUT", "/put", string.rep("x", 4096), "application/octet-stream"},
    {"GET", "/status/418", nil, nil},
    {"GET", "/status/200:0.5,500:0.5", nil, nil},
    {"GET", "/bytes/2048?seed=7", nil, nil},
    {"GET", "/stream-bytes/4096?chunk_size=512", nil, nil},
    {"GET", "/stream/3", nil, nil},
    {"GET", "/cookies/set?k=v&x=y", nil, nil},
    {"GET", "/redirect/2", nil, nil},
    {"GET", "/redirect-to?url=/get&status_code=307", nil, nil},
    {"GET", "/headers", nil, nil},
    {"GET", "/gzip", nil, nil},
    {"GET", "/deflate", nil, nil},
    {"GET", "/response-headers?X-A=1&X-A=2", nil, nil},
    {"GET", "/delay/0", nil, nil},
    {"GET", "/base64/aGVsbG8gd29ybGQ=", nil, nil},
    {"GET", "/range/1000", nil, nil},
    {"GET", "/basic-auth/user/pass", nil, nil},
    {"GET", "/digest-auth/auth/user/pass", nil, nil},
    {"GET", "/image/png", nil, nil},
    {"GET", "/html", nil, nil},
    {"GET", "/uuid", nil, nil},
    {"GET", "/nope/404", nil, nil},
    {"DELETE", "/get", nil, nil},
    {"GET", "/cache", nil, nil},
    {"GET", "/etag/abc", nil, nil},
    {"GET", "/drip?duration=0&numbytes=5&delay=0", nil, nil},
}

local requests = {}
local counter = 1
local answered = 0
local limit = 0
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    limit = tonumber(args[1] or "100000")
    for i, t in ipairs(templates) do
        local headers = {["Cookie"] = "session=abc; theme=dark", ["Range"] = "bytes=0-99",
                         ["Authorization"] = "Basic dXNlcjpwYXNz"}
        if t[3] then headers["Content-Type"] = t[4] end
        requests[i] = wrk.format(t[1], t[2], headers, t[3])
    end
end

function request()
    local r = requests[counter]
    counter = counter % #requests + 1
    return r
end

function response(status, headers, body)
    answered = answered + 1
    if answered >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
    local errors = summary.errors
    io.write(string.format("soak: %d requests, %d connect / %d read / %d write / %d timeout errors, %d non-2xx/3xx\n",
        summary.requests, errors.connect, errors.read, errors.write, errors.timeout, errors.status))
end
