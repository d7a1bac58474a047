#!/usr/bin/env bash
# Ronda benchmark: one command, bounded in time, only ever against 127.0.0.1.
#
#   bash bench/run.sh                 # generate the bench DB if needed, then measure
#   FORCE=1 bash bench/run.sh         # regenerate the bench DB first
#
# Steps: PostgreSQL up -> bench/generate.py (skipped when `generate.py --check` passes,
# unless FORCE=1) -> collectstatic -> gunicorn (RONDA_ENV=production, 2 sync workers) ->
# warm-up -> one locust run per scenario -> RSS samples during and after -> stop gunicorn ->
# bench/report.py prints and writes bench/out/summary.md.
#
# Knobs (environment): BENCH_PORT (8765), BENCH_DB (ronda_bench), BENCH_USERS (20),
# BENCH_RUN_TIME seconds per scenario (60), BENCH_WARMUP seconds (10), BENCH_WORKERS (2),
# BENCH_SCENARIOS ("paced saturated single"), BENCH_SINGLE_TIME (30), BENCH_JUDGE (paced),
# BENCH_QUIET_WAIT seconds to wait for other processes to leave the CPU idle (180).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/.venv/bin"
PY="$BIN/python"
OUT="$ROOT/bench/out"
PORT="${BENCH_PORT:-8765}"
DB_NAME="${BENCH_DB:-ronda_bench}"
USERS="${BENCH_USERS:-20}"
RUN_TIME="${BENCH_RUN_TIME:-60}"
WARMUP="${BENCH_WARMUP:-10}"
WORKERS="${BENCH_WORKERS:-2}"
SCENARIOS="${BENCH_SCENARIOS:-paced saturated single}"
SINGLE_TIME="${BENCH_SINGLE_TIME:-30}"
JUDGE="${BENCH_JUDGE:-paced}"
HOST="http://127.0.0.1:${PORT}"

export DJANGO_SETTINGS_MODULE=ronda.settings
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB_NAME}"
mkdir -p "$OUT"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# --- 1. PostgreSQL ---------------------------------------------------------------------------
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 -q || { log "PostgreSQL is not answering on 127.0.0.1:5432"; exit 1; }
PG_VERSION="$(psql -h 127.0.0.1 -U postgres -Atc 'SHOW server_version' postgres)"

# --- 2. Data -------------------------------------------------------------------------------
if [[ "${FORCE:-0}" == "1" ]] || ! "$PY" bench/generate.py --check; then
    log "generating ${DB_NAME} (bench/generate.py)"
    timeout 900 "$PY" bench/generate.py
else
    log "${DB_NAME} already generated (FORCE=1 to regenerate)"
fi

# --- 3. Production settings, static files ----------------------------------------------------
export RONDA_ENV=production
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false DEBUG=false LOG_LEVEL=WARNING
MANIFEST="$ROOT/var/staticfiles/staticfiles.json"
if [[ -f "$MANIFEST" ]] && [[ -z "$(find ronda/static -newer "$MANIFEST" -print -quit)" ]]; then
    log "static files already collected (var/staticfiles)"
else
    log "collectstatic into var/staticfiles (whitenoise manifest storage needs it in production)"
    "$PY" manage.py collectstatic --noinput --verbosity 0
fi

if "$PY" -c "import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(('127.0.0.1', $PORT)) == 0 else 1)"; then
    log "port $PORT is already in use; set BENCH_PORT"; exit 1
fi

