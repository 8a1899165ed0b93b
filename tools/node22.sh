# Sourced, not run: puts Node 22 or newer first on PATH for the browser tests and the AWS CDK (Node 20 is past its
# end of life, and the CDK says so on every synth). The machine's own node when it is new enough; otherwise Node 22
# from the npm registry (the "node" package carries the binary), installed once into .tools/node.
node22_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node22_major=$(node --version 2>/dev/null | sed -n 's/^v\([0-9]*\)\..*/\1/p')
if [[ ${node22_major:-0} -lt 22 ]]; then
  if [[ ! -x "$node22_root/.tools/node/node_modules/.bin/node" ]]; then
    echo "mondrian: installing Node 22 with npm into .tools/node" >&2
    npm install --prefix "$node22_root/.tools/node" --no-audit --no-fund --loglevel=error node@22 >/dev/null
  fi
  export PATH="$node22_root/.tools/node/node_modules/.bin:$PATH"
fi
unset node22_root node22_major
