#!/usr/bin/env bash
# The README's test command: set up (idempotent), type-check, run every test once, then run the
# end-to-end node tests again with the node confined by the kernel (issue 7), and print one
# closing line "N passed, N failed, N skipped" over both runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pnpm exec tsc -p tsconfig.json --noEmit

results=$(mktemp -d)
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile="$results/all.json" "$@" ||
  status=$?
if [ $# -eq 0 ]; then
  echo "Again, with every node confined (confine: required):"
  BITCOIND_LITE_CONFINE=required pnpm exec vitest run --reporter=default --reporter=json \
    --outputFile="$results/confined.json" test/mining_basic.test.ts \
    test/feature_persistence.test.ts test/p2p_sync.test.ts test/rpc_blockchain.test.ts \
    test/chainstate_reject_reasons.test.ts test/feature_loadblock.test.ts || status=$?
fi
node -e '
  const fs = require("fs");
  let p = 0, f = 0, s = 0;
  for (const file of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + file, "utf8"));
    p += r.numPassedTests; f += r.numFailedTests; s += r.numPendingTests + r.numTodoTests;
  }
  console.log(`${p} passed, ${f} failed, ${s} skipped`);
' "$results"
exit $status
