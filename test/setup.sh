#!/usr/bin/env bash
# What the full test suite needs beyond `npm install`, installed once:
# - cfn-lint and botocore (PyPI): lakec build's tests lint the synthesized templates and validate
#   the generated Glue and Lake Formation inputs against botocore's service models;
# - moto's server (PyPI): test/build/moto.test.ts runs the generated Lambda functions against it
#   on 127.0.0.1;
# - the VS Code extension's own dependencies (vsce packages it in the tests);
# - Neovim (Debian), the real LSP client of test/lsp/nvim.test.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check cfn-lint botocore 'moto[server]>=5.2,<6'
(cd editors/vscode && npm install --no-audit --no-fund)
if ! command -v nvim >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim >/dev/null
  else
    echo "test/setup.sh: Neovim is missing; install it (e.g. sudo apt-get install neovim) for the editor tests" >&2
    exit 1
  fi
fi
