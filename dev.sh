#!/usr/bin/env bash
# Min Plan developer entry point: set-up (virtual environment, packages) plus one action.
#
#   ./dev.sh run     create .venv if needed, install, start the GUI on demo data
#   ./dev.sh test    the same set-up, then the whole test suite on SQLite and on PostgreSQL
#
# On Debian as root (CI), missing system packages are installed with apt-get; otherwise the
# script names them. Extra arguments after the action go to minplan / pytest.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
VENV=${MINPLAN_VENV:-$ROOT/.venv}
action=${1:-}
shift || true

say() { printf '\033[1m[dev]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1; fi
}

apt_updated=0
ensure_debs() {  # ensure_debs PKG...: install the Debian packages that are missing
  command -v dpkg-query >/dev/null || return 0
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  say "installing with apt-get: ${missing[*]}"
  if [[ $apt_updated -eq 0 ]]; then as_root apt-get update -qq || { say "cannot run apt-get; please install: ${missing[*]}"; return 1; }; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { say "please install: ${missing[*]}"; return 1; }
}

# Libraries Qt's offscreen and xcb platforms load, fonts with æ/ø/å, and Python's venv.
QT_DEBS=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core)
# A real X window for tests/test_real_window.py: a virtual X server, keys from xdotool, screenshots
# (ImageMagick's import), and the xcb libraries Qt's xcb platform loads.
REAL_WINDOW_DEBS=(xvfb xdotool imagemagick libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1)

python_bin() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  say "Python 3.11 or newer is required"; exit 1
}

setup() {
  local py; py=$(python_bin)
  if [[ ! -x $VENV/bin/python ]]; then
    say "creating $VENV"
    if ! "$py" -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      ensure_debs python3-venv || exit 1
      "$py" -m venv "$VENV"
    fi
  fi
  local stamp=$VENV/.minplan-installed
  if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
    say "installing Min Plan, its test tools and the benchmark's DuckDB into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[test,bench]"
    touch "$stamp"
  fi
  ensure_debs "${QT_DEBS[@]}" || say "continuing without them; Qt may fail to start"
}

# The suite once on SQLite and once on PostgreSQL (MINPLAN_TEST_BACKEND chooses one of them).
run_suites() {
  local backends=(sqlite postgresql) status=0 ran=0 rc
  [[ -n ${MINPLAN_TEST_BACKEND:-} ]] && backends=("$MINPLAN_TEST_BACKEND")
  for backend in "${backends[@]}"; do
    if [[ $backend == postgresql && -z ${MINPLAN_TEST_PG_URL:-} ]]; then
      [[ ${MINPLAN_REQUIRE_PG:-} == 1 ]] && { say "PostgreSQL is required but there is no server"; return 1; }
      say "no PostgreSQL server: the PostgreSQL run is left out"
      continue
    fi
    say "test suite on $backend"
    rc=0
    MINPLAN_TEST_BACKEND=$backend "$VENV/bin/python" -m pytest "$@" || rc=$?
    case $rc in
      0) ran=1 ;;
      5) ;;  # nothing selected for this backend (e.g. -k picked SQLite-only tests)
      *) status=$rc ;;
    esac
  done
  ((status == 0 && ran == 0)) && status=5
  return $status
}

# The sqlcipher shell must be SQLCipher 4 (the format Min Plan writes) for the test that opens a
# database with it; Debian 12 ships 3.4, its bookworm-backports 4.6. Added only where it is needed,
# and the backports source is removed again afterwards: nothing else comes from it later.
ensure_sqlcipher4() {
  local version
  version=$(echo "PRAGMA cipher_version;" | sqlcipher :memory: 2>/dev/null | head -n 1 || true)
  [[ ${version%%.*} =~ ^[0-9]+$ && ${version%%.*} -ge 4 ]] && return 0
  grep -q '^VERSION_CODENAME=bookworm' /etc/os-release 2>/dev/null || return 0
  local sources=/etc/apt/sources.list.d/minplan-bookworm-backports.sources
  say "installing with apt-get: sqlcipher (SQLCipher 4's shell) from bookworm-backports, through an apt source added for it and removed afterwards ($sources)"
  as_root sh -c "printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > $sources" \
    && as_root apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -t bookworm-backports sqlcipher >/dev/null \
    || say "could not install SQLCipher 4's shell; its test will be skipped"
  as_root rm -f "$sources" && as_root apt-get update -qq || true
}

case $action in
  run)
    setup
    # The demo holds synthetic data only: on a machine without the desktop's key store (a
    # headless or fresh developer machine) its keys may go in a plain file. Real databases never
    # get this switch from here; see README "Encryption at rest".
    export MINPLAN_ALLOW_PLAINTEXT_KEYRING=${MINPLAN_ALLOW_PLAINTEXT_KEYRING:-1}
    exec "$VENV/bin/minplan" --demo "$@"
    ;;
  test)
    setup
    ensure_debs postgresql poppler-utils sqlcipher libreoffice-calc-nogui || say "some tests will be skipped (PostgreSQL unless MINPLAN_TEST_PG_URL is set; the sqlcipher shell; LibreOffice reading the XLSX)"
    ensure_debs "${REAL_WINDOW_DEBS[@]}" || say "the real-window tests will be skipped (tests/test_real_window.py: Xvfb, xdotool and the xcb libraries)"
    ensure_sqlcipher4
    if [[ -z ${MINPLAN_TEST_PG_URL:-} ]] && pg_env=$(tests/throwaway_pg.sh start); then
      eval "$pg_env"
      trap 'tests/throwaway_pg.sh stop "$MINPLAN_PG_DIR" >/dev/null 2>&1 || true' EXIT
      say "PostgreSQL test server: $MINPLAN_TEST_PG_URL"
    fi
    export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
    "$VENV/bin/python" i18n/catalog.py check
    say "type check (mypy, [tool.mypy] in pyproject.toml)"
    "$VENV/bin/python" -m mypy
    run_suites "$@"
    ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
