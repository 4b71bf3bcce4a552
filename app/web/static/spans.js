// Spans of the API's answer laid over the article text.
//
// The API gives offsets in code points (Python string offsets); JavaScript strings count
// UTF-16 units, so every character beyond U+FFFF (emoji, rare CJK) shifts the two apart.
// Quotations, cues and mentions may nest (a partial quotation inside an indirect one, a
// short name inside a long mention) or, rarely, cross; nestSpans turns them into a tree the
// DOM can hold, splitting a span that crosses its parent's end into linked pieces.

/**
 * A function from a code-point offset of `text` to its UTF-16 index.
 * A lone surrogate counts as one code point, as the API counts it (it becomes U+FFFD).
 */
export function codePointToUtf16(text) {
  if (!/[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(text)) {
    return (offset) => Math.min(Math.max(offset, 0), text.length);
  }
  const index = [0];
  let units = 0;
  for (const character of text) {
    units += character.length;
    index.push(units);
  }
  return (offset) => index[Math.min(Math.max(offset, 0), index.length - 1)];
}

/**
 * Nest spans `{start, end, rank, ...}` (UTF-16 indices, end exclusive) into a tree.
 *
 * Returns the root `{start: 0, end: length, children}`; every node is
 * `{span, start, end, piece, children}` where `piece` counts the parts of a span that had
 * to be split (0 for its first part). Among spans with the same extent, the lower `rank`
 * is the outer one. Empty spans and spans outside the text are dropped.
 */
export function nestSpans(spans, length) {
  const queue = spans
    .map((span) => ({ span, start: Math.max(span.start, 0), end: Math.min(span.end, length), piece: 0 }))
    .filter((item) => item.start < item.end)
    .sort(compareItems);
  const root = { span: null, start: 0, end: length, piece: 0, children: [] };
  const open = [root];
  while (queue.length > 0) {
    const item = queue.shift();
    while (open[open.length - 1].end <= item.start) open.pop();
    const parent = open[open.length - 1];
    if (item.end > parent.end) {
      // Crossing its parent: keep the part inside it and queue the rest as the next piece.
      insertSorted(queue, { span: item.span, start: parent.end, end: item.end, piece: item.piece + 1 });
      item.end = parent.end;
    }
    const node = { ...item, children: [] };
    parent.children.push(node);
    open.push(node);
  }
  return root;
}

function compareItems(a, b) {
  return a.start - b.start || b.end - a.end || a.span.rank - b.span.rank;
}

function insertSorted(queue, item) {
  let low = 0;
  let high = queue.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compareItems(queue[middle], item) <= 0) low = middle + 1;
    else high = middle;
  }
  queue.splice(low, 0, item);
}

/**
 * Append `text` to `container` with the tree's spans as elements made by
 * `makeElement(node)`; the text between spans becomes plain text nodes.
 */
export function renderTree(container, text, node, makeElement) {
  let cursor = node.start;
  for (const child of node.children) {
    if (child.start > cursor) container.append(text.slice(cursor, child.start));
    const element = makeElement(child);
    renderTree(element, text, child, makeElement);
    container.append(element);
    cursor = child.end;
  }
  if (node.end > cursor) container.append(text.slice(cursor, node.end));
}