# --- 4. gunicorn + RSS sampler ------------------------------------------------------------------
GUNICORN_PID=""
SAMPLER_PID=""
cleanup() {
    if [[ -n "$SAMPLER_PID" ]] && kill -0 "$SAMPLER_PID" 2>/dev/null; then
        kill -TERM "$SAMPLER_PID" 2>/dev/null || true
        wait "$SAMPLER_PID" 2>/dev/null || true
    fi
    if [[ -n "$GUNICORN_PID" ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        log "stopping gunicorn (pid $GUNICORN_PID)"
        kill -TERM "$GUNICORN_PID" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$GUNICORN_PID" 2>/dev/null || true
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT INT TERM

rm -f "$OUT"/{warmup,paced,saturated,single}_*.csv "$OUT"/{rss,cpu}.csv "$OUT"/summary.md "$OUT"/gunicorn.log
# Other people's test suites share these 2 cores: wait (bounded) for a quiet machine.
QUIET="quiet"
"$PY" bench/rss_sampler.py --wait-quiet "${BENCH_QUIET_WAIT:-180}" || QUIET="busy (gave up waiting after ${BENCH_QUIET_WAIT:-180} s)"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
log "starting gunicorn ronda.wsgi:application, $WORKERS sync workers on 127.0.0.1:$PORT (RONDA_ENV=production)"
"$BIN/gunicorn" ronda.wsgi:application \
    --workers "$WORKERS" --worker-class sync --bind "127.0.0.1:$PORT" \
    --timeout 30 --graceful-timeout 10 --log-level warning --error-logfile "$OUT/gunicorn.log" &
GUNICORN_PID=$!

ready=0
for _ in $(seq 1 60); do
    if "$PY" -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('$HOST/salud', timeout=2).status == 200 else 1)" 2>/dev/null; then
        ready=1; break
    fi
    kill -0 "$GUNICORN_PID" 2>/dev/null || break
    sleep 0.5
done
if [[ "$ready" != 1 ]]; then log "gunicorn did not answer on $HOST/salud"; tail -n 40 "$OUT/gunicorn.log" || true; exit 1; fi
log "gunicorn answers on $HOST/salud"

echo idle > "$OUT/phase"
"$PY" bench/rss_sampler.py --pid "$GUNICORN_PID" --out "$OUT/rss.csv" --cpu-out "$OUT/cpu.csv" \
    --phase-file "$OUT/phase" --interval 0.5 --max-seconds 1200 &
SAMPLER_PID=$!
sleep 2

run_locust() {  # name users seconds wait_min wait_max [extra args]
    local name="$1" users="$2" seconds="$3" wmin="$4" wmax="$5"; shift 5
    echo "$name" > "$OUT/phase"
    log "locust: $name, $users users, ${seconds}s, think time ${wmin}-${wmax}s"
    local rc=0
    BENCH_WAIT_MIN="$wmin" BENCH_WAIT_MAX="$wmax" BENCH_SINGLE="$([[ $name == single ]] && echo 1 || echo 0)" \
    timeout $((seconds + 60)) "$BIN/locust" -f bench/locustfile.py --headless \
        -u "$users" -r "$users" -t "${seconds}s" --host "$HOST" --stop-timeout 5 \
        --csv "$OUT/$name" --only-summary --loglevel WARNING "$@" || rc=$?
    if [[ $rc -ne 0 ]]; then log "locust $name exited with status $rc (1 = some requests failed)"; fi
}

run_locust warmup "$USERS" "$WARMUP" 0 0
for scenario in $SCENARIOS; do
    case "$scenario" in
        paced) users="$USERS"; seconds="$RUN_TIME"; wmin=0.25; wmax=0.75 ;;
        saturated) users="$USERS"; seconds="$RUN_TIME"; wmin=0; wmax=0 ;;
        single) users=1; seconds="$SINGLE_TIME"; wmin=0; wmax=0 ;;
        *) log "unknown scenario $scenario"; exit 1 ;;
    esac
    sleep 2
    BENCH_SAMPLES="$OUT/${scenario}_samples.csv" run_locust "$scenario" "$users" "$seconds" "$wmin" "$wmax" \
        --reset-stats --html "$OUT/$scenario.html"
done
echo after > "$OUT/phase"
log "sampling RSS after the run"
sleep 5
cleanup
trap - EXIT INT TERM

# --- 5. Report -----------------------------------------------------------------------------
GIT_REV="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo '+dirty')"
cat > "$OUT/meta.json" <<JSON
{"scenarios": {
  "paced": "$USERS concurrent clients, each waiting 0.25-0.75 s (uniform) between requests; ${RUN_TIME} s measured after a ${WARMUP} s warm-up.",
  "saturated": "$USERS concurrent clients with no think time (closed loop, the server is saturated); ${RUN_TIME} s measured. Latency here is mostly queueing: it shows capacity, not per-request cost.",
  "single": "1 client, no think time: one request in flight at a time, ${SINGLE_TIME} s. The cost of each request with no queueing (the service time)."
}}
JSON
{
    echo "## Bench run $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo ""
    echo "git $GIT_REV; $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); PostgreSQL $PG_VERSION;"
    echo "gunicorn $WORKERS sync workers, RONDA_ENV=production, DEBUG=false; locust $("$BIN/locust" --version 2>/dev/null | awk '{print $2}') (FastHttpUser) on the same machine."
    echo "Machine before the run: $QUIET; load average $LOAD_BEFORE. Command: \`FORCE=${FORCE:-0} bash bench/run.sh\` (BENCH_USERS=$USERS BENCH_RUN_TIME=$RUN_TIME BENCH_WARMUP=$WARMUP BENCH_SINGLE_TIME=$SINGLE_TIME)."
    echo ""
    "$PY" bench/report.py --out-dir "$OUT" $(for s in $SCENARIOS; do printf -- '--scenario %s ' "$s"; done) \
        --judge "$JUDGE" --rss "$OUT/rss.csv" --cpu "$OUT/cpu.csv" --meta "$OUT/meta.json" --json "$OUT/summary.json"
} > "$OUT/summary.md"
cat "$OUT/summary.md"
log "written $OUT/summary.md (locust CSV/HTML, rss.csv, gunicorn.log in $OUT)"
