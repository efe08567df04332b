#!/usr/bin/env bash
# Generate src/types/api.gen.ts from the backend's OpenAPI document, or check that it is current.
#
#   scripts/api-types.sh           write the spec from the Flask app and regenerate the file (make openapi)
#   scripts/api-types.sh --check   regenerate into a temp dir and diff; exit 1 when the file is stale
#
# The spec comes from `flask openapi write` on the app factory: no database, Redis or S3 is needed
# (DATABASE_URL is unset so nothing tries to connect). FLASK defaults to the repo's .venv.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"   # frontend/
root="$(cd "$here/.." && pwd)"
flask="${FLASK:-$root/.venv/bin/flask}"
target="$here/src/types/api.gen.ts"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$root" && env -u DATABASE_URL "$flask" --app unionhome.wsgi:app openapi write --format=json "$tmp/openapi.json")
# Output schemas list no `required` (marshmallow dumps every field, null when empty): treat their
# properties as present. Schemas that do list `required` (the *Create ones) keep their optionals.
"$here/node_modules/.bin/openapi-typescript" "$tmp/openapi.json" --properties-required-by-default \
  -o "$tmp/api.gen.ts" >/dev/null 2>"$tmp/gen.log" || { cat "$tmp/gen.log" >&2; exit 1; }

if [ "${1:-}" = "--check" ]; then
  if ! diff -u "$target" "$tmp/api.gen.ts" >"$tmp/diff.txt"; then
    echo "openapi: frontend/src/types/api.gen.ts is STALE — the backend's OpenAPI document changed." >&2
    echo "openapi: run \`make openapi\`, check that the frontend still type-checks, and commit the file." >&2
    head -n 60 "$tmp/diff.txt" >&2
    exit 1
  fi
  echo "openapi: src/types/api.gen.ts is up to date"
else
  cp "$tmp/api.gen.ts" "$target"
  echo "openapi: wrote frontend/src/types/api.gen.ts"
fi
