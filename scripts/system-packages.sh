#!/usr/bin/env bash
# Make sure the Debian packages named as arguments are installed (their command is on the machine).
#
#   scripts/system-packages.sh chromium haproxy
#
# Nothing to do: silent, exit 0. Missing and running as root with apt-get: installs them (finishing an
# interrupted dpkg run first, refreshing the package lists only when apt does not know a package) and
# says how long it took. Otherwise: ONE line naming the missing packages and the command that installs
# them, exit 1 — so `make test` stops before minutes of set-up and a wall of test errors.
set -uo pipefail

# A package is there when its command is: on PATH or where Debian puts it (sbin is not on every user's PATH).
has_command() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]
}

missing=()
for package in "$@"; do
  has_command "$package" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

names="${missing[*]}"
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    how="sudo apt-get install -y $names"
  else
    how="your system's package manager (Debian/Ubuntu: apt-get install -y $names)"
  fi
  echo "missing system packages: $names — install them with: $how" >&2
  exit 1
fi

started=$(date +%s)
echo "installing system packages with apt-get: $names (once) …"
export DEBIAN_FRONTEND=noninteractive
apt=(apt-get -o DPkg::Lock::Timeout=300) # other installs on the machine: wait for the lock, do not fail
if [ -n "$(dpkg --audit 2>/dev/null)" ]; then
  dpkg --configure -a || exit 1 # an earlier install was interrupted: finish it first
fi
for package in "${missing[@]}"; do
  if ! apt-cache policy "$package" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    "${apt[@]}" update -qq || exit 1 # the package lists are missing or do not know the package yet
    break
  fi
done
if ! "${apt[@]}" install -y -qq "${missing[@]}" >/dev/null; then
  echo "could not install $names with apt-get (see above); install them with: apt-get install -y $names" >&2
  exit 1
fi
for package in "${missing[@]}"; do
  if ! has_command "$package"; then
    echo "apt-get installed $package but its command '$package' is not there" >&2
    exit 1
  fi
done
echo "installed $names in $(($(date +%s) - started))s"
