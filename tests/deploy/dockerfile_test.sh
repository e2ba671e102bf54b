#!/usr/bin/env bash
# The Dockerfile, as far as it can be checked without a Docker engine: it builds on debian:12 with
# scripts/setup.sh and runs on debian:12-slim as a non-root user; the runtime stage's packages
# exist in Debian 12 and provide every shared library the executables it copies link (found with
# ldd on this Debian 12 build, mapped to packages with dpkg -S); .dockerignore keeps build trees,
# node_modules and .git out of the context.
#   dockerfile_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1 build_dir=$2
cd "$source_dir"
fail() { echo "FAIL: $*"; exit 1; }

grep -q '^FROM debian:12 AS build$' Dockerfile || fail "the build stage is not debian:12"
grep -q 'bash scripts/setup.sh --build-only' Dockerfile || fail "the build stage does not use scripts/setup.sh"
[ "$(grep '^FROM ' Dockerfile | tail -n 1)" = "FROM debian:12-slim" ] || fail "the runtime stage is not debian:12-slim"
user=$(grep '^USER ' Dockerfile | tail -n 1 | awk '{print $2}')
[ -n "$user" ] && [ "${user%%:*}" != 0 ] && [ "${user%%:*}" != root ] || fail "the image runs as root"
for ignored in .git build 'build-*' '**/node_modules'; do
  grep -qxF "$ignored" .dockerignore || fail ".dockerignore does not leave out $ignored"
done

# The runtime stage's apt-get install line(s): the words after --no-install-recommends up to &&.
runtime=$(sed -n '/^FROM debian:12-slim/,$p' Dockerfile)
packages=$(tr '\\\n' '  ' <<<"$runtime" | sed -n 's/.*--no-install-recommends\(.*\)/\1/p' | sed 's/&&.*//')
[ -n "$packages" ] || fail "no apt-get install in the runtime stage"
known=$(apt-cache show $packages 2>/dev/null | sed -n 's/^Package: //p' | sort -u)
for package in $packages; do
  grep -qxF "$package" <<<"$known" || fail "runtime package $package is not in Debian"
done
# What installing them brings (their dependencies), and what debian:12-slim already holds.
provided=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
             --no-replaces --no-enhances $packages | grep -v '^ ' | sed 's/:.*//' | sort -u)
provided+=$'\n'$(dpkg-query -W -f='${Package} ${Priority}\n' | awk '$2 == "required" {print $1}')

executables=$(sed -n '/install -D/,/^$/p' Dockerfile | grep -o '/build/[a-z/_-]*tributary-[a-z]*' | sed 's#^/build/##')
[ "$(wc -w <<<"$executables")" -ge 5 ] || fail "the image does not install the executables"
libraries=()
for executable in $executables; do
  [ -x "$build_dir/$executable" ] || fail "$build_dir/$executable is not built"
  # A sanitizer build (TRIBUTARY_SANITIZE) links its runtime, which the image's Release build does not.
  libraries+=($(ldd "$build_dir/$executable" | awk '/=>/ && $1 !~ /^lib(a|ub|t)san/ {print $3}'))
done
# One dpkg query for every library, under each name it may be registered by (Debian 12 merges /lib
# into /usr/lib, and dpkg knows a library by the path its package ships).
candidates() {
  local path resolved
  for path in "$1" "$(readlink -f "$1")"; do
    echo "$path"; echo "${path/#\/usr\/lib\//\/lib\/}"; echo "${path/#\/lib\//\/usr\/lib\/}"
  done
}
owners=$(for library in $(printf '%s\n' "${libraries[@]}" | sort -u); do candidates "$library"; done |
         sort -u | xargs dpkg -S 2>/dev/null || true)
for library in $(printf '%s\n' "${libraries[@]}" | sort -u); do
  owner=""
  for path in $(candidates "$library"); do
    owner=$(awk -v path="$path" '$2 == path {sub(/:.*/, "", $1); print $1; exit}' <<<"$owners")
    [ -n "$owner" ] && break
  done
  [ -n "$owner" ] || fail "an executable links $library, which no Debian package holds"
  grep -qxF "$owner" <<<"$provided" ||
    fail "an executable links $library (package $owner), which the runtime stage does not install"
done
echo "$(wc -w <<<"$executables") executables, ${#libraries[@]} links: every shared library is in the runtime image"
echo "PASS"
