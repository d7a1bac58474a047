#!/usr/bin/env bash
# Protection and alternative care's benchmark (issue #12, "Performance"): one command, bounded in time,
# only ever against 127.0.0.1.
#
#   bash bench/run_protection.sh                          # full scale: generate if needed, then measure
#   BENCH_SCALE=0.01 BENCH_RUN_TIME=20 bash bench/run_protection.sh   # the small proof (25 municipalities)
#   FORCE=1 bash bench/run_protection.sh                  # reload the protection data first (not the territory)
#
# Steps: PostgreSQL up -> bench/generate.py if its --check fails (pending migrations only: migrate, never
# drop the shared database) -> bench/generate_protection.py --scale S if its --check fails (or FORCE=1) ->
# wait (bounded) for a quiet machine -> gunicorn (RONDA_ENV=production, DEBUG=false, 2 sync workers) -> CPU
# and RSS sampler -> locust (bench/locust_protection.py): warm-up, paced (judged), single -> stop gunicorn ->
# in-process queries and raw-SQL times (bench/protection_queries.py) -> summary (bench/report_protection.py)
# in bench/out/protection/summary.md.
#
# Knobs: BENCH_SCALE (1.0), BENCH_PORT (8769), BENCH_DB (ronda_bench), BENCH_USERS (20), BENCH_RUN_TIME
# (60), BENCH_WARMUP (15), BENCH_SINGLE_TIME (30), BENCH_WORKERS (2), BENCH_SCENARIOS ("paced single"),
# BENCH_QUIET_WAIT (180), BENCH_QUERY_REPEAT (20), BENCH_OUT (bench/out/protection).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/.venv/bin"
PY="$BIN/python"
OUT="${BENCH_OUT:-$ROOT/bench/out/protection}"
SCALE="${BENCH_SCALE:-1.0}"
PORT="${BENCH_PORT:-8769}"
DB_NAME="${BENCH_DB:-ronda_bench}"
USERS="${BENCH_USERS:-20}"
RUN_TIME="${BENCH_RUN_TIME:-60}"
WARMUP="${BENCH_WARMUP:-15}"
SINGLE_TIME="${BENCH_SINGLE_TIME:-30}"
WORKERS="${BENCH_WORKERS:-2}"
SCENARIOS="${BENCH_SCENARIOS:-paced single}"
QUIET_WAIT="${BENCH_QUIET_WAIT:-180}"
QUERY_REPEAT="${BENCH_QUERY_REPEAT:-20}"
LOGIN_ALLOWANCE=40
HOST="http://127.0.0.1:${PORT}"

export DJANGO_SETTINGS_MODULE=ronda.settings
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB_NAME}"
mkdir -p "$OUT"
log() { printf '[protection %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# --- 1. PostgreSQL and the data --------------------------------------------------------------------
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
if [[ "${FORCE:-0}" == "1" ]] || ! "$PY" bench/generate_protection.py --check --scale "$SCALE"; then
    log "loading protection's data at scale $SCALE (bench/generate_protection.py; ~10 min at 1.0)"
    timeout 7200 "$PY" bench/generate_protection.py --scale "$SCALE" | tee "$OUT/generate.log"
else
    log "protection data of scale $SCALE already loaded (FORCE=1 to reload)"
fi

# The kept figures of alternative care (the periodic job protection.refresh_figures does this every
# 10 minutes in production): one pass over the country, timed.
"$PY" manage.py migrate --noinput --verbosity 0
log "counting the figures of alternative care (the periodic job's work)"
"$PY" - > "$OUT/refresh.txt" <<'PYREFRESH'
import time
import django
django.setup()
from ronda.protection import figures
t0 = time.perf_counter()
figures.refresh_current_year()
print(f"{time.perf_counter() - t0:.1f}")
PYREFRESH
log "figures counted in $(cat "$OUT/refresh.txt") s"

# --- 2. gunicorn in production mode ---------------------------------------------------------------------
export RONDA_ENV=production
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false DEBUG=false LOG_LEVEL=WARNING RONDA_PROXY_HOPS=0
"$PY" manage.py collectstatic --noinput --verbosity 0
GUNICORN_PID=""
SAMPLER_PID=""
cleanup() {
    if [[ -n "$SAMPLER_PID" ]] && kill -0 "$SAMPLER_PID" 2>/dev/null; then kill -TERM "$SAMPLER_PID" 2>/dev/null || true; fi
    if [[ -n "$GUNICORN_PID" ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        log "stopping gunicorn (pid $GUNICORN_PID)"
        kill -TERM "$GUNICORN_PID" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$GUNICORN_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT INT TERM
rm -f "$OUT"/{warmup,paced,saturated,single}_*.{csv,json} "$OUT"/{rss,cpu}.csv "$OUT"/gunicorn.log "$OUT"/summary.md
QUIET="quiet"
"$PY" bench/rss_sampler.py --wait-quiet "$QUIET_WAIT" || QUIET="busy (gave up waiting after ${QUIET_WAIT} s)"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
log "gunicorn: $WORKERS sync workers on 127.0.0.1:$PORT (RONDA_ENV=production)"
"$BIN/gunicorn" ronda.wsgi:application --workers "$WORKERS" --worker-class sync --bind "127.0.0.1:$PORT" \
    --timeout 60 --graceful-timeout 10 --log-level warning --error-logfile "$OUT/gunicorn.log" &
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
echo idle > "$OUT/phase"
"$PY" bench/rss_sampler.py --pid "$GUNICORN_PID" --out "$OUT/rss.csv" --cpu-out "$OUT/cpu.csv" \
    --phase-file "$OUT/phase" --interval 0.5 --max-seconds 3600 &
SAMPLER_PID=$!

# --- 3. Load ------------------------------------------------------------------------------------------
run_locust() {  # name users seconds wait_min wait_max
    local name="$1" users="$2" seconds="$3" wmin="$4" wmax="$5"; shift 5
    echo "$name" > "$OUT/phase"
    log "locust: $name, $users clients, ${seconds}s recorded, think time ${wmin}-${wmax}s"
    BENCH_WAIT_MIN="$wmin" BENCH_WAIT_MAX="$wmax" BENCH_SINGLE="$([[ $name == single ]] && echo 1 || echo 0)" \
    BENCH_SAMPLES="$OUT/${name}_samples.csv" BENCH_EXTRA="$OUT/${name}_extra.json" BENCH_RECORD_SECONDS="$seconds" \
    timeout $((seconds + LOGIN_ALLOWANCE + 60)) "$BIN/locust" -f bench/locust_protection.py --headless \
        -u "$users" -r "$users" -t "$((seconds + LOGIN_ALLOWANCE))s" --host "$HOST" --stop-timeout 10 \
        --csv "$OUT/$name" --only-summary --loglevel WARNING "$@" || log "locust $name exited with $? (1: some requests failed)"
}
run_locust warmup "$USERS" "$WARMUP" 0 0
for scenario in $SCENARIOS; do
    case "$scenario" in
        paced) run_locust paced "$USERS" "$RUN_TIME" 0.25 0.75 ;;
        saturated) run_locust saturated "$USERS" "$RUN_TIME" 0 0 ;;
        single) run_locust single 1 "$SINGLE_TIME" 0 0 ;;
        *) log "unknown scenario $scenario"; exit 1 ;;
    esac
