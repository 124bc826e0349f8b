import { test } from "node:test";
import assert from "node:assert/strict";
import { readLinesBlocks } from "./lines_reader.ts";

async function* chunks(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p;
}

function splitAt(s: string, cuts: number[]): Uint8Array[] {
  const b = Buffer.from(s);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...cuts, b.length]) {
    out.push(b.subarray(prev, c));
    prev = c;
  }
  return out;
}

async function collect(parts: Uint8Array[], maxLineLen: number, blockSize: number): Promise<{ blocks: Array<[string, number]>; error?: string }> {
  const blocks: Array<[string, number]> = [];
  try {
    for await (const b of readLinesBlocks(chunks(parts), maxLineLen, blockSize)) blocks.push([b.data.toString(), b.lines]);
  } catch (e) {
    return { blocks, error: (e as Error).message };
  }
  return { blocks };
}

test("readLinesBlocks yields whole lines whatever the chunk boundaries", async () => {
  const text = "line one\nsecond\r\n\nthird line here\nlast-without-newline";
  for (let i = 0; i <= text.length; i++) {
    for (const j of [i, Math.min(text.length, i + 3)]) {
      for (const blockSize of [1, 8, 1 << 16]) {
        const got = await collect(splitAt(text, [i, j]), 100, blockSize);
        assert.equal(got.error, undefined);
        assert.equal(got.blocks.map((b) => b[0]).join("\n"), text, `cuts ${i},${j} blockSize ${blockSize}`);
        assert.equal(got.blocks.reduce((n, b) => n + b[1], 0), 5, `line count, cuts ${i},${j} blockSize ${blockSize}`);
      }
    }
  }
});

test("readLinesBlocks counts lines for numbering", async () => {
  const f = async (text: string, blockSize: number, expected: Array<[string, number]>) =>
    assert.deepEqual((await collect([Buffer.from(text)], 100, blockSize)).blocks, expected, `text ${JSON.stringify(text)}`);
  await f("", 1, []);
  await f("a", 1, [["a", 1]]);
  await f("a\n", 1, [["a", 1]]);
  await f("a\nb", 1, [["a", 1], ["b", 1]]);
  await f("a\nb\n", 100, [["a\nb\n", 2]]);
  await f("\n\n", 1, [["", 1], ["", 1]]);
  await f("\n\n", 100, [["\n\n", 2]]);
});

test("readLinesBlocks rejects a line longer than maxLineLen after yielding the lines before it", async () => {
  const f = async (parts: string[], maxLineLen: number, linesBefore: string, error: string | undefined) => {
    const got = await collect(parts.map((p) => Buffer.from(p)), maxLineLen, 1);
    assert.equal(got.blocks.map((b) => b[0]).join("\n"), linesBefore, `parts ${JSON.stringify(parts)}`);
    assert.equal(got.error, error, `parts ${JSON.stringify(parts)}`);
  };
  await f(["12345\n123456\n"], 6, "12345\n123456", undefined);
  await f(["12345\n1234567\nok\n"], 6, "12345", "too long line: more than 6 bytes");
  await f(["12345\n", "1234567\nok\n"], 6, "12345", "too long line: more than 6 bytes");
  await f(["ab\n12", "345", "67"], 6, "ab", "too long line: more than 6 bytes");
  await f(["1234567"], 6, "", "too long line: more than 6 bytes");
});
