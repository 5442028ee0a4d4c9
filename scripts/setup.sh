#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, idempotently: Debian packages (when root), the Python >= 3.12
# virtualenv in .venv, and the pinned requirements. A second run changes nothing and is fast.
#   scripts/setup.sh            what the server needs (make run)
#   scripts/setup.sh --dev      that and the test and lint tools (make test, test-unit, lint)
#   scripts/setup.sh --system   only check/install the Debian packages
# Sourcing it only defines the functions (the tests do that).

say() { printf 'setup: %s\n' "$*"; }
fail() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# --- Debian packages ---------------------------------------------------------------------
postgres_major() {  # the newest installed PostgreSQL server major, or nothing
    local bin major=""
    for bin in /usr/lib/postgresql/*/bin/postgres; do
        [[ -e $bin ]] || continue
        bin=${bin#/usr/lib/postgresql/}; bin=${bin%%/*}
        if [[ -z $major || $bin -gt $major ]]; then major=$bin; fi
    done
    printf '%s' "$major"
}

missing_packages() {  # Debian packages whose files are absent (uses shell built-ins only)
    local major missing=() mode=${1:-}
    major=$(postgres_major)
    if [[ -z $major ]]; then
        missing+=(postgresql postgresql-postgis)
    elif [[ ! -e /usr/share/postgresql/$major/extension/postgis.control ]]; then
        missing+=("postgresql-$major-postgis-3")
    fi
    command -v psql >/dev/null || missing+=(postgresql-client)
    command -v gdalinfo >/dev/null || missing+=(gdal-bin)
    command -v gdal-config >/dev/null || missing+=(libgdal-dev)
    command -v mapserv >/dev/null || missing+=(mapserver-bin)
    # Vietnamese glyphs for the map labels (mapserver/fonts.txt)
    [[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)
    # single sign-on: python-ldap builds against these; the tests run a real OpenLDAP
    [[ -e /usr/bin/gcc ]] || missing+=(gcc)
    [[ -e /usr/include/ldap.h ]] || missing+=(libldap2-dev)
    [[ -e /usr/include/sasl/sasl.h ]] || missing+=(libsasl2-dev)
    [[ -e /usr/sbin/slapd ]] || missing+=(slapd)
    [[ -e /usr/bin/ldapsearch ]] || missing+=(ldap-utils)
    command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
    command -v msgfmt >/dev/null || missing+=(gettext)
    command -v chromium >/dev/null || missing+=(chromium)
    # the reverse proxy's fast path for cached tiles is tested with a real nginx
    [[ -e /usr/sbin/nginx ]] || missing+=(nginx-light)
    # the developers' guide examples (docs/examples/*.sh) that the tests run
    command -v curl >/dev/null || missing+=(curl)
    command -v jq >/dev/null || missing+=(jq)
    # the high-availability recipe (make cluster-up) and its failover drill test
    [[ -e /usr/bin/patroni ]] || missing+=(patroni)
    [[ -e /usr/bin/etcd ]] || missing+=(etcd-server)
    [[ -e /usr/sbin/haproxy ]] || missing+=(haproxy)
    # --dev: real QGIS (3.22+, headless) as a client in tests/qgis; never a run-time need
    if [[ $mode == --dev ]]; then
        [[ -e /usr/lib/python3/dist-packages/qgis/core/__init__.py ]] || missing+=(python3-qgis)
    fi
    printf '%s\n' "${missing[@]}"
}

ensure_system_packages() {
    local missing
    missing=$(missing_packages "${1:-}" | tr '\n' ' ')
    missing=${missing% }
    if [[ -z $missing ]]; then
        say "Debian packages: all present (PostgreSQL $(postgres_major) + PostGIS, GDAL, MapServer)"
        return
    fi
    if [[ $EUID -ne 0 ]]; then
        fail "missing Debian packages: $missing. Install them with:
    sudo apt-get update && sudo apt-get install -y $missing
then run the command again."
    fi
    say "installing Debian packages: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq $missing >/dev/null
    if [[ -n $(missing_packages "${1:-}") ]]; then
        fail "still missing after apt-get: $(missing_packages "${1:-}" | tr '\n' ' ')"
    fi
}

# --- Python ------------------------------------------------------------------------------
python_ok() { "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }

find_python() {  # a Python >= 3.12: PATH first, then pyenv's installed versions (newest first)
    local candidate
    for candidate in python3.13 python3.12 python3; do
        if command -v "$candidate" >/dev/null && python_ok "$(command -v "$candidate")"; then
            command -v "$candidate"; return
        fi
    done
    local root=${PYENV_ROOT:-$HOME/.pyenv}
    for candidate in $(ls -d "$root"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do
        if python_ok "$candidate/bin/python3"; then printf '%s\n' "$candidate/bin/python3"; return; fi
    done
    return 1
}

ensure_venv() {
    if [[ -x .venv/bin/python ]] && python_ok .venv/bin/python; then
        say "virtualenv .venv: reused ($(.venv/bin/python --version))"
    else
        local python
        python=$(find_python) || fail "Python >= 3.12 not found (pygeoapi needs it). Install it, e.g.
    sudo apt-get install -y python3.12 python3.12-venv   (or: pyenv install 3.12)
then run the command again."
        rm -rf .venv
        say "creating .venv with $python ($("$python" --version))"
        "$python" -m venv .venv
    fi
}

ensure_requirements() {  # $1: requirements.txt, or requirements-dev.txt (which includes it)
    local file=$1 stamp=.venv/.${1%.txt}.sha256 files=(requirements.txt) wanted
    [[ $file == requirements.txt ]] || files+=("$file")
    wanted=$(cat "${files[@]}" | sha256sum | cut -d' ' -f1)
    if [[ -f $stamp && $(cat "$stamp") == "$wanted" ]]; then
        say "Python packages: up to date with $file"
        return
    fi
    say "installing Python packages from $file"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -r "$file"
    printf '%s\n' "$wanted" > "$stamp"
}

# --- browser packages (npm) and translations ---------------------------------------------
ensure_node_modules() {  # npm ci when node_modules is missing, older than package-lock.json,
    # or lacks the lint tools (devDependencies) that --dev asks for; the image omits them
    local stamp=node_modules/.package-lock.sha256 lock have=""
    lock=$(sha256sum package-lock.json | cut -d' ' -f1)
    [[ -f $stamp ]] && have=$(cat "$stamp")
    if [[ $have == "$lock dev" || ( ${1:-} != --dev && $have == "$lock runtime" ) ]]; then
        say "npm packages: up to date with package-lock.json"
    elif [[ ${1:-} == --dev ]]; then
        say "installing npm packages from package-lock.json (with the lint tools)"
        npm ci --no-audit --no-fund --loglevel=error >/dev/null
        printf '%s dev\n' "$lock" > "$stamp"
    else
        say "installing npm packages from package-lock.json"
        npm ci --omit=dev --no-audit --no-fund --loglevel=error >/dev/null
        printf '%s runtime\n' "$lock" > "$stamp"
    fi
    vendor_openlayers
}

vendor_openlayers() {  # OpenLayers' build, its source map and CSS, served as our own static
    local dest=geoserver_app/editor/static/editor/vendor/ol
    mkdir -p "$dest"
    cp -u node_modules/ol/dist/ol.js node_modules/ol/dist/ol.js.map node_modules/ol/ol.css "$dest/"
}

compile_messages() {  # locale/*/LC_MESSAGES/django.po -> .mo when the .po is newer
    local po compiled=0
    for po in locale/*/LC_MESSAGES/*.po; do
        [[ -e $po ]] || continue
        if [[ ! ${po%.po}.mo -nt $po ]]; then
            msgfmt --check-format -o "${po%.po}.mo" "$po"
            compiled=$((compiled + 1))
        fi
    done
    if [[ $compiled -gt 0 ]]; then say "translations: compiled $compiled catalog(s)"
    else say "translations: up to date"; fi
}

main() {
    set -euo pipefail
    cd "$(dirname "${BASH_SOURCE[0]}")/.."
    ensure_system_packages "${1:-}"
    [[ ${1:-} == --system ]] && return 0
    ensure_venv
    ensure_requirements requirements.txt
    if [[ ${1:-} == --dev ]]; then ensure_requirements requirements-dev.txt; fi
    ensure_node_modules "${1:-}"
    compile_messages
    say "ready"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
