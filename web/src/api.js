// The name server's JSON API (docs/operations.md, "Web view").

async function getJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  const body = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

export const about = () => getJson('api/about');
export const names = () => getJson('api/names');
export const connects = () => getJson('api/connects');
export const reports = () => getJson('api/reports');
export const info = (segment) => getJson('api/info/' + segment);

// POST api/kill/NAME.  The X-Cm-Confirm header is what the page sends once
// the operator confirmed; a plain form from another site cannot send it.
export async function kill(segment, key) {
  const headers = { 'X-Cm-Confirm': 'kill' };
  if (key) headers['X-Cm-Key'] = key;
  const response = await fetch('api/kill/' + segment, { method: 'POST', headers });
  const body = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}
