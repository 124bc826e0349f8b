// Enforces the layout rule of docs/STYLE.md: lib/** never imports app/**, and a
// module never reaches into another folder past that folder's index.ts
// (*.bench.ts micro-benchmarks may import the benchmark in bench/).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const srcDir = path.resolve(import.meta.dirname, "..");

function walk(dir: string, out: string[]): string[] {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) walk(p, out);
    else if (ent.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

const importRe = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

test("lib never imports app, and cross-folder imports go through index.ts", () => {
  const problems: string[] = [];
  for (const file of walk(srcDir, [])) {
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith(".")) continue;
      const target = path.resolve(path.dirname(file), spec);
      const relFile = path.relative(srcDir, file);
      const relTarget = path.relative(srcDir, target);
      if (relFile.startsWith("lib" + path.sep) && relTarget.startsWith("app" + path.sep)) {
        problems.push(`${relFile} imports ${spec}: lib must not import app`);
      }
      // Hand-run micro-benchmarks may build their inputs with the project's
      // benchmark (bench/, outside src): they are not part of the program.
      if (file.endsWith(".bench.ts") && relTarget.startsWith(".." + path.sep)) continue;
      const fromDir = path.dirname(file);
      const toDir = path.dirname(target);
      const inside = toDir === fromDir || toDir.startsWith(fromDir + path.sep) || fromDir.startsWith(toDir + path.sep);
      if (!inside && path.basename(target) !== "index.ts") {
        problems.push(`${relFile} imports ${spec}: import another folder through its index.ts`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
