#!/usr/bin/env bash
# Proves the platform wheel (scripts/build-wheel.sh, make wheel) as a user without Swift or
# libmicrohttpd would meet it. Run as root (chroot and mount); make wheel-check runs it.
#   1. auditwheel show: the wheel is consistent with manylinux_<this glibc> and tagged so;
#   2. in a fresh venv: `httpbun --port 0 --port-file F` serves GET /get, passes SIGTERM and exit
#      statuses through, and a pytest file using the httpbin, httpbin_secure and httpbun fixtures
#      passes with no HTTPBUN_BIN and no checkout on its path (the bundled binary is the one found);
#   3. ldd on the installed binary: every library beyond glibc resolves inside the wheel's folders;
#   4. a root holding only glibc's files, /etc/passwd, /tmp and the installed package folders runs
#      the binary (HTTP and HTTPS: the vendored GnuTLS at work), and SIGTERM ends it with status 0.
# usage: scripts/check-wheel.sh [path/to/httpbun_pytest-*.whl]     (default: the one in dist/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }

if [ $# -gt 0 ]; then
    wheel=$(realpath "$1")
else
    wheels=("$root"/dist/httpbun_pytest-*.whl)
    [ ${#wheels[@]} -eq 1 ] && [ -f "${wheels[0]}" ] || fail "expected one wheel in dist/ (make wheel), found: ${wheels[*]}"
    wheel=${wheels[0]}
fi
# Not skipped when it cannot run: a CI machine without root or chroot must say so, not pass.
[ "$(id -u)" -eq 0 ] || fail "run as root: the check chroots into a root of glibc's files and mounts /proc there"
for tool in chroot mount umount mountpoint curl ldd dpkg; do
    command -v "$tool" >/dev/null || fail "$tool is needed and not installed"
done
auditwheel=$root/python/venv/bin/auditwheel
[ -x "$auditwheel" ] || fail "no $auditwheel (make wheel makes it)"
glibc=$(getconf GNU_LIBC_VERSION | awk '{print $2}')
plat=manylinux_${glibc%%.*}_${glibc#*.}_$(uname -m)
glibc_libs='^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libutil\.so\.1|ld-linux[-a-z0-9_]*\.so\.[0-9]+|linux-vdso\.so\.1)$'

work=$(mktemp -d)
jail=$work/root
cleanup() {
    # Servers still running when a check failed (this shell's own jobs, nothing else).
    for pid in $(jobs -p); do kill -KILL "$pid" 2>/dev/null || true; done
    # /proc is unmounted before anything is removed: rm must never walk a live /proc.
    if mountpoint -q "$jail/proc" 2>/dev/null; then
        umount "$jail/proc" || umount -l "$jail/proc" || { echo "left mounted: $jail/proc" >&2; return; }
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits for a server's port file; the server's stderr is shown when it does not come.
wait_port() {  # pid port-file stderr-file
    for _ in $(seq 1 100); do
        [ -s "$2" ] && { cat "$2"; return; }
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    cat "$3" >&2
    fail "no port in $2 (server exited or took over 10 s)"
}
# Sends SIGTERM and expects exit status 0.
stop() {  # pid what
    kill -TERM "$1"
    local status=0
    wait "$1" || status=$?
    [ "$status" -eq 0 ] || fail "$2: exit status $status after SIGTERM"
    echo "$2: SIGTERM -> exit 0"
}

# Every library a listing of ldd's (or the loader's --list) names beyond glibc must resolve inside
# the wheel's folders under site-packages; libmicrohttpd must be among them.
vendored_only() {  # listing root-prefix site-packages
    local listing=$1 prefix=$2 site=$3 count=0 name arrow path real
    while read -r name arrow path _; do
        [[ "${name##*/}" =~ $glibc_libs ]] && continue
        [ "$arrow" = "=>" ] && [ "$path" != not ] || fail "$name is not resolved: $listing"
        real=$(realpath "$prefix$path")
        [[ "$real" == "$prefix$site"/httpbun_pytest.libs/* || "$real" == "$prefix$site"/httpbun_pytest/* ]] ||
            fail "$name resolves outside the wheel's folders, to $real"
        echo "  $name -> ${real#"$prefix$site/"}"
        count=$((count + 1))
    done <<<"$listing"
    echo "$listing" | grep -q 'libmicrohttpd' || fail "no libmicrohttpd in: $listing"
    echo "$count libraries beyond glibc, all from the wheel's folders"
    # Each vendored library's Debian copyright file travels with it (several are LGPL).
    local licenses
    licenses=$(find "$prefix$site/httpbun_pytest/licenses" -name '*.copyright' 2>/dev/null | wc -l)
    [ "$licenses" -eq "$count" ] || fail "$licenses copyright files in httpbun_pytest/licenses for $count vendored libraries"
}

echo "== 1. auditwheel show ${wheel##*/}"
[[ "${wheel##*/}" == *-py3-none-$plat.whl ]] || fail "the wheel's name is not tagged py3-none-$plat"
shown=$(PATH="$root/python/venv/bin:$PATH" "$auditwheel" show "$wheel" 2>&1 | tr -s ' \n' '  ')
echo "$shown" | grep -q "consistent with the following platform tag: \"$plat\"" ||
    fail "auditwheel show does not report $plat: $shown"
echo "consistent with $plat"

echo "== 2. a fresh venv: pip install the wheel, the httpbun command, the pytest plugin"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$wheel"
site=$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')
installed=$site/httpbun_pytest/bin/httpbun
[ -x "$installed" ] || fail "no executable $installed"
echo "binary: $installed ($(du -h "$installed" | cut -f1))"
# Only the venv and the system's own folders on PATH; no HTTPBUN_BIN; run from an empty folder.
run=(env -u HTTPBUN_BIN -u LD_LIBRARY_PATH PATH="$work/venv/bin:/usr/bin:/bin")
mkdir "$work/run" && cd "$work/run"
[ "$("${run[@]}" sh -c 'command -v httpbun')" = "$work/venv/bin/httpbun" ] || fail "httpbun is not the venv's command"
"${run[@]}" httpbun --host 127.0.0.1 --port 0 --port-file "$work/port" --log-level warning \
    >"$work/command.out" 2>"$work/command.err" &
pid=$!
port=$(wait_port "$pid" "$work/port" "$work/command.err")
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/get")
[ "$code" = 200 ] || fail "httpbun command: GET /get -> $code"
echo "httpbun command: GET /get -> 200"
stop "$pid" "httpbun command"   # the script execs the binary: the signal reaches the server itself
direct=0; "$installed" --no-such-option >/dev/null 2>&1 || direct=$?
via=0; "${run[@]}" httpbun --no-such-option >/dev/null 2>&1 || via=$?
[ "$direct" -ne 0 ] && [ "$via" -eq "$direct" ] || fail "exit status of a bad option: $via through the command, $direct direct"
echo "httpbun command: a bad option -> exit $via, as the binary's own"
cat >"$work/run/test_wheel.py" <<'PY'
import json
import os
import ssl
import sys
import urllib.request

from httpbun_pytest import certs, serve


def get(url, **kwargs):
    with urllib.request.urlopen(url, timeout=10, **kwargs) as response:
        return response.status, response.headers, json.load(response)


def test_the_bundled_binary_is_the_one_found():
    assert "HTTPBUN_BIN" not in os.environ
    assert serve.binary() == serve.bundled()
    assert serve.bundled().startswith(sys.prefix + os.sep)


def test_httpbin(httpbin):
    status, headers, body = get(httpbin.url + "/get?a=1")
    assert status == 200 and body["args"] == {"a": "1"}
    assert "X-Powered-By" not in headers


def test_httpbin_secure(httpbin_secure):
    # Strict X.509 checks, Python 3.13's default: the CA needs a subject key identifier, the leaf
    # an authority key identifier (the self-signed pair GnuTLS makes carries both).
    context = ssl.create_default_context(cafile=certs.where())
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    status, _, _ = get(httpbin_secure + "/get", context=context)
    assert status == 200


def test_httpbun(httpbun):
    status, headers, _ = get(httpbun.join("/get"))
    assert status == 200 and headers["X-Powered-By"] == "httpbun/"
PY
"${run[@]}" "$work/venv/bin/python" -m pytest -q -p no:cacheprovider test_wheel.py
cd "$root"

echo "== 3. ldd on the installed binary: every library beyond glibc from the wheel's folders"
listed=$(env -u LD_LIBRARY_PATH ldd "$installed" 2>&1) || fail "ldd: $listed"
vendored_only "$listed" "" "$site"

echo "== 4. a root with glibc's files only and the installed package folders"
# libc6's files (not its docs), as a root filesystem without any other package: no libmicrohttpd,
# no GnuTLS, no Python, no shell.
mkdir -p "$jail"/{etc,tmp,proc,opt/site-packages}
chmod 1777 "$jail/tmp"
dpkg -L libc6 | grep -vE '^/usr/share/(doc|lintian|man)/' | while read -r file; do
    if [ ! -d "$file" ]; then
        mkdir -p "$jail$(dirname "$file")"
        cp -a "$file" "$jail$file"
    fi
done
printf 'root:x:0:0:root:/root:/nonexistent\nnobody:x:65534:65534:nobody:/nonexistent:/nonexistent\n' >"$jail/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$jail/etc/group"
# The same relative layout as the venv's site-packages: the binary's RPATH is $ORIGIN-relative.
cp -a "$site/httpbun_pytest" "$site/httpbun_pytest.libs" "$jail/opt/site-packages/"
inside=/opt/site-packages/httpbun_pytest/bin/httpbun
# No library the wheel vendors (auditwheel's name less its hash: libgnutls-3a3db153.so.30 is
# libgnutls.so*) may be in the root outside the wheel's folders.
strays=
for lib in "$jail"/opt/site-packages/httpbun_pytest.libs/*.so*; do
    stem=$(basename "$lib" | sed -E 's/-[0-9a-f]{8}\.so.*$//')
    strays+=$(find "$jail" -path "$jail/opt/site-packages" -prune -o -name "$stem.so*" -print)
done
[ -z "$strays" ] || fail "the root has libraries of the wheel's outside its folders: $strays"
echo "root: $(du -sh "$jail" | cut -f1); the libraries the wheel vendors only under /opt/site-packages/httpbun_pytest.libs"
# The loader of the root itself (ldd is a script of libc-bin, not in the root) lists what it loads.
listed=$(chroot "$jail" /lib64/ld-linux-x86-64.so.2 --list "$inside" 2>&1) || fail "in the root: $listed"
vendored_only "$listed" "$jail" /opt/site-packages
# A statically linked Swift binary reads its arguments from /proc (docker/check-rootfs.sh).
mount -t proc proc "$jail/proc"
serve_in_root() {  # name port-file extra-arguments...
    local name=$1 portfile=$2
    shift 2
    chroot --userspec=65534:65534 "$jail" "$inside" --host 127.0.0.1 --port 0 --port-file "$portfile" \
        --log-level warning "$@" >"$work/$name.out" 2>"$work/$name.err" &
}
serve_in_root http /tmp/port
http_pid=$!
serve_in_root https /tmp/tls-port --tls-self-signed --tls-ca-out /tmp/ca.pem
https_pid=$!
port=$(wait_port "$http_pid" "$jail/tmp/port" "$work/http.err")
health=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$port/health")
[ "$health" = 'ok 200' ] || fail "in the root: GET /health -> $health"
echo "in the root: GET /health -> 200 ok"
get=$(curl -s -w '\n%{http_code}' "http://127.0.0.1:$port/get?from=root")
[ "$(echo "$get" | tail -1)" = 200 ] && echo "$get" | grep -q '"from": "root"' || fail "in the root: GET /get -> $get"
echo "in the root: GET /get -> 200, echoed"
tls_port=$(wait_port "$https_pid" "$jail/tmp/tls-port" "$work/https.err")
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$jail/tmp/ca.pem" "https://127.0.0.1:$tls_port/get")
[ "$code" = 200 ] || fail "in the root: HTTPS GET /get -> $code"
echo "in the root: HTTPS GET /get -> 200 (the vendored GnuTLS, verified against the CA it wrote)"
stop "$http_pid" "in the root, HTTP"
stop "$https_pid" "in the root, HTTPS"
echo "wheel check: passed (${wheel##*/}, $(du -h "$wheel" | cut -f1))"
