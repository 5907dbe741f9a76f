#!/usr/bin/env bash
# The platform wheel of python/ (distribution httpbun-pytest): the pytest plugin, an `httpbun` command,
# and the release binary with every library it loads beyond glibc, vendored by `auditwheel repair`.
# usage: scripts/build-wheel.sh [path/to/httpbun]     (default .build/release/httpbun; make wheel)
# Writes dist/httpbun_pytest-<version>-py3-none-manylinux_<glibc>_<arch>.whl, tagged for the glibc of
# this machine (Debian 12: 2.36), and removes older wheels of ours from dist/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=$(realpath "${1:-$root/.build/release/httpbun}")
[ -x "$binary" ] || { echo "error: no httpbun binary at $binary (make release)" >&2; exit 1; }
venv=$root/python/venv
tools=$root/python/wheel-tools.txt
# The venv is remade when wheel-tools.txt changes (its copy in the venv says what was installed).
if ! cmp -s "$tools" "$venv/wheel-tools.txt"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r "$tools"
    cp "$tools" "$venv/wheel-tools.txt"
fi
glibc=$(getconf GNU_LIBC_VERSION | awk '{print $2}')
plat=manylinux_${glibc%%.*}_${glibc#*.}_$(uname -m)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A copy of python/ with the binary in the package and the two lines only the wheel has: the
# `httpbun` command, and the binary as package data. `pip install ./python` stays the plain plugin.
stage=$work/stage
mkdir "$stage"
cp "$root/python/pyproject.toml" "$stage/"
cp -r "$root/python/httpbun_pytest" "$stage/"
find "$stage" -name __pycache__ -prune -exec rm -rf {} +
mkdir "$stage/httpbun_pytest/bin"
# Symbols are not needed to run it, and strip takes a third of the binary off.
strip -o "$stage/httpbun_pytest/bin/httpbun" "$binary"
# The libraries auditwheel vendors are Debian's (several LGPL): their copyright files travel with
# them, as httpbun_pytest/licenses/<package>.copyright.
mkdir "$stage/httpbun_pytest/licenses"
for lib in $(ldd "$binary" | awk '$3 ~ /^\// {print $3}'); do
    case "$(basename "$lib")" in libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|ld-linux*) continue ;; esac
    package=$(dpkg -S "$(realpath "$lib")" 2>/dev/null | head -1 | cut -d: -f1) || true
    [ -n "$package" ] && [ -f "/usr/share/doc/$package/copyright" ] \
        || { echo "error: no Debian copyright file for $lib" >&2; exit 1; }
    cp "/usr/share/doc/$package/copyright" "$stage/httpbun_pytest/licenses/$package.copyright"
done
cat >>"$stage/pyproject.toml" <<'TOML'

[project.scripts]
httpbun = "httpbun_pytest.cli:main"

[tool.setuptools.package-data]
httpbun_pytest = ["bin/httpbun", "licenses/*.copyright"]
TOML
# No Python ABI (the binary is not an extension), but not pure either: py3-none-linux_<arch>, in
# platlib, which auditwheel then retags for the glibc.
cat >"$stage/setup.py" <<'PY'
from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel


class WithBinary(Distribution):
    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    def get_tag(self):
        return "py3", "none", super().get_tag()[2]


setup(distclass=WithBinary, cmdclass={"bdist_wheel": PlatformWheel})
PY
"$venv/bin/pip" wheel -q --no-deps --no-build-isolation -w "$work/plain" "$stage"
# auditwheel copies each library the binary loads beyond what the manylinux policy allows (glibc's)
# into httpbun_pytest.libs/ under a hashed name, rewrites the NEEDED entries to those names and sets
# an $ORIGIN-relative RPATH (patchelf), in every ELF file of the wheel: the binary is not a Python
# extension, and auditwheel 6 repairs it all the same. The binary calls arc4random (GLIBC_2.36), so its
# symbol versions ask for this glibc too; --only-plat keeps the tag of the glibc it was built on even
# if a later binary's symbols would allow an older one (the libraries come from this system).
mkdir -p "$root/dist"
rm -f "$root"/dist/httpbun_pytest-*.whl
PATH="$venv/bin:$PATH" "$venv/bin/auditwheel" repair --only-plat --plat "$plat" -w "$root/dist" "$work"/plain/*.whl
wheel=$(ls "$root"/dist/httpbun_pytest-*.whl)
echo "wheel: ${wheel#"$root/"} ($(du -h "$wheel" | cut -f1); binary $(du -h "$stage/httpbun_pytest/bin/httpbun" | cut -f1) stripped)"