done
echo after > "$OUT/phase"
UPTIME_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
cleanup
trap - EXIT INT TERM
unset RONDA_ENV

# --- 4. In process: the SQL of each request and its raw time ---------------------------------------------
log "queries and raw SQL (bench/protection_queries.py)"
timeout 900 "$PY" bench/protection_queries.py --repeat "$QUERY_REPEAT" --plans --json "$OUT/queries.json" \
    > "$OUT/queries.md" 2> "$OUT/queries.err" || log "protection_queries.py failed (see $OUT/queries.err)"

# --- 5. Summary -------------------------------------------------------------------------------------------
scenario_args=()
for s in $SCENARIOS; do scenario_args+=(--scenario "$s"); done
{
    echo "## Protection bench run $(date -u +%Y-%m-%dT%H:%M:%SZ) ($(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo '+dirty'))"
    echo
    echo "Scale $SCALE: $("$PY" -c "import json; d = json.load(open('bench/out/protection.json')); print(', '.join(f'{k} {d[k]:,}' for k in ('municipalities', 'files', 'reviews', 'facilities', 'families')))"); database $(psql -h 127.0.0.1 -U postgres -Atc "SELECT pg_size_pretty(pg_database_size('$DB_NAME'))" postgres)."
    echo "PostgreSQL $(psql -h 127.0.0.1 -U postgres -Atc 'SHOW server_version' postgres), $WORKERS gunicorn workers (RONDA_ENV=production), $USERS clients, $(nproc) cores."
    echo "Machine before the run: $QUIET; load average $LOAD_BEFORE before, $UPTIME_AFTER after the load."
    echo "CPU reference: $("$PY" -c 'import time; t = time.perf_counter(); sum(range(10**8)); print(round(time.perf_counter() - t, 2))') s for sum(range(10**8))"
    echo "The periodic job's pass over the country (protection.refresh_figures, every 10 minutes): $(cat "$OUT/refresh.txt") s."
    echo "Command: \`BENCH_SCALE=$SCALE BENCH_USERS=$USERS BENCH_RUN_TIME=$RUN_TIME BENCH_WARMUP=$WARMUP BENCH_SINGLE_TIME=$SINGLE_TIME bash bench/run_protection.sh\`"
    (cd bench && "$PY" report_protection.py --out-dir "$OUT" "${scenario_args[@]}" --judge paced \
        --queries "$OUT/queries.json" --json "$OUT/summary.json")
    echo
    echo "### Who used the CPU (mean % of one core)"
    echo
    "$PY" - "$OUT/cpu.csv" "$OUT/rss.csv" <<'PYCPU' || true
import sys
sys.path.insert(0, "bench")
from pathlib import Path
from report import read_cpu, read_rss
rss = read_rss(Path(sys.argv[2]))
print(f"Largest gunicorn worker: {rss['max_worker_mb']:.0f} MiB resident ({rss['samples']:,} samples).\n")
cpu = read_cpu(Path(sys.argv[1]))
if not cpu:
    print("no CPU samples")
else:
    keys = [k for k in next(iter(cpu["phases"].values()))]
    print("| phase | " + " | ".join(keys) + " |")
    print("|---|" + "---:|" * len(keys))
    for phase, m in cpu["phases"].items():
        print(f"| {phase} | " + " | ".join(f"{m[k]:.0f}" for k in keys) + " |")
    # As bench/report.py: other processes on the 2 cores inflate every figure, the floor's too.
    other = max((m.get("other_pct", 0.0) for p, m in cpu["phases"].items() if p in ("paced", "single")), default=0.0)
    verdict = "valid" if other <= 15 else "**INVALID: the machine was busy, measure again on a quiet one**"
    print(f"\nProcesses outside the bench used up to {other:.0f} % of a core in a measured phase (limit 15 %): {verdict}.")
PYCPU
    echo
    sed -n '1,12p' "$OUT/queries.md" 2>/dev/null || true
} > "$OUT/summary.md"
cat "$OUT/summary.md"
log "written $OUT/summary.md (samples, locust CSV, queries.md with the plans, gunicorn.log in $OUT)"
