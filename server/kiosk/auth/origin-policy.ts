/**
 * Which Host and Origin headers the kiosk answers. Host: loopback names and the bind address with
 * the listening port, plus `server.allowedHosts` (a page on another name that resolves to this
 * box, DNS rebinding, is refused). Origin: those hosts with the server's scheme, plus
 * `server.allowedOrigins`. A request without Origin (not from a browser page) passes the origin
 * check; every browser sends one on WebSocket upgrades and on cross-site writes.
 */
import type { KioskConfig } from '../config/kiosk-config.js';

export class OriginPolicy {
  private hosts = new Set<string>();
  private origins = new Set<string>();

  constructor(private readonly server: KioskConfig['server']) {}

  get scheme(): 'http' | 'https' {
    return this.server.tls.cert && this.server.tls.key ? 'https' : 'http';
  }

  /** Computes the lists for the port actually bound (port 0 = chosen at listen). */
  bind(port: number): void {
    const names = ['localhost', '127.0.0.1', '[::1]'];
    const bindHost = this.server.host.includes(':') && !this.server.host.startsWith('[') ? `[${this.server.host}]` : this.server.host;
    if (!['0.0.0.0', '[::]', '::'].includes(bindHost)) names.push(bindHost.toLowerCase());
    const defaultPort = this.scheme === 'https' ? 443 : 80;
    const hosts = names.flatMap((n) => (port === defaultPort ? [`${n}:${port}`, n] : [`${n}:${port}`]));
    this.hosts = new Set([...hosts, ...this.server.allowedHosts.map((h) => h.toLowerCase())]);
    this.origins = new Set([...[...this.hosts].map((h) => `${this.scheme}://${h}`), ...this.server.allowedOrigins.map((o) => o.toLowerCase())]);
  }

  hostAllowed(host: string | undefined): boolean {
    return host !== undefined && this.hosts.has(host.toLowerCase());
  }

  originAllowed(origin: string | undefined): boolean {
    return origin === undefined || this.origins.has(origin.toLowerCase());
  }

  /** Why a request is refused, or null. */
  problem(headers: { host?: string; origin?: string | string[] }): string | null {
    if (!this.hostAllowed(headers.host)) return 'host not allowed';
    const origin = Array.isArray(headers.origin) ? headers.origin[0] : headers.origin;
    if (!this.originAllowed(origin)) return 'origin not allowed';
    return null;
  }

  get allowedHosts(): string[] {
    return [...this.hosts];
  }
}
