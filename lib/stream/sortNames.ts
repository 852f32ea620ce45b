/**
 * Sorts an item's attribute names, as `names.sort()` does, remembering the sorted order of the few
 * shapes a table's items come in: an insert or a remove lists every attribute of its image, sorted,
 * and sorting them again for every record of a batch costs several times more than recognising a
 * list of names seen before. The result depends only on the names, so a remembered order is never
 * stale.
 */

interface Shape {
  /** The names in the order the image lists them. */
  names: readonly string[];
  /** The same names, sorted. */
  sorted: readonly string[];
}

/** Shapes remembered; a table with more item shapes than this sorts the others each time. */
const SHAPES_MAX = 32;
const shapes: Shape[] = [];
/** Where the next new shape is written once the list is full (oldest first). */
let replace = 0;
/** Where the last match was found: records of one shape tend to come together. */
let last = 0;

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  const n = a.length;
  // The middle name first: items of one table share their key attributes and often the last ones
  // (timestamps, a TTL), while the middle tells item types apart.
  if (n !== b.length || a[n >> 1] !== b[n >> 1]) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function find(names: readonly string[]): Shape | undefined {
  const n = shapes.length;
  for (let k = 0; k < n; k++) {
    const i = (last + k) % n;
    const shape = shapes[i]!;
    if (sameNames(shape.names, names)) {
      last = i;
      return shape;
    }
  }
  return undefined;
}

/** Up to this many names are sorted by insertion: `Array.prototype.sort`'s setup costs more. */
const FEW = 8;

/**
 * Sorts `names` in place as `names.sort()` does (UTF-16 code unit order: for strings `>` compares
 * the same way) and returns it. For the few names a modify changes.
 */
export function sortFewNames(names: string[]): string[] {
  if (names.length > FEW) return names.sort();
  for (let i = 1; i < names.length; i++) {
    const name = names[i]!;
    let j = i - 1;
    while (j >= 0 && names[j]! > name) {
      names[j + 1] = names[j]!;
      j--;
    }
    names[j + 1] = name;
  }
  return names;
}

/**
 * Sorts `names` in place (UTF-16 code unit order, as `Array.prototype.sort` without a comparator)
 * and returns it, reusing the order of a list of the same names met before.
 *
 * @example
 * ```ts
 * sortNames(['pk', 'sk', 'text', 'created_at']); // ['created_at', 'pk', 'sk', 'text']
 * ```
 */
export function sortNames(names: string[]): string[] {
  if (names.length < 2) return names;
  const known = find(names);
  if (known) {
    for (let i = 0; i < names.length; i++) names[i] = known.sorted[i]!;
    return names;
  }
  const shape = { names: names.slice(), sorted: names.sort().slice() };
  if (shapes.length < SHAPES_MAX) shapes.push(shape);
  else {
    shapes[replace] = shape;
    replace = (replace + 1) % SHAPES_MAX;
  }
  return names;
}
