// Source positions of AST nodes, kept beside the tree (not in it) so that ASTs
// compare equal whatever query text they came from.

const positions = new WeakMap<object, number>();

/** setPos records that node starts at UTF-16 offset pos of the query; it returns node. */
export function setPos<T extends object>(node: T, pos: number): T {
  positions.set(node, pos);
  return node;
}

/** posOf returns the recorded start of node, or fallback when none was recorded. */
export function posOf(node: object, fallback: number): number {
  return positions.get(node) ?? fallback;
}

/** copyPos gives node the position recorded for from (if any); it returns node. */
export function copyPos<T extends object>(node: T, from: object): T {
  const p = positions.get(from);
  if (p !== undefined) positions.set(node, p);
  return node;
}
