#!/usr/bin/env bash
# Provision solc for Ape (ape-solidity -> py-solc-x) without downloading a compiler.
#
# py-solc-x runs whatever executable is named solc-v<version> in its install folder (~/.solcx, or
# $SOLCX_BINARY_PATH). Its own installer downloads native solc from a host this machine cannot reach, and
# Debian packages no solc, so we put there a small shim that runs tools/solc.js (solc-js, the same compiler
# built to WebAssembly, from node_modules) with this checkout's absolute path.
#
# A native solc-v<version> already in that folder (say from `python -m solcx.install` on a connected
# machine) is preferred and left alone. Our shim is recognised by its marker line and rewritten whenever it
# points at another checkout or another node.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node="$(command -v node)" || { echo "install-solc: node not found on PATH" >&2; exit 1; }
# The version is the installed solc-js package's, so the shim's name always matches what it runs.
version="$("$node" -p "require('$root/node_modules/solc/package.json').version")"
folder="${SOLCX_BINARY_PATH:-$HOME/.solcx}"
target="$folder/solc-v$version"
marker="# solc-js shim written by tools/install-solc.sh"

shim="#!/bin/sh
$marker; \`make setup\` rewrites it.
exec \"$node\" \"$root/tools/solc.js\" \"\$@\""

if [ -e "$target" ] && ! grep -qF "$marker" "$target" 2>/dev/null; then
  echo "install-solc: keeping native $target"
  exit 0
fi
if [ -x "$target" ] && [ "$(cat "$target")" = "$shim" ]; then
  exit 0  # already ours and pointing here
fi

mkdir -p "$folder"
tmp="$(mktemp "$folder/.solc-v$version.XXXXXX")"
printf '%s\n' "$shim" > "$tmp"
chmod 755 "$tmp"
mv -f "$tmp" "$target"
if ! "$target" --version | grep -q "Version: $version+"; then
  echo "install-solc: $target does not run" >&2
  exit 1
fi
echo "install-solc: $target -> node $root/tools/solc.js"
