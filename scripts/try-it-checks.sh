# The steps and checks of scripts/try-it.sh, sourced by it: what runs an example, and what checks its result.

# On exit: no job of an example left running, the scratch folder removed, and a failure named by its step.
finish() {
  local status=$?
  local job
  for job in $(jobs -p); do kill "$job" 2>/dev/null || true; done
  rm -rf "$WORK"
  if [ "$status" -ne 0 ]; then
    echo "try-it: FAILED at step \"$STEP\" (exit $status)" >&2
  fi
}

step() {
  STEP=$1
  echo
  echo "== $STEP"
}

# Runs one README example (read from stdin) in this shell, so that the variables it sets stay set; shows it
# and what it printed, and keeps that in $OUT for the checks after it.
run() {
  local example
  example=$(cat)
  sed 's/^/  $ /' <<< "$example"
  eval "$example" > "$WORK/.out"
  OUT=$(cat "$WORK/.out")
  if [ -n "$OUT" ]; then
    printf '%s\n' "$OUT" | cut -c1-300 | head -n 20 | sed 's/^/  > /'
  fi
}

fail() {
  echo "try-it: $*" >&2
  exit 1
}

expect_output() {
  [ "$OUT" = "$1" ] || fail "expected the output \"$1\", got \"$OUT\""
}

expect_last_line() {
  [ "$(tail -n 1 <<< "$OUT")" = "$1" ] || fail "expected the last line \"$1\", got \"$(tail -n 1 <<< "$OUT")\""
}

expect_in_output() {
  case "$OUT" in
    *"$1"*) ;;
    *) fail "expected \"$1\" in the output" ;;
  esac
}

# expect_json PATH [VALUE]: the last line of the output is JSON with a value at PATH (VALUE, when given)
expect_json() {
  local actual
  actual=$(tail -n 1 <<< "$OUT" | json "$1") || fail "no $1 in the output"
  [ $# -eq 1 ] || [ "$actual" = "$2" ] || fail "expected $1 to be $2, got $actual"
}

expect_set() {
  [ -n "${!1:-}" ] || fail "expected \$$1 to be set"
}

expect_same_file() {
  cmp -s "$1" "$2" || fail "expected $1 to hold the same bytes as $2 ($(wc -c < "$1") bytes, not $(wc -c < "$2"))"
}

WAIT_SECONDS=${WAIT_SECONDS:-60}

# wait_until WHAT COMMAND...: retries COMMAND until it succeeds, for at most WAIT_SECONDS
wait_until() {
  local what=$1 deadline=$((SECONDS + WAIT_SECONDS))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "waited ${WAIT_SECONDS}s for $what"
    sleep 0.2
  done
}

is_uploaded() {
  [ "$(gql 'query($id: ID!) { asset(id: $id) { state } }' id="$1" | json data.asset.state)" = UPLOADED ]
}

is_completed() {
  [ "$(curl -s -X POST "$BASE_URL/services/process/info" -H "Authorization: Bearer $WW" -d "processId=$1" | json status)" = COMPLETED ]
}

# is_served URL [CURL ARGS...]: answers 200
is_served() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$@")" = 200 ]
}
