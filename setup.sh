#!/usr/bin/env bash
# Idempotent machine set-up for pymeta (Debian bookworm, run as root).
# Installs the Debian packages the project needs (only the missing ones),
# then the pinned CRAN packages via r_reference/install.R.
# Prints nothing when everything is already in place; on failure it prints
# the failing step's output and exits non-zero.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

DEBIAN_PKGS=(
  # Python side (use /usr/bin/python3, which sees these)
  python3-numpy python3-scipy python3-pandas python3-rpy2 python3-pytest
  python3-hypothesis python3-matplotlib python3-pytest-xdist tox python3-pyflakes
  # R side: compilers/headers for CRAN source packages, metafor (pinned
  # 3.8-1, bookworm's version) and the Debian builds of meta's dependencies
  r-base-dev r-cran-metafor r-cran-metadat r-cran-lme4 r-cran-ggplot2
  r-cran-xml2 r-cran-readr r-cran-dplyr r-cran-magrittr r-cran-purrr
  r-cran-stringr r-cran-rlang r-cran-tibble r-cran-scales r-cran-cli
  # pimeta (meta's method.predict = "NNF") is compiled from CRAN with these
  r-cran-rcpp r-cran-rcppeigen
)

# Run a command with its output kept in a log; show the log only on failure.
quietly() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    echo "setup.sh: failed: $*" >&2
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
}

missing=()
for pkg in "${DEBIAN_PKGS[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
  [[ "$status" == ii* ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  quietly apt-get update
  quietly apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Rscript's own messages go to stderr; it is silent when all pins are met.
Rscript r_reference/install.R
