// The part header: counts and the item range of a part, stored as
// metadata.json in the part directory.

/** PartHeader summarizes a part: its item and block counts and its smallest and largest items. */
export interface PartHeader {
  itemsCount: number;
  blocksCount: number;
  firstItem: Buffer;
  lastItem: Buffer;
}

/** marshalPartHeader returns the metadata.json text of h. */
export function marshalPartHeader(h: PartHeader): string {
  return JSON.stringify({
    itemsCount: h.itemsCount,
    blocksCount: h.blocksCount,
    firstItem: h.firstItem.toString("hex"),
    lastItem: h.lastItem.toString("hex"),
  }) + "\n";
}

const hexRe = /^(?:[0-9a-fA-F]{2})*$/;

/** unmarshalPartHeader parses metadata.json; throws "cannot parse ..." on bad input. */
export function unmarshalPartHeader(text: string, where: string): PartHeader {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`cannot parse ${where}: ${(e as Error).message}`);
  }
  if (typeof v !== "object" || v === null) throw new Error(`cannot parse ${where}: got ${typeof v}; want a JSON object`);
  const o = v as Record<string, unknown>;
  const num = (k: string): number => {
    const x = o[k];
    if (typeof x !== "number" || !Number.isSafeInteger(x) || x < 0) throw new Error(`cannot parse ${where}: got ${k}=${JSON.stringify(x)}; want a non-negative integer`);
    return x;
  };
  const hex = (k: string): Buffer => {
    const x = o[k];
    if (typeof x !== "string" || !hexRe.test(x)) throw new Error(`cannot parse ${where}: got ${k}=${JSON.stringify(x)}; want a hex string`);
    return Buffer.from(x, "hex");
  };
  const h = { itemsCount: num("itemsCount"), blocksCount: num("blocksCount"), firstItem: hex("firstItem"), lastItem: hex("lastItem") };
  if ((h.itemsCount === 0) !== (h.blocksCount === 0) || h.blocksCount > h.itemsCount) {
    throw new Error(`cannot parse ${where}: got itemsCount=${h.itemsCount}, blocksCount=${h.blocksCount}; want 0 < blocksCount <= itemsCount`);
  }
  return h;
}
