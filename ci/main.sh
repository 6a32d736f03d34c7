#!/usr/bin/env bash
# ci/main.sh: the README's main-job command. Sets the machine up, builds the
# release preset and runs the conformance job over the committed goldens.
# Until the conformance runner lands (issue "reference_cpu executor and the
# conformance runner"), the job loads every committed torch_to_nnef export and
# its tensors through nnef/, checks print/parse round trips, and reports per case.
# Extra arguments are passed to `rnnconf`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$RNNCONF_ROOT"
"$RNNCONF_ROOT/ci/setup.sh"
cmake --preset release >/dev/null
cmake --build --preset release -j2
mkdir -p build/reports
exec build/release/tools/rnnconf nnef-check --goldens goldens/data --matrix conformance/matrix.json \
  --json build/reports/nnef-check.json "$@"
