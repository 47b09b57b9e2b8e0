#!/usr/bin/env bash
# API fuzzing: schemathesis generates requests from the served OpenAPI document and checks
# every answer — no 5xx, status codes, content types, headers and bodies as documented,
# schema-valid input accepted, schema-invalid input refused with a 4xx. Against a freshly
# started debug server (SQLite, temporary data dir) with a valid owner token.
#
#   .ci/fuzz-api.sh                      the short, seeded run CI does (~1–2 minutes)
#   FUZZ_EXAMPLES=100 FUZZ_SEED=random FUZZ_TIME=1800 .ci/fuzz-api.sh     a long run
#   FUZZ_ARGS="--phases stateful --report har --report-dir /tmp/st" …       more st options
#
# Idempotent: the venv lives under target/ and is rebuilt only when the pinned
# requirements change.
set -euo pipefail
cd "$(dirname "$0")/.."

examples="${FUZZ_EXAMPLES:-12}"
seed="${FUZZ_SEED:-20260501}"
budget="${FUZZ_TIME:-90}"
venv=target/fuzz-venv
req=.ci/fuzz-requirements.txt

stamp="$(sha256sum "$req" | cut -d' ' -f1)"
if [ "$(cat "$venv/.stamp" 2>/dev/null)" != "$stamp" ]; then
  echo "installing schemathesis into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  echo "$stamp" >"$venv/.stamp"
fi

cargo build --quiet --locked -p omnitrack
data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
OMNITRACK_LOG=warn target/debug/omnitrack serve --bind "127.0.0.1:$port" --data-dir "$data" \
  --base-url "$base" >"$data/server.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

# Wait for the server to answer, sign up (the owner's API token is the fuzzer's) and add an
# employee with a task and a finished, analysed shift, so lists, exports and the board
# answer with real rows to check against their schemas.
token="$(python3 - "$base" <<'PY'
import json, sys, time, urllib.request
base = sys.argv[1]
for _ in range(300):
    try:
        urllib.request.urlopen(base + "/healthz", timeout=1)
        break
    except OSError:
        time.sleep(0.1)

def post(path, body, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers)
    return json.load(urllib.request.urlopen(req, timeout=10))

token = post("/api/v1/signup", {"company_name": "Fuzz Inc", "email": "owner@fuzz.test",
                                "password": "fuzzing is fun 2026", "timezone": "Europe/Berlin"})["token"]
emp = post("/api/v1/employees", {"name": "Fay Fuzz", "id_code": "FUZZ-0001"}, token)["id"]
post("/api/v1/tasks", {"employee_id": emp, "title": "Sort the stockroom"}, token)
post("/api/v1/clock-in", {"id_code": "FUZZ-0001", "standup": "Sort the stockroom"}, token)
post("/api/v1/clock-out", {"id_code": "FUZZ-0001", "report": "Sorted the stockroom"}, token)
print(token)
PY
)"

seed_arg=(--seed "$seed")
[ "$seed" = random ] && seed_arg=()
# Checks and the few operation-level exceptions (with reasons) live in the config file.
# Run from the temporary dir: schemathesis keeps a cache in its working directory.
status=0
root="$PWD"
(cd "$data" && "$root/$venv/bin/st" --config-file "$root/.ci/schemathesis.toml" run \
  "$base/api/v1/openapi.json" --url "$base" \
  --header "Authorization: Bearer $token" \
  --max-examples "$examples" --max-time "$budget" "${seed_arg[@]}" \
  --workers 1 --request-timeout 10 --no-color ${FUZZ_ARGS:-}) || status=$?
# A 5xx is already a failure above; this also catches errors no response showed.
if grep -qE 'ERROR|panicked' "$data/server.log"; then
  echo "the server logged errors during fuzzing:"
  grep -m 20 -E 'ERROR|panicked' "$data/server.log"
  status=1
fi
exit "$status"
