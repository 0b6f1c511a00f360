/**
 * The one masking function for credentials in anything printed or logged: camera specs, queue
 * URLs, config dumps, error messages. Masks the user-info part of every URL
 * (rtsp://user:pw@host -> rtsp://***@host), password-like query parameters and key=value pairs
 * whose key names a secret.
 */
// up to the last '@' of the authority, so a password with an unencoded '@' is masked whole
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)(?:[^\s/@'"]*@)+/gi;
const SECRET_PARAM = /([?&;\s,{"']|^)((?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|auth|access[_-]?key)["']?\s*[=:]\s*["']?)[^&\s"',;}]+/gi;

export function maskCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1***@').replace(SECRET_PARAM, '$1$2***');
}

/** Deep copy of a JSON-like value with every string masked and every secret-named string or number replaced. */
export function maskSecretsDeep<T>(value: T): T {
  return mask(value, '') as T;
}

const SECRET_KEY = /pass(word|wd)?$|secret|token|api[_-]?key|credential|hash$/i;

function mask(value: unknown, key: string): unknown {
  // a number under a secret name is a PIN or a numeric password: masked too
  if (typeof value === 'number' && SECRET_KEY.test(key)) return '***';
  if (typeof value === 'string') return SECRET_KEY.test(key) && value !== '' ? '***' : maskCredentials(value);
  if (Array.isArray(value)) return value.map((v) => mask(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]));
  }
  return value;
}
