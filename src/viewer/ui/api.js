// The viewer's API (/ui/api/, docs/viewer.md): the same projections as `sc ... --format json`.
export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.hint = error.hint || '';
  }
}

export async function get(path, parameters = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters))
    if (value !== undefined && value !== null && value !== '') query.set(key, value);
  const url = `/ui/api/${path}${query.toString() ? '?' + query : ''}`;
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => null);
  if (!response.ok || !body || body.success === false) throw new ApiError(response.status, body);
  return body;
}

export async function getText(path, parameters) {
  const response = await fetch(`/ui/api/${path}?${new URLSearchParams(parameters)}`);
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  return response.text();
}

export async function openFile(name, bytes) {
  const response = await fetch(`/ui/api/open?name=${encodeURIComponent(name)}`, { method: 'POST', body: bytes,
    headers: { 'Content-Type': 'application/octet-stream' } });
  const body = await response.json().catch(() => null);
  if (!response.ok || !body || body.success === false) throw new ApiError(response.status, body);
  return body.data;
}
