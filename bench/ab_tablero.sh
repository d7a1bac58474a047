#!/usr/bin/env bash
# A/B of the Tablero (dashboards and analytics): the same locust scenarios against gunicorn serving APP_DIR's code (a git
# worktree of an older commit, say) on the same bench database.  bash bench/ab_tablero.sh APP_DIR OUT_DIR [PORT]
set -euo pipefail
APP_DIR="$1"; OUT="$2"; PORT="${3:-8767}"
ROOT=/work/main; BIN=$ROOT/.venv/bin; PY=$BIN/python
mkdir -p "$OUT"; rm -f "$OUT"/*.csv "$OUT"/*.html
export DJANGO_SETTINGS_MODULE=ronda.settings DATABASE_URL=postgres://postgres@127.0.0.1:5432/ronda_bench
export RONDA_ENV=production SECRET_KEY="$($PY -c 'import secrets; print(secrets.token_urlsafe(64))')"
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false DEBUG=false LOG_LEVEL=WARNING RONDA_PROXY_HOPS=0
(cd "$APP_DIR" && $PY manage.py collectstatic --noinput --verbosity 0)
$BIN/gunicorn ronda.wsgi:application --chdir "$APP_DIR" --workers 2 --worker-class sync --bind 127.0.0.1:$PORT \
  --timeout 60 --log-level warning --error-logfile "$OUT/gunicorn.log" &
G=$!
trap 'kill -TERM $G 2>/dev/null; wait $G 2>/dev/null' EXIT
for _ in $(seq 1 60); do curl -sf -o /dev/null http://127.0.0.1:$PORT/salud && break; sleep 0.5; done
run() { local name=$1 users=$2 secs=$3 wmin=$4 wmax=$5
  cd $ROOT && BENCH_WAIT_MIN=$wmin BENCH_WAIT_MAX=$wmax BENCH_SINGLE=$([[ $name == single ]] && echo 1 || echo 0) \
  BENCH_SAMPLES="$OUT/${name}_samples.csv" BENCH_RECORD_SECONDS=$secs \
  timeout $((secs + 90)) $BIN/locust -f bench/locust_tablero.py --headless -u $users -r $users -t $((secs + 30))s \
    --host http://127.0.0.1:$PORT --stop-timeout 10 --csv "$OUT/$name" --only-summary --loglevel WARNING || true; }
run warmup 20 15 0 0; sleep 2
run paced 20 60 0.25 0.75; sleep 2
run single 1 30 0 0
cd $ROOT && $PY bench/report_tablero.py --out-dir "$OUT" --scenario paced --scenario single --judge paced --json "$OUT/summary.json" > "$OUT/summary.md"
cat "$OUT/summary.md" | grep -E "^\| .GET|^### "
