import assert from "node:assert/strict";
import { test } from "node:test";
import { ExportCounter } from "./export_counter.ts";

const A = `{"metric":{"__name__":"a","job":"x"},"values":[1,2.5],"timestamps":[1000,2000]}\n`;
const A2 = `{"metric":{"__name__":"a","job":"x"},"values":[4],"timestamps":[3000]}\n`;
const B = `{"metric":{"__name__":"b"},"values":[-1,0,0.25],"timestamps":[1,2,3]}\n`;

test("ExportCounter counts samples, distinct series and the sum whatever the chunking", () => {
  const f = (text: string, chunkSize: number, want: { samples: number; series: number; lines: number; sum: number; badLines: number }) => {
    const c = new ExportCounter();
    const buf = Buffer.from(text);
    for (let i = 0; i < buf.length; i += chunkSize) c.push(buf.subarray(i, i + chunkSize));
    c.end();
    assert.deepEqual({ samples: c.samples, series: c.series, lines: c.lines, sum: c.sum, badLines: c.badLines }, want, `text=${JSON.stringify(text)} chunkSize=${chunkSize}`);
  };
  f("", 10, { samples: 0, series: 0, lines: 0, sum: 0, badLines: 0 });
  f(A, 1000, { samples: 2, series: 1, lines: 1, sum: 3.5, badLines: 0 });
  f(A + A2 + B, 1, { samples: 6, series: 2, lines: 3, sum: 6.75, badLines: 0 });
  f(A + A2 + B, 7, { samples: 6, series: 2, lines: 3, sum: 6.75, badLines: 0 });
  f(A + B.trimEnd(), 13, { samples: 5, series: 2, lines: 2, sum: 2.75, badLines: 0 });
  f(A + "\n\n" + B, 64, { samples: 5, series: 2, lines: 2, sum: 2.75, badLines: 0 });
  f(`{"metric":{},"values":[1],"timestamps":[1,2]}\n`, 5, { samples: 0, series: 0, lines: 1, sum: 0, badLines: 1 });
  f(`not json\n` + A, 5, { samples: 2, series: 1, lines: 2, sum: 3.5, badLines: 1 });
});

test("ExportCounter keeps the first bad line", () => {
  const c = new ExportCounter();
  c.push(Buffer.from(`{"metric":{"__name__":"a"},"values":[1]}\n`));
  c.end();
  assert.equal(c.firstBadLine, `{"metric":{"__name__":"a"},"values":[1]}`);
});
