#!/bin/sh
# One backend image, several roles (Redash-style):
#   api        gunicorn serving unionhome.wsgi:app on :5000
#   worker     an RQ worker (python -m workers.worker)
#   scheduler  the periodic-job scheduler, run exactly one (python -m workers.scheduler)
#   migrate    upgrade the database schema, then exit (run once before api/worker/scheduler)
#   manage     any Flask CLI command, e.g. `manage uh create-platform-admin admin`
set -eu

usage() {
    echo "usage: entrypoint.sh api | worker | scheduler | migrate | manage <flask args...>" >&2
    exit 64
}

# Refuse to start with the placeholders of infra/deploy/.env.example or with a secret missing.
# (UH_ALLOW_PLACEHOLDER_SECRETS=1 skips this, for a throwaway trial.)
check_env() {
    [ "${UH_ALLOW_PLACEHOLDER_SECRETS:-0}" = "1" ] && return 0
    missing=""
    for name in DATABASE_URL REDIS_URL SECRET_KEY PII_MASTER_KEY; do
        eval "value=\${$name:-}"
        case "$value" in
            "") missing="$missing $name" ;;
            *change-me*) missing="$missing $name(placeholder)" ;;
        esac
    done
    if [ -n "$missing" ]; then
        echo "entrypoint: set these in infra/deploy/.env:$missing" >&2
        exit 78
    fi
}

role="${1:-api}"
[ "$#" -gt 0 ] && shift

case "$role" in
    api)
        check_env
        exec gunicorn -b 0.0.0.0:5000 -w "${GUNICORN_WORKERS:-4}" \
            --timeout "${GUNICORN_TIMEOUT:-120}" --forwarded-allow-ips "*" \
            --access-logfile - --error-logfile - \
            unionhome.wsgi:app
        ;;
    worker)
        check_env
        exec python -m workers.worker "$@"
        ;;
    scheduler)
        check_env
        exec python -m workers.scheduler "$@"
        ;;
    migrate)
        check_env
        exec flask --app unionhome.wsgi:app uh migrate
        ;;
    manage)
        exec flask --app unionhome.wsgi:app "$@"
        ;;
    -h|--help|help)
        usage
        ;;
    *)
        echo "entrypoint: unknown role '$role'" >&2
        usage
        ;;
esac
