#!/usr/bin/env node
// A `solc` command line over solc-js (the `solc` npm package), for machines where no native solc can be
// installed. It does the two things Ape (py-solc-x) and Slither (crytic-compile) ask of solc:
//
//   solc --version
//   solc --standard-json [--base-path DIR] [--include-path DIR]... [--allow-paths A,B] [-]  < input.json
//
// solc-js runs the same compiler (compiled to WebAssembly), so output and bytecode are those of native solc
// of the same version. Not the `solcjs` CLI: it truncates output past 64 KiB on a pipe and prints a stray
// SMT line on stdout. Here the output is written synchronously, all of it, before exiting.
"use strict";

const fs = require("fs");
const path = require("path");
const solc = require("solc");

function fail(message) {
  fs.writeSync(2, `${message}\n`);
  process.exit(1);
}

function writeAll(fd, text) {
  const buffer = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += fs.writeSync(fd, buffer, offset, buffer.length - offset);
    } catch (err) {
      if (err.code !== "EAGAIN") throw err; // a non-blocking pipe that is full: try again
    }
  }
}

// Options as native solc spells them ("--opt value" or "--opt=value"); unknown ones are refused in
// solc's own words, which py-solc-x turns into a clear error.
const opts = { standardJson: false, version: false, basePath: null, includePaths: [], allowPaths: [] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  let [flag, value] = argv[i].split(/=(.*)/s, 2);
  const takeValue = () => (value !== undefined ? value : argv[++i]);
  switch (flag) {
    case "--version": opts.version = true; break;
    case "--standard-json": opts.standardJson = true; break;
    case "-": break; // read stdin: the only input this shim knows
    case "--base-path": opts.basePath = takeValue(); break;
    case "--include-path": opts.includePaths.push(takeValue()); break;
    case "--allow-paths": opts.allowPaths.push(...takeValue().split(",").filter(Boolean)); break;
    default: fail(`unrecognised option '${flag}'`);
  }
}

if (opts.version) {
  // Same two lines as native solc; the build suffix is solc-js's own (Emscripten.clang).
  writeAll(1, `solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}
if (!opts.standardJson) fail("this solc shim only supports --version and --standard-json");

// Imports resolve as in native solc: relative to the base path (default: the working directory), then to
// each include path; absolute paths only inside the base, include or allowed directories.
const basePath = path.resolve(opts.basePath || ".");
const roots = [basePath, ...opts.includePaths.map((p) => path.resolve(p))];
const allowed = [...roots, ...opts.allowPaths.map((p) => path.resolve(p))];
const inside = (file, dir) => !path.relative(dir, file).startsWith("..");

function findImport(importPath) {
  const candidates = path.isAbsolute(importPath)
    ? [importPath]
    : roots.map((root) => path.join(root, importPath));
  for (const file of candidates) {
    if (allowed.some((dir) => inside(file, dir)) && fs.existsSync(file) && fs.statSync(file).isFile()) {
      return { contents: fs.readFileSync(file, "utf8") };
    }
  }
  return { error: `File not found inside the base path or any of the include paths: ${importPath}` };
}

const input = JSON.parse(fs.readFileSync(0, "utf8"));
// crytic-compile names sources by "urls" rather than "content": read them here, as native solc does.
for (const [name, source] of Object.entries(input.sources || {})) {
  if (source.content === undefined && Array.isArray(source.urls)) {
    const found = source.urls.map(findImport).find((r) => r.contents !== undefined);
    if (found) source.content = found.contents;
    else fail(`Cannot import url ("${name}"): File not found.`);
    delete source.urls;
  }
}
writeAll(1, solc.compile(JSON.stringify(input), { import: findImport }));
