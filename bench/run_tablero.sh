#!/usr/bin/env bash
# Tablero benchmark (issue #10): one command, bounded in time, only ever against 127.0.0.1.
#
#   bash bench/run_tablero.sh            # generate the data if needed, then measure everything
#   FORCE=1 bash bench/run_tablero.sh    # regenerate the Tablero's 12 M values first
#
# Steps: PostgreSQL up -> bench/generate.py if its --check fails -> bench/generate_tablero.py if
# its --check fails (12 M values, ~40 M aggregate cells) -> the 1 M-value CSV import, in process
# (bench/tablero_import.py) -> gunicorn (RONDA_ENV=production, 2 sync workers) -> locust
# (bench/locust_tablero.py): warm-up, paced (judged), single -> write-to-read lag, POST
# dataValueSets and the streamed CSV export (bench/tablero_http.py) -> stop gunicorn -> queries and
# the raw-SQL time (bench/tablero_queries.py) -> summary in bench/out/tablero/summary.md.
#
# Knobs: BENCH_PORT (8767), BENCH_DB (ronda_bench), BENCH_USERS (20), BENCH_RUN_TIME (60),
# BENCH_WARMUP (15), BENCH_SINGLE_TIME (30), BENCH_WORKERS (2), BENCH_SCENARIOS ("paced single"),
# BENCH_IMPORT_ROWS (1000000; 0 skips), BENCH_POST_VALUES (1000000; 0 skips), BENCH_LAG (200),
# BENCH_EXPORT (1), BENCH_OUT (bench/out/tablero).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/.venv/bin"
PY="$BIN/python"
OUT="${BENCH_OUT:-$ROOT/bench/out/tablero}"
PORT="${BENCH_PORT:-8767}"
DB_NAME="${BENCH_DB:-ronda_bench}"
USERS="${BENCH_USERS:-20}"
RUN_TIME="${BENCH_RUN_TIME:-60}"
WARMUP="${BENCH_WARMUP:-15}"
SINGLE_TIME="${BENCH_SINGLE_TIME:-30}"
WORKERS="${BENCH_WORKERS:-2}"
SCENARIOS="${BENCH_SCENARIOS:-paced single}"
IMPORT_ROWS="${BENCH_IMPORT_ROWS:-1000000}"
POST_VALUES="${BENCH_POST_VALUES:-1000000}"
LAG="${BENCH_LAG:-200}"
EXPORT="${BENCH_EXPORT:-1}"
LOGIN_ALLOWANCE=40
HOST="http://127.0.0.1:${PORT}"

