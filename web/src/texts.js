// Texts as the JSON API gives them (src/json/json_view.h): a string when the
// bytes are UTF-8, else {hex, shown}.  A name is identified by its bytes, so a
// name that is not UTF-8 still has one node, one row and a URL of its own.

// What to print.
export function shown(text) {
  if (text === undefined || text === null) return '';
  return typeof text === 'string' ? text : text.shown;
}

// A key that is the same for the same bytes (node ids, row keys).
export function bytesKey(text) {
  return typeof text === 'string' ? 's:' + text : 'h:' + text.hex;
}

// The text as one URL path segment, byte for byte.
export function pathSegment(text) {
  if (typeof text === 'string') return encodeURIComponent(text);
  return text.hex.replace(/../g, (pair) => '%' + pair);
}
