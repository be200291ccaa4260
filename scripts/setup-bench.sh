#!/usr/bin/env bash
# The build packages plus what the PyTorch comparison in bench/ needs.
set -euo pipefail
exec "$(dirname "$0")/setup.sh" python3-torch python3-numpy libtorch-dev
