/**
 * The Socket.IO link to the kiosk server: turns server events into store updates and exposes
 * the client commands. Reconnects by itself (Socket.IO's manager, capped back-off); while the
 * link is down the store says "reconnecting".
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServer, AdMamEvent, FrameEvent, Language, Namespace, PlqEvent, ServerToClient } from '../protocol.js';
import type { KioskStore } from './kiosk-store.js';

export interface KioskConnectionOptions {
  /** Server origin; default: the page's own. */
  url?: string;
  /** `/kiosk` (the touchscreen, default) or `/operator` (needs a logged-in session cookie). */
  namespace?: Namespace;
  /** The server refused the link (no session, session ended): the operator view asks for a login. */
  onUnauthorized?: () => void;
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
}

const decode = (bytes: ArrayBuffer, type: string): Promise<ImageBitmap> => createImageBitmap(new Blob([bytes], { type }));

export class KioskConnection {
  readonly #store: KioskStore;
  readonly #socket: Socket<ServerToClient, ClientToServer>;
  readonly #onUnauthorized: () => void;
  #newestFrameSeq = -1;
  #newestPlqSeq = -1;

  constructor(store: KioskStore, options: KioskConnectionOptions = {}) {
    this.#store = store;
    this.#onUnauthorized = options.onUnauthorized ?? (() => undefined);
    const target = (options.url ?? '') + (options.namespace ?? '/kiosk');
    this.#socket = io(target, {
      path: '/socket.io',
      autoConnect: false,
      transports: ['websocket', 'polling'],
      reconnectionDelay: options.reconnectDelayMs ?? 500,
      reconnectionDelayMax: options.reconnectDelayMaxMs ?? 3000,
    });
    this.#wire();
  }

  connect(): void {
    this.#socket.connect();
  }

  disconnect(): void {
    this.#socket.disconnect();
  }

  retake(): void {
    this.#store.update({ capture: null, acceptedId: null });
    this.#socket.emit('retake');
  }

  /** Operator namespace only. */
  reset(): void {
    this.#socket.emit('reset');
  }

  /** Accept: a thank-you shows for `thanksMs` while the kiosk already starts over. */
  accept(captureId: string, thanksMs = 3000): void {
    this.#store.update({ acceptedId: captureId });
    this.#socket.emit('accept', captureId);
    setTimeout(() => {
      if (this.#store.state.acceptedId === captureId) this.#store.update({ acceptedId: null, capture: null });
    }, thanksMs);
  }

  setLanguage(language: Language): void {
    this.#store.update({ language });
    this.#socket.emit('language', language);
  }

  /** Operator namespace only. */
  manualCapture(): void {
    this.#socket.emit('operator:capture');
  }

  /** Operator namespace only: waive message `id` for this session (`waived` false: take it back). */
  waive(id: string, waived = true): void {
    this.#socket.emit('operator:waive', { id, waived });
  }

  setOverlay(on: boolean): void {
    this.#store.update({ overlayOn: on });
  }

  setSpeech(on: boolean): void {
    this.#store.update({ speechOn: on });
  }

  #wire(): void {
    const s = this.#socket;
    const store = this.#store;
    s.on('connect', () => store.update({ connection: 'connected', lastError: null }));
    s.on('disconnect', (reason) => {
      store.update({ connection: 'reconnecting' });
      // the server closed this socket (logout, session expired): Socket.IO does not retry then
      if (reason === 'io server disconnect') this.#onUnauthorized();
    });
    s.on('connect_error', (err) => {
      if (store.state.connection !== 'connecting') store.update({ connection: 'reconnecting' });
      // refused by the namespace's auth middleware: no automatic retry either
      if (err.message === 'unauthorized') this.#onUnauthorized();
    });
    s.on('hello', (h) => {
      // A (re)connection starts from the server's truth, not what the old link left behind.
      // A restarted server counts its frames from 0 again: drop what the old link left behind.
      this.#newestFrameSeq = -1;
      this.#newestPlqSeq = -1;
      const { frame, plq } = store.state;
      store.update({
        frame: null,
        plq: null,
        qualityScaled: null,
        hello: h,
        language: h.language,
        languages: h.languages.length > 0 ? h.languages : ['en', 'de', 'fr'],
        state: h.state,
        overlayOn: h.ui.plqOverlay,
        speechOn: h.ui.speech,
        remaining: null,
        capture: h.state === 'captured' ? (store.state.capture ?? h.capture ?? null) : null,
        ...(h.guidance ? { guidance: { messages: h.guidance, language: h.language, hint: null } } : {}),
        waivers: h.waivers ?? [],
      });
      frame?.image.close();
      plq?.image.close();
    });
    s.on('frame', (f) => void this.#onFrame(f));
    s.on('plq', (p) => void this.#onPlq(p));
    s.on('admam', (a) => void this.#onAdMam(a));
    s.on('guidance', (g) => store.update({ guidance: g, language: g.language }));
    s.on('state', (e) => {
      const leavingCapture = e.state !== 'captured' && store.state.acceptedId === null;
      store.update({
        state: e.state,
        remaining: e.remaining ?? null,
        stateDetail: e.detail ?? null,
        ...(leavingCapture ? { capture: null, acceptedId: null } : {}),
        ...(e.state === 'searching' ? { qualityScaled: null, plq: null } : {}),
      });
    });
    s.on('capture', (c) => store.update({ capture: c, acceptedId: null, qualityScaled: c.qualityScaled, captureCount: store.state.captureCount + 1 }));
    s.on('camera', (c) => store.update({ camera: c }));
    s.on('waivers', (w) => store.update({ waivers: w.waivers, waiversEnded: w.ended ?? null }));
    s.on('error', (e) => store.update({ lastError: e.message }));
  }

  async #onFrame(f: FrameEvent): Promise<void> {
    if (f.seq <= this.#newestFrameSeq) return;
    this.#newestFrameSeq = f.seq;
    let image: ImageBitmap;
    try {
      image = await decode(f.jpeg, 'image/jpeg');
    } catch {
      return;
    }
    const current = this.#store.state.frame;
    if (current && current.seq > f.seq) {
      image.close();
      return;
    }
    const patch = { frame: { seq: f.seq, ts: f.ts, width: f.width, height: f.height, image, faces: f.faces } };
    this.#store.update(f.faces.length > 0 ? { ...patch, lastFaceAt: Date.now() } : patch);
    current?.image.close();
  }

  async #onAdMam(a: AdMamEvent): Promise<void> {
    let image: ImageBitmap;
    try {
      image = await decode(a.png, 'image/png');
    } catch {
      return;
    }
    const previous = this.#store.state.adMam;
    this.#store.update({ adMam: { image, mean: a.mean, receivedAt: Date.now() } });
    previous?.image.close();
  }

  async #onPlq(p: PlqEvent): Promise<void> {
    if (p.seq <= this.#newestPlqSeq) return;
    this.#newestPlqSeq = p.seq;
    let image: ImageBitmap;
    try {
      image = await decode(p.png, 'image/png');
    } catch {
      return;
    }
    const { png: _png, ...rest } = p;
    const previous = this.#store.state.plq;
    this.#store.update({ plq: { ...rest, image, receivedAt: Date.now() }, qualityScaled: p.qualityScaled });
    previous?.image.close();
  }
}
