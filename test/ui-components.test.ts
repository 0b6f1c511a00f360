/**
 * Component tests: the Lit components rendered for real in headless Debian Chromium (served by
 * Vite's dev server from ui/harness/components.html), driven through their properties and
 * checked through their shadow DOM, their events and their pixels.
 */
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type ViteDevServer } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './helpers/ui-browser.js';
import { GUIDANCE_IDS } from '../server/kiosk/guidance/guidance-ids.js';

/** What ui/harness/components-harness.ts puts on window (typed here: the UI compiles under ui/tsconfig.json). */
interface Store {
  update(patch: Record<string, unknown>): void;
}
interface Harness {
  createKioskStore(overrides?: Record<string, unknown>): Store;
  IdleController: new (host: object, store: Store, afterMs?: number) => { idle: boolean; hostConnected(): void; hostDisconnected(): void };
  GUIDANCE_ICON_IDS: string[];
}

let vite: ViteDevServer;
let browser: Browser;
let page: Page;

declare global {
  interface Window {
    harness: Harness;
    events: Array<{ type: string; detail: unknown }>;
  }
}

/** Puts `markup` in the page, waits for its custom elements to render. */
async function mount(markup: string): Promise<void> {
  await page.evaluate(async (m) => {
    const old = document.getElementById('root')!;
    const root = document.createElement('div');
    root.id = 'root';
    old.replaceWith(root);
    root.innerHTML = m;
    window.events = [];
    for (const type of ['accept', 'retake', 'approve', 'delete', 'language-change', 'toggle', 'waive']) {
      root.addEventListener(type, (e) => window.events.push({ type, detail: (e as CustomEvent).detail ?? null }));
    }
    await Promise.all([...root.querySelectorAll('*')].map((el) => (el as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete));
  }, markup);
}

/** Sets properties on the first element matching `selector` and waits for its render. */
async function setProps(selector: string, props: Record<string, unknown>): Promise<void> {
  await page.evaluate(
    async ([sel, p]) => {
      const el = document.querySelector(sel as string) as HTMLElement & { updateComplete: Promise<unknown> };
      Object.assign(el, p);
      await el.updateComplete;
    },
    [selector, props] as const,
  );
}

beforeAll(async () => {
  vite = await createServer({ configFile: path.resolve('ui/vite.config.ts'), server: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
  await vite.listen();
  const url = vite.resolvedUrls!.local[0];
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(new URL('harness/components.html', url).href);
  await page.locator('body[data-ready="yes"]').waitFor({ timeout: 60_000 });
});

afterAll(async () => {
  await browser?.close();
  await vite?.close();
});

beforeEach(async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
});

describe('guidance-panel', () => {
  const msgs = [
    { id: 'uncover-left-cheek', text: 'Please uncover your left cheek', priority: 8 },
    { id: 'look-straight', text: 'Look straight into the camera', priority: 9 },
  ];

  it('shows the first message large with its icon, the second smaller, and announces the first', async () => {
    await mount('<guidance-panel style="width:700px"></guidance-panel>');
    await setProps('guidance-panel', { messages: msgs });
    const main = page.locator('guidance-panel .main');
    expect(await main.getAttribute('data-id')).toBe('uncover-left-cheek');
    expect(await main.locator('svg').count()).toBe(1);
    expect(await page.locator('guidance-panel [aria-live="polite"]').textContent()).toBe('Please uncover your left cheek');
    expect(await page.locator('guidance-panel .second').getAttribute('data-id')).toBe('look-straight');
    expect(await page.locator('guidance-panel .second').textContent()).toContain('Look straight');
    const big = await main.locator('.text').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    const small = await page.locator('guidance-panel .second').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(big).toBeGreaterThanOrEqual(32); // readable at arm's length and at 1 m
    expect(big).toBeGreaterThan(small);
  });

  it('keeps its height whatever the messages (no layout jump)', async () => {
    await mount('<guidance-panel style="width:700px"></guidance-panel>');
    const heights: number[] = [];
    for (const props of [
      { messages: [], hint: null },
      { messages: msgs.slice(0, 1), hint: null },
      { messages: msgs, hint: null },
      { messages: msgs, hint: { id: 'remove-glasses', text: 'Please remove your glasses', priority: 5 } },
      { messages: [{ id: 'remove-headgear', text: 'Please remove your hat or head covering', priority: 4 }], hint: null },
    ]) {
      await setProps('guidance-panel', props);
      heights.push((await page.locator('guidance-panel').boundingBox())!.height);
    }
    expect(new Set(heights).size, heights.join(',')).toBe(1);
  });

  it('falls back to a notice icon for an id it does not know, and to the fallback text without messages', async () => {
    await mount('<guidance-panel fallback="Hold still" fallbackid="hold-still"></guidance-panel>');
    expect(await page.locator('guidance-panel .main').getAttribute('data-id')).toBe('hold-still');
    expect(await page.locator('guidance-panel .main .text').textContent()).toBe('Hold still');
    await setProps('guidance-panel', { messages: [{ id: 'brand-new-rule', text: 'Something new', priority: 1 }] });
    expect(await page.locator('guidance-panel .main svg').count()).toBe(1);
  });
});

describe('icons', () => {
  it('has an inline SVG icon for every guidance id of the server, and distinct icons', async () => {
    const ids = await page.evaluate(() => window.harness.GUIDANCE_ICON_IDS);
    expect([...ids].sort()).toEqual([...GUIDANCE_IDS].sort());
    await mount('<guidance-panel></guidance-panel>');
    const shapes = new Set<string>();
    for (const id of GUIDANCE_IDS) {
      await setProps('guidance-panel', { messages: [{ id, text: id, priority: 1 }] });
      const svg = await page.locator('guidance-panel .main svg').innerHTML();
      expect(svg.length, id).toBeGreaterThan(40);
      shapes.add(svg.replace(/<!--.*?-->/g, ''));
    }
    expect(shapes.size).toBe(GUIDANCE_IDS.length);
  });
});

describe('plq-preview', () => {
  /** Mounts a preview with a black 320x240 frame and a pure red 112x112 map. */
  async function preview(transform: number[], opts: { overlay: boolean; ageMs?: number }): Promise<void> {
    await mount('<plq-preview style="width:320px;height:240px"></plq-preview>');
    await page.evaluate(
      async ([t, o]) => {
        const solid = async (w: number, h: number, color: string) => {
          const c = new OffscreenCanvas(w, h);
          const g = c.getContext('2d')!;
          g.fillStyle = color;
          g.fillRect(0, 0, w, h);
          return createImageBitmap(c);
        };
        const el = document.querySelector('plq-preview') as unknown as HTMLElement & Record<string, unknown> & { updateComplete: Promise<unknown> };
        const frameImg = await solid(320, 240, '#000');
        const map = await solid(112, 112, '#ff0000');
        el.overlay = (o as { overlay: boolean }).overlay;
        el.overlayAlpha = 1;
        el.frame = { seq: 1, ts: Date.now(), width: 320, height: 240, image: frameImg, faces: [{ box: [10, 10, 50, 50] }] };
        el.plq = {
          seq: 1, frameTs: Date.now(), quality: 0.5, qualityScaled: 0.5, regions: {}, transform: t, frameWidth: 640, frameHeight: 480,
          width: 112, height: 112, plqMs: 1, image: map, receivedAt: Date.now() - ((o as { ageMs?: number }).ageMs ?? 0),
        };
        await el.updateComplete;
      },
      [transform, opts] as const,
    );
  }

  const pixel = (x: number, y: number) =>
    page.evaluate(([px, py]) => {
      const c = document.querySelector('plq-preview')!.shadowRoot!.querySelector('canvas')!;
      return [...c.getContext('2d')!.getImageData(px, py, 1, 1).data];
    }, [x, y] as const);

  it('draws the map through the aligned-to-frame affine, scaled to the preview', async () => {
    // Map pixel (u, v) -> full frame (2u + 100, 2v + 60) -> preview (u + 50, v + 30): a 112 px square at (50, 30).
    await preview([2, 0, 100, 0, 2, 60], { overlay: true });
    expect(await page.locator('plq-preview canvas').getAttribute('data-overlay')).toBe('drawn');
    const inside = await pixel(106, 86);
    expect(inside[0]).toBeGreaterThan(200);
    expect(inside[1]).toBeLessThan(40);
    expect((await pixel(20, 200))[0]).toBeLessThan(20); // outside: the black frame
    expect((await pixel(175, 86))[0]).toBeLessThan(20); // right of the square (ends at 162 + blur)
  });

  it('follows a rotation: a 90° affine puts the map left of its origin', async () => {
    // x' = -2v + 400, y' = 2u + 60 (full frame) -> preview x in [88, 200], y in [30, 142]
    await preview([0, -2, 400, 2, 0, 60], { overlay: true });
    expect((await pixel(144, 86))[0]).toBeGreaterThan(200);
    expect((await pixel(250, 86))[0]).toBeLessThan(20);
  });

  it('draws no map when the overlay is off or the map is stale', async () => {
    await preview([2, 0, 100, 0, 2, 60], { overlay: false });
    expect(await page.locator('plq-preview canvas').getAttribute('data-overlay')).toBe('none');
    expect((await pixel(106, 86))[0]).toBeLessThan(20);
    await preview([2, 0, 100, 0, 2, 60], { overlay: true, ageMs: 10_000 });
    expect((await pixel(106, 86))[0]).toBeLessThan(20);
  });

  it('mirrors the picture for the kiosk and keeps the oval in place', async () => {
    await mount('<plq-preview mirror oval style="width:320px;height:240px"></plq-preview>');
    const transform = await page.locator('plq-preview canvas').evaluate((c) => getComputedStyle(c).transform);
    expect(transform).toBe('matrix(-1, 0, 0, 1, 0, 0)');
    expect(await page.locator('plq-preview oval-guide ellipse.ring').count()).toBe(1);
  });

  it('shows the whole frame, or fills the height of an upright screen, the oval and map scaling with it', async () => {
    /** The picture's box (frame, map and oval together) and the element's, for a 4:3 frame. */
    const stage = async (fill: string, width: number, height: number) => {
      await mount(`<plq-preview oval fill="${fill}" style="width:${width}px;height:${height}px"></plq-preview>`);
      const el = page.locator('plq-preview');
      const [outer, picture, oval] = await Promise.all([el.boundingBox(), el.locator('.stage').boundingBox(), el.locator('oval-guide').boundingBox()]);
      expect(oval).toEqual(picture);
      const r = (b: { x: number; y: number; width: number; height: number } | null) => [b!.x - outer!.x, b!.y - outer!.y, b!.width, b!.height].map(Math.round);
      return r(picture);
    };
    // upright (240 x 400): whole frame = bars above and below; fill-height and auto = the sides cropped, centred
    expect(await stage('whole-frame', 240, 400)).toEqual([0, 110, 240, 180]);
    expect(await stage('fill-height', 240, 400)).toEqual([-147, 0, 533, 400]);
    expect(await stage('auto', 240, 400)).toEqual([-147, 0, 533, 400]);
    // a landscape area wider than the frame: every setting shows the whole frame
    for (const fill of ['whole-frame', 'fill-height', 'auto']) expect(await stage(fill, 400, 240)).toEqual([40, 0, 320, 240]);
    // a landscape area narrower than 4:3 (5:4): auto keeps the whole frame, fill-height crops
    expect(await stage('auto', 300, 240)).toEqual([0, 8, 300, 225]);
    expect(await stage('fill-height', 300, 240)).toEqual([-10, 0, 320, 240]);
  });
});

describe('quality-meter and state-indicator', () => {
  it('shows Q^ with its tone and the capture threshold', async () => {
    await mount('<quality-meter style="width:400px"></quality-meter>');
    expect(await page.locator('quality-meter .num').textContent()).toBe('–');
    await setProps('quality-meter', { value: 0.72, threshold: 0.6 });
    expect(await page.locator('quality-meter .num').textContent()).toBe('0.72');
    expect(await page.locator('quality-meter [role="meter"]').getAttribute('aria-valuenow')).toBe('0.72');
    expect(await page.locator('quality-meter .fill').getAttribute('class')).toContain('good');
    await setProps('quality-meter', { value: 0.2 });
    expect(await page.locator('quality-meter .fill').getAttribute('class')).toContain('bad');
  });

  it('counts down while holding, and only then', async () => {
    await mount('<state-indicator state="holding" label="Hold still"></state-indicator>');
    await setProps('state-indicator', { remaining: 3 });
    expect(await page.locator('state-indicator .count').textContent()).toBe('3');
    await setProps('state-indicator', { remaining: 2 });
    expect(await page.locator('state-indicator .count').textContent()).toBe('2');
    await setProps('state-indicator', { state: 'adjusting', remaining: null });
    expect(await page.locator('state-indicator .count').count()).toBe(0);
  });
});

describe('capture-review, language-switch, toggle-button', () => {
  it('offers accept and retake as large touch targets and fires their events', async () => {
    await mount('<capture-review style="position:fixed;inset:0" heading="Your photo"></capture-review>');
    await setProps('capture-review', { quality: 0.8, threshold: 0.6 });
    for (const b of await page.locator('capture-review button').all()) {
      const box = (await b.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(48);
      expect(box.width).toBeGreaterThanOrEqual(48);
    }
    await page.locator('capture-review button.accept').click();
    await page.locator('capture-review button.retake').click();
    expect(await page.evaluate(() => window.events.map((e) => e.type))).toEqual(['accept', 'retake']);
    await setProps('capture-review', { accepted: true, thanks: 'Thank you!' });
    expect(await page.locator('capture-review .thanks').textContent()).toBe('Thank you!');
  });

  it('switches language with one tap and says which one is on', async () => {
    await mount('<language-switch current="en"></language-switch>');
    expect(await page.locator('language-switch button[aria-pressed="true"]').textContent()).toContain('English');
    await page.locator('language-switch button[data-lang="fr"]').click();
    expect(await page.evaluate(() => window.events)).toEqual([{ type: 'language-change', detail: 'fr' }]);
    for (const b of await page.locator('language-switch button').all()) expect((await b.boundingBox())!.height).toBeGreaterThanOrEqual(48);
  });

  it('toggles', async () => {
    await mount('<toggle-button label="Quality map" on></toggle-button>');
    expect(await page.locator('toggle-button button').getAttribute('aria-pressed')).toBe('true');
    await page.locator('toggle-button button').click();
    expect(await page.evaluate(() => window.events)).toEqual([{ type: 'toggle', detail: false }]);
  });
});

describe('connection-banner and idle', () => {
  it('shows "reconnecting" only while the link is down', async () => {
    await mount('<connection-banner connection="reconnecting" text="Reconnecting…"></connection-banner>');
    expect(await page.locator('connection-banner .banner').textContent()).toContain('Reconnecting…');
    await setProps('connection-banner', { connection: 'connected' });
    expect(await page.locator('connection-banner .banner').count()).toBe(0);
  });

  it('goes idle when nobody has been there for a while, and wakes up with a face', async () => {
    const idle = await page.evaluate(async () => {
      const { createKioskStore, IdleController } = window.harness;
      const store = createKioskStore({ connection: 'connected', state: 'searching', lastFaceAt: Date.now() - 5000 });
      let updates = 0;
      const host = { addController: () => undefined, removeController: () => undefined, requestUpdate: () => void updates++, updateComplete: Promise.resolve(true) };
      const c = new IdleController(host, store, 1000);
      c.hostConnected();
      const first = c.idle;
      store.update({ lastFaceAt: Date.now(), state: 'adjusting' });
      await new Promise((r) => setTimeout(r, 700));
      const second = c.idle;
      c.hostDisconnected();
      return { first, second, updates };
    });
    expect(idle).toEqual({ first: true, second: false, updates: 2 });
    await mount('<idle-screen heading="Face photo" body="Step in front of the camera to start"></idle-screen>');
    expect(await page.locator('idle-screen h1').textContent()).toBe('Face photo');
  });
});

describe('operator components', () => {
  it('offers to waive only the shown messages the profile makes waivable, lists the waivers with who, and undoes', async () => {
    await mount('<waiver-panel></waiver-panel>');
    expect(await page.locator('waiver-panel button').count()).toBe(0);
    const messages = [
      { id: 'remove-glasses', text: 'Please remove your glasses', priority: 8 },
      { id: 'move-closer', text: 'Please come closer', priority: 2 },
    ];
    await setProps('waiver-panel', { messages, waivable: ['remove-glasses', 'open-eyes'] });
    expect(await page.locator('waiver-panel button.waive').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-id')))).toEqual(['remove-glasses']);
    await page.locator('waiver-panel button.waive').click();
    await setProps('waiver-panel', { waivers: [{ id: 'remove-glasses', by: 'desk-1', at: 1 }] });
    expect(await page.locator('waiver-panel button.waive').count()).toBe(0);
    // the message is no longer shown, yet the waiver reads as the kiosk said it
    await setProps('waiver-panel', { messages: [messages[1]] });
    expect(await page.locator('waiver-panel [data-k="waived"]').textContent()).toContain('“Please remove your glasses” (desk-1)');
    expect(await page.locator('waiver-panel [data-k="waived"] span').getAttribute('title')).toBe('remove-glasses');
    await page.locator('waiver-panel button.undo').click();
    expect(await page.evaluate(() => window.events)).toEqual([
      { type: 'waive', detail: { id: 'remove-glasses', waived: true } },
      { type: 'waive', detail: { id: 'remove-glasses', waived: false } },
    ]);
    // an operator view opened after the waiver: the id in words
    await mount('<waiver-panel></waiver-panel>');
    await setProps('waiver-panel', { waivable: ['open-eyes'], waivers: [{ id: 'open-eyes', by: 'desk-2', at: 1 }] });
    expect(await page.locator('waiver-panel [data-k="waived"]').textContent()).toContain('“open eyes” (desk-2)');
  });

  it('says which waivers went with their session, and why, until the waivers change again', async () => {
    await mount('<waiver-panel></waiver-panel>');
    const messages = [{ id: 'remove-glasses', text: 'Please remove your glasses', priority: 8 }];
    await setProps('waiver-panel', { messages, waivable: ['remove-glasses'], waivers: [{ id: 'remove-glasses', by: 'desk-1', at: 1 }] });
    await setProps('waiver-panel', { messages: [], waivers: [], ended: { waivers: [{ id: 'remove-glasses', by: 'desk-1', at: 1 }], reason: 'another person' } });
    expect(await page.locator('waiver-panel [data-k="waived"]').count()).toBe(0);
    expect(await page.locator('waiver-panel [data-k="ended"]').textContent()).toMatch(/Waivers ended, another person stepped in:\s*“Please remove your glasses” \(desk-1\)/);
    await setProps('waiver-panel', { ended: { waivers: [{ id: 'open-eyes', by: 'desk-2', at: 1 }, { id: 'remove-glasses', by: 'desk-1', at: 1 }], reason: 'person left' } });
    expect(await page.locator('waiver-panel [data-k="ended"]').textContent()).toMatch(/the person left:\s*“open eyes” \(desk-2\),\s*“Please remove your glasses” \(desk-1\)/);
    await setProps('waiver-panel', { ended: null });
    expect(await page.locator('waiver-panel [data-k="ended"]').count()).toBe(0);
  });

  it('lists a capture with portrait, map, Q^, the measurements that mattered and the actions', async () => {
    await mount('<capture-card style="width:1000px"></capture-card>');
    await setProps('capture-card', {
      capture: { id: 'c1', ts: Date.UTC(2026, 0, 1, 12), qualityScaled: 0.71, approved: false, trigger: 'auto' },
      threshold: 0.6,
      report: {
        qualityScaled: 0.71,
        plq: { regions: { forehead: 0.6, leftEye: 0.7, rightEye: 0.72, nose: 0.9, leftCheek: 0.2, rightCheek: 0.75, mouth: 0.6, chin: 0.5, face: 0.7 } },
        measurements: { yaw: 3.2, pitch: -4, roll: 1, luminance: 130, illuminationBalance: 0.05, interEyeDistance: 80, sharpness: 900 },
        iso: { passed: false, failed: ['HeadPoseYaw'], components: [{ name: 'HeadPoseYaw', native: 14.2, unit: 'degrees', value: 40, assessed: true, pass: false }] },
      },
    });
    const card = page.locator('capture-card');
    expect(await card.locator('img').count()).toBe(2);
    expect(await card.locator('img').first().getAttribute('src')).toBe('/api/captures/c1/portrait.jpg');
    expect(await card.locator('quality-meter .num').textContent()).toBe('0.71');
    expect(await card.locator('li[data-key="iso:HeadPoseYaw"]').textContent()).toContain('Head pose yaw');
    expect(await card.locator('li[data-key="iso:HeadPoseYaw"] .v').textContent()).toBe('14.2°');
    expect(await card.locator('li[data-key="region:leftCheek"]').getAttribute('class')).toBe('bad');
    for (const action of ['approve', 'retake', 'delete']) await card.locator(`button.${action}`).click();
    expect(await page.evaluate(() => window.events)).toEqual([
      { type: 'approve', detail: 'c1' },
      { type: 'retake', detail: 'c1' },
      { type: 'delete', detail: 'c1' },
    ]);
    expect(await card.locator('.badge.pending').count()).toBe(0);
    await setProps('capture-card', { capture: { id: 'c1', ts: Date.UTC(2026, 0, 1, 12), qualityScaled: 0.71, approved: false, trigger: 'auto', pending: true } });
    expect(await card.locator('.badge.pending').textContent()).toBe('not yet on disk');
  });

  it('shows the kiosk health', async () => {
    await mount('<health-panel connection="connected"></health-panel>');
    await setProps('health-panel', { status: { state: 'adjusting', fps: 9.5, plqPerSecond: 2.25, cameraState: 'streaming', frameToPlqP95Ms: 290.4, captures: 1 } });
    expect(await page.locator('health-panel [data-k="fps"]').textContent()).toBe('9.5');
    expect(await page.locator('health-panel [data-k="plq"]').textContent()).toBe('2.25');
    expect(await page.locator('health-panel [data-k="latency"]').textContent()).toBe('290 ms');
    expect(await page.locator('health-panel [data-k="camera"]').textContent()).toBe('streaming');
    const storage = { writable: true, freeBytes: 5e9, minFreeBytes: 100 * 1024 * 1024, lowSpace: false, pending: 0, maxPending: 20, lastError: null };
    await setProps('health-panel', { storage });
    expect(await page.locator('health-panel [data-k="storage"]').count()).toBe(0);
    await setProps('health-panel', { storage: { ...storage, writable: false, freeBytes: 0, lowSpace: true, pending: 2, lastError: 'ENOSPC' } });
    const alert = (await page.locator('health-panel [data-k="storage"]').textContent())!.replace(/\s+/g, ' ');
    expect(alert).toMatch(/cannot be written \(ENOSPC\): 2 of at most 20 waiting in memory/);
    await setProps('health-panel', { storage: { ...storage, freeBytes: 50 * 1024 * 1024, lowSpace: true } });
    expect(await page.locator('health-panel [data-k="storage"]').textContent()).toMatch(/Disk space low: 50 MB free, minimum 100 MB/);
  });
});
