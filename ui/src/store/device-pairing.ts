/**
 * A kiosk screen off loopback needs a device token (`server.auth.deviceTokens`). Open the kiosk
 * once as `https://HOST:PORT/#device=TOKEN`: the token goes to the server (`POST
 * /api/device/pair`), which sets an HttpOnly cookie, and leaves the address bar at once. A URL
 * fragment never reaches the server's logs or the Referer.
 */
export async function pairFromFragment(loc: Location = location, hist: History = history): Promise<'paired' | 'refused' | 'none'> {
  const m = /(?:^#|&)device=([^&]+)/.exec(loc.hash);
  if (!m) return 'none';
  hist.replaceState(null, '', loc.pathname + loc.search);
  const res = await fetch('/api/device/pair', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: decodeURIComponent(m[1]) }),
  }).catch(() => null);
  return res?.status === 204 ? 'paired' : 'refused';
}
