#!/usr/bin/env bash
# What the full test suite needs beyond `npm install`, installed once:
# - cfn-lint and botocore (PyPI): lakec build's tests lint the synthesized templates and validate
#   the generated Glue and Lake Formation inputs against botocore's service models;
# - moto's server (PyPI): test/build/moto.test.ts runs the generated Lambda functions against it
#   on 127.0.0.1, and the generated preflight against it;
# - parliament (PyPI): test/build/synth.test.ts lints every IAM policy of every example with it;
# - the VS Code extension's own dependencies (vsce packages it in the tests);
# - Neovim (Debian), the real LSP client of test/lsp/nvim.test.ts;
# - Chromium (Debian), the headless browser test/build/loadtest.test.ts renders the load test's
#   HTML report in (through playwright-core, which downloads no browser of its own);
# - Java 17 and Maven (Debian, when missing) and the Maven dependencies of the Flink tests
#   (test/flink: runtime/java and the generated flink/ projects), resolved into ~/.m2 once by
#   building the reference spec's project (about 320 MB the first time).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check cfn-lint botocore 'moto[server]>=5.2,<6' 'parliament>=1.6,<2'
(cd editors/vscode && npm install --no-audit --no-fund)
if ! command -v nvim >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim >/dev/null
  else
    echo "test/setup.sh: Neovim is missing; install it (e.g. sudo apt-get install neovim) for the editor tests" >&2
    exit 1
  fi
fi
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test/setup.sh: Chromium is missing; install it (e.g. sudo apt-get install chromium) for the load test report's test" >&2
    exit 1
  fi
fi
if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
  else
    echo "test/setup.sh: Java 17 and Maven are missing; install them (e.g. sudo apt-get install openjdk-17-jdk-headless maven) for the Flink tests" >&2
    exit 1
  fi
fi
warm="$(mktemp -d)"
trap 'rm -rf "$warm"' EXIT
node compiler/dist/lakec.js build examples/audit-surveillance.lake -o "$warm" >/dev/null
(cd "$warm/flink" && mvn -B -q -DskipTests verify dependency:resolve-plugins >/dev/null)
# runtime/java, with one small test class, so that the test runner (Surefire's JUnit provider) is resolved too.
mvn -B -q -f runtime/java/pom.xml verify -Dtest=LateAndCurrentTest -Dsurefire.failIfNoSpecifiedTests=false >/dev/null
