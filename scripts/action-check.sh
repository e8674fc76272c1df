#!/usr/bin/env bash
# The GitHub Action's check step (action.yml): picks a Chromium that loads extensions, runs
# `durable-sessions check` with the action's inputs, writes the JSON / JUnit / trace files to
# the output folder, the job summary, and the step outputs. It exits 0 when the check ran,
# whatever its verdicts (action.yml fails the job afterwards, once the artifacts are uploaded),
# and non-zero only when it could not run at all.
set -uo pipefail

ACTION_PATH="${GITHUB_ACTION_PATH:?}"
WORKSPACE="${GITHUB_WORKSPACE:-$PWD}"
abs() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$WORKSPACE" "$1" ;; esac; }

OUT="$(abs "${INPUT_OUTPUT_DIR:-durable-sessions}")"
mkdir -p "$OUT"

browser="${INPUT_BROWSER:-}"
if [ -z "$browser" ]; then
  # Google Chrome (what the runners ship) ignores --load-extension since version 137; Debian's
  # or Playwright's Chromium loads it.
  if [ -n "${CHROMIUM_PATH:-}" ]; then browser="$CHROMIUM_PATH"
  elif [ -x /usr/bin/chromium ]; then browser=/usr/bin/chromium
  else
    (cd "$ACTION_PATH" && npx --no-install playwright-core install --with-deps chromium) || exit 2
    browser="$(cd "$ACTION_PATH" && node -e "import('playwright-core').then((m) => console.log(m.chromium.executablePath()))")"
  fi
fi

args=(check "$INPUT_URL" --browser "$browser" --json "$OUT/report.json" --junit "$OUT/junit.xml" --trace "$OUT/trace.dstrace.json")
[ -n "${INPUT_PROMPT:-}" ] && args+=(--prompt "$INPUT_PROMPT")
[ -n "${INPUT_TESTS:-}" ] && args+=(--only "$INPUT_TESTS")
[ -n "${INPUT_TIMEOUT:-}" ] && args+=(--timeout "$INPUT_TIMEOUT")
[ -n "${INPUT_DROP_AFTER:-}" ] && args+=(--drop-after "$INPUT_DROP_AFTER")
[ -n "${INPUT_INPUT:-}" ] && args+=(--input "$INPUT_INPUT")
[ -n "${INPUT_SEND:-}" ] && args+=(--send "$INPUT_SEND")
[ -n "${INPUT_STOP:-}" ] && args+=(--stop "$INPUT_STOP")
[ -n "${INPUT_SECOND_TAB_URL:-}" ] && args+=(--second-tab-url "$INPUT_SECOND_TAB_URL")
[ -n "${INPUT_DRIVER:-}" ] && args+=(--driver "$(abs "$INPUT_DRIVER")")

# The package's own bin, run from its folder (npx finds it there).
(cd "$ACTION_PATH" && npx --no-install durable-sessions "${args[@]}")
code=$?

{
  echo "exit-code=$code"
  echo "report=$OUT/report.json"
  if [ -f "$OUT/report.json" ]; then
    node -e "const r = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')); console.log('trapped=' + r.trapped)" "$OUT/report.json"
  fi
} >> "${GITHUB_OUTPUT:-/dev/null}"

(cd "$ACTION_PATH" && npx --no-install tsx scripts/job-summary.ts "$OUT/report.json" --artifact "${INPUT_ARTIFACT_NAME:-durable-sessions}")
# Exit 2 is a usage or setup error: no verdict to wait for, so the step fails now.
[ "$code" -eq 2 ] && exit 2
exit 0
