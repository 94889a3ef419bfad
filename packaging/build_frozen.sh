#!/usr/bin/env bash
# Build the PyInstaller bundle (dist/minplan/) and smoke-test the frozen program, as CI does.
#
#   packaging/build_frozen.sh            build into dist/, test in a temporary folder
#   MINPLAN_VENV=/path/to/venv …         the virtual environment to build from (default .venv)
#
# The smoke test (packaging/smoke_test.py) runs the frozen `minplan` as a desk would: --help in
# Danish, demo, users, deadlines, plan-pdf (with the shipped font), indicators --format xlsx,
# db upgrade of an old-schema file, and the GUI offscreen until its list has painted. Keys go to
# a real Secret Service key store (gnome-keyring in a private D-Bus session), so the bundle must
# hold keyring's backends. Prints the bundle's size for packaging/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${MINPLAN_VENV:-$ROOT/.venv}
say() { printf '\033[1m[frozen]\033[0m %s\n' "$*" >&2; }

if ! "$VENV/bin/python" -c "import PyInstaller" 2>/dev/null; then
  say "installing PyInstaller (the 'freeze' extra) into $VENV"
  "$VENV/bin/python" -m pip install -q -e ".[freeze]"
fi
if ! command -v gnome-keyring-daemon >/dev/null || ! command -v dbus-run-session >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing with apt-get: gnome-keyring dbus (a key store for the smoke test)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gnome-keyring dbus >/dev/null
  else
    say "please install gnome-keyring and dbus (a key store for the smoke test)"; exit 1
  fi
fi

WORK=$(mktemp -d /tmp/minplan-frozen.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
started=$SECONDS
say "building dist/minplan with PyInstaller"
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath "$ROOT/dist" --workpath "$WORK/build" packaging/minplan.spec
say "built in $((SECONDS - started)) s; size: $(du -sh "$ROOT/dist/minplan" | cut -f1) ($(find "$ROOT/dist/minplan" -type f | wc -l) files)"

# An old-schema file for `db upgrade`, made with the build environment's Alembic.
"$VENV/bin/python" - "$WORK/old.db" <<'PY'
import sys
from alembic import command
from sqlalchemy import create_engine
from app.store.migrations import alembic_config
engine = create_engine(f"sqlite:///{sys.argv[1]}")
cfg = alembic_config()
with engine.connect() as conn:
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "0005")
    conn.commit()
PY

# The frozen program from a copy outside the checkout, with nothing of the build environment.
cp -a "$ROOT/dist/minplan" "$WORK/minplan"
mkdir -p "$WORK/home"  # gnome-keyring keeps its files there (a missing HOME makes it prompt)
env -i PATH=/usr/bin:/bin HOME="$WORK/home" LANG=C.UTF-8 MINPLAN_HOME="$WORK/home" \
  QT_QPA_PLATFORM=offscreen WORK="$WORK" PYTHON="$VENV/bin/python" ROOT="$ROOT" \
  dbus-run-session -- sh -c '
    echo -n smoke | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
    "$PYTHON" "$ROOT/packaging/smoke_test.py" --work "$WORK/smoke" --old-db "$WORK/old.db" \
      -- "$WORK/minplan/minplan"
  ' 2> >(grep -v "fd limit" >&2)
say "frozen smoke test passed in $((SECONDS - started)) s in all"
