#!/usr/bin/env bash
# Installs what building, testing and running Tributary locally need on Debian 12, skipping what
# is present (docker-compose and prometheus for promtool: the deployment tests), then the pinned npm
# test data and deployment test tools. Safe to run again.
#   scripts/setup.sh --build-only   only what building the executables needs (the Dockerfile's
#                                   build stage): no servers, test tools or test data
set -euo pipefail
cd "$(dirname "$0")/.."

build_packages=(
  build-essential cmake pkg-config git ca-certificates
  libboost1.81-dev libssl-dev openssl librdkafka-dev rapidjson-dev libpqxx-dev
  prometheus-cpp-dev libgtest-dev libgmock-dev googletest
)
packages=("${build_packages[@]}"
  curl procps iproute2
  postgresql-15 postgresql-client-15 kcat
  clang libclang-rt-14-dev
  docker-compose prometheus python3-yaml
)
build_only=no
[ "${1:-}" = --build-only ] && { build_only=yes; packages=("${build_packages[@]}"); }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# A machine may have Node.js from elsewhere than Debian (its npm conflicts with Debian's): only a
# missing command means a missing install.
if [ "$build_only" = no ]; then
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "$build_only" = no ] || { echo "setup: done (build only)"; exit 0; }

# Test data: GitHub's example payloads and REST description, pinned in tests/data/package.json (and
# its lock file). Checking each package lets a machine with an older node_modules catch up.
if [ ! -f tests/data/node_modules/@octokit/webhooks-examples/package.json ] ||
   [ ! -f tests/data/node_modules/@octokit/openapi/package.json ]; then
  echo "setup: installing pinned test data (@octokit/webhooks-examples, @octokit/openapi)"
  (cd tests/data && npm ci --no-audit --no-fund --loglevel=error)
fi
# The deployment tests' validator of Kubernetes objects (kubernetes-models), pinned in deploy/package.json.
if [ ! -f deploy/node_modules/kubernetes-models/package.json ]; then
  echo "setup: installing pinned deployment test tools (kubernetes-models)"
  (cd deploy && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "setup: done"