export DJANGO_SETTINGS_MODULE=ronda.settings
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB_NAME}"
mkdir -p "$OUT"
log() { printf '[tablero %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! "$PY" bench/generate.py --check; then
    munis="$(psql -h 127.0.0.1 -U postgres -d "$DB_NAME" -Atc 'SELECT count(*) FROM territory_orgunit WHERE level = 3' 2>/dev/null || echo 0)"
    if [[ "$munis" == "2500" ]]; then
        log "${DB_NAME} exists: applying pending migrations"
        "$PY" manage.py migrate --noinput --verbosity 1
    else
        log "territory and users missing: bench/generate.py (drops and recreates ${DB_NAME})"
        timeout 900 "$PY" bench/generate.py
    fi
fi
if [[ "${FORCE:-0}" == "1" ]] || ! "$PY" bench/generate_tablero.py --check; then
    log "loading 12 M values and their aggregates (bench/generate_tablero.py, ~10 min)"
    timeout 3600 "$PY" bench/generate_tablero.py | tee "$OUT/generate.log"
else
    log "Tablero data already loaded (FORCE=1 to reload)"
    "$PY" bench/generate_tablero.py --layout-only
fi

# Production settings from here on, the in-process import too: a worker runs with DEBUG off (with
# DEBUG on, Django renders every statement's SQL for connection.queries, parameters and all).
export RONDA_ENV=production
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false DEBUG=false LOG_LEVEL=WARNING RONDA_PROXY_HOPS=0
if [[ "$IMPORT_ROWS" -gt 0 ]]; then
    log "CSV import of $IMPORT_ROWS values, in process (check + apply)"
    timeout 1800 "$PY" bench/tablero_import.py --rows "$IMPORT_ROWS" --out "$OUT/import.json" | tee "$OUT/import.txt"
fi

"$PY" manage.py collectstatic --noinput --verbosity 0
GUNICORN_PID=""
cleanup() {
    if [[ -n "$GUNICORN_PID" ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        log "stopping gunicorn (pid $GUNICORN_PID)"
        kill -TERM "$GUNICORN_PID" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$GUNICORN_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT INT TERM
rm -f "$OUT"/{warmup,paced,saturated,single}_*.csv "$OUT"/gunicorn.log
log "gunicorn: $WORKERS sync workers on 127.0.0.1:$PORT (RONDA_ENV=production; timeout 900 s for the big POST)"
"$BIN/gunicorn" ronda.wsgi:application --workers "$WORKERS" --worker-class sync --bind "127.0.0.1:$PORT" \
    --timeout 900 --graceful-timeout 10 --log-level warning --error-logfile "$OUT/gunicorn.log" &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
    "$PY" -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('$HOST/salud', timeout=2).status == 200 else 1)" 2>/dev/null && break
    sleep 0.5
done

run_locust() {  # name users seconds wait_min wait_max
    local name="$1" users="$2" seconds="$3" wmin="$4" wmax="$5"; shift 5
    log "locust: $name, $users clients, ${seconds}s recorded, think time ${wmin}-${wmax}s"
    BENCH_WAIT_MIN="$wmin" BENCH_WAIT_MAX="$wmax" BENCH_SINGLE="$([[ $name == single ]] && echo 1 || echo 0)" \
    BENCH_SAMPLES="$OUT/${name}_samples.csv" BENCH_RECORD_SECONDS="$seconds" \
    timeout $((seconds + LOGIN_ALLOWANCE + 60)) "$BIN/locust" -f bench/locust_tablero.py --headless \
        -u "$users" -r "$users" -t "$((seconds + LOGIN_ALLOWANCE))s" --host "$HOST" --stop-timeout 10 \
        --csv "$OUT/$name" --only-summary --loglevel WARNING "$@" || log "locust $name exited with $? (1: some requests failed)"
}
run_locust warmup "$USERS" "$WARMUP" 0 0
for scenario in $SCENARIOS; do
    case "$scenario" in
        paced) run_locust paced "$USERS" "$RUN_TIME" 0.25 0.75 ;;
        saturated) run_locust saturated "$USERS" "$RUN_TIME" 0 0 ;;
        single) run_locust single 1 "$SINGLE_TIME" 0 0 ;;
    esac
done
log "write-to-read lag ($LAG writes), POST dataValueSets ($POST_VALUES values), CSV export"
EXPORT_FLAG=""; [[ "$EXPORT" == "1" ]] && EXPORT_FLAG="--export"
timeout 3600 "$PY" bench/tablero_http.py --host "$HOST" --gunicorn-pid "$GUNICORN_PID" --lag "$LAG" \
    --post-values "$POST_VALUES" $EXPORT_FLAG --json "$OUT/http.json" | tee "$OUT/http.txt" || log "tablero_http.py failed"
cleanup
trap - EXIT INT TERM
unset RONDA_ENV
log "queries and raw SQL (bench/tablero_queries.py)"
timeout 900 "$PY" bench/tablero_queries.py --json "$OUT/queries.json" > "$OUT/queries.md" || log "tablero_queries.py failed"

scenario_args=()
for s in $SCENARIOS; do scenario_args+=(--scenario "$s"); done
{
    echo "## Tablero bench run $(date -u +%Y-%m-%dT%H:%M:%SZ) ($(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo '+dirty'))"
    echo
    echo "PostgreSQL $(psql -h 127.0.0.1 -U postgres -Atc 'SHOW server_version' postgres), $WORKERS gunicorn workers, $USERS clients, $(nproc) cores"
    # How fast this machine is today (machines differ by 1.5x from one session to the next):
    # one core's time for a fixed piece of Python, to compare runs made on different machines.
    echo "CPU reference: $("$PY" -c 'import time; t = time.perf_counter(); sum(range(10**8)); print(round(time.perf_counter() - t, 2))') s for sum(range(10**8))"
    (cd bench && "$PY" report_tablero.py --out-dir "$OUT" "${scenario_args[@]}" --judge paced --json "$OUT/summary.json")
    echo; echo "### Import (in process)"; echo; echo '```'; cat "$OUT/import.json" 2>/dev/null || echo "not run"; echo '```'
    echo; echo "### HTTP (lag, POST dataValueSets, export)"; echo; echo '```'; cat "$OUT/http.json" 2>/dev/null || echo "not run"; echo '```'
    echo; cat "$OUT/queries.md" 2>/dev/null | sed -n '1,30p'
} > "$OUT/summary.md"
cat "$OUT/summary.md"
