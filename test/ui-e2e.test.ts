/**
 * End to end, in Debian Chromium against the real kiosk server on loopback with the replay
 * camera over real face photos (face-api sample3, face 0, framed as at a kiosk):
 * - occluded (a black square on the person's left cheek): the preview shows, the PLQ map is
 *   drawn over the face, the guidance says to uncover the left cheek (and in German after the
 *   language switch); an operator waives that message from the operator view and the kiosk
 *   stops saying it, until the operator takes the waiver back;
 * - the server goes away: "reconnecting"; a server comes back on the same port: the page
 *   reconnects by itself;
 * - the same face uncovered: the hold-still countdown, then the captured portrait with accept /
 *   retake; the operator view lists that capture with its portrait, map, Q^ and measurements.
 * Screenshots go to $PLQ_TEST_ARTIFACTS (default <tmp>/plq-test-artifacts/ui), never into the source tree.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './helpers/ui-browser.js';
import { buildUi, freePort, kioskModules, startServer, type KioskServer } from './helpers/ui-server.js';
import { writeFaceFrames, writeUnseenFrame } from './helpers/ui-fixtures.js';
import { OPERATOR } from './helpers/kiosk-harness.js';

/** Opens /operator in a new page and logs in through the login form. */
async function operatorPage(b: Browser, base: string): Promise<Page> {
  const op = await b.newPage({ viewport: { width: 1920, height: 1080 } });
  await op.goto(base + '/operator');
  await op.locator('login-view input[name="user"]').fill(OPERATOR.name);
  await op.locator('login-view input[name="password"]').fill(OPERATOR.password);
  await op.locator('login-view button[type="submit"]').click();
  await op.locator('operator-console').waitFor({ timeout: 10_000 });
  return op;
}

/** What the tests read of <kiosk-view> (its store); the UI's own types stay in ui/tsconfig.json. */
interface KioskView {
  store: { state: { state: string; connection: string; frame: object | null; capture: { id: string } | null } };
}

const ART = process.env.PLQ_TEST_ARTIFACTS ?? path.join(os.tmpdir(), 'plq-test-artifacts', 'ui');
const FACE = 'face-api/sample3#0';

let browser: Browser;
let page: Page;
let server: KioskServer | null = null;
let port: number;
let url: string;
/** Requests of the kiosk page that failed (a browser asks for /favicon.ico by itself). */
const failedRequests: string[] = [];
const dirs = { occluded: path.join(ART, 'frames/occluded'), good: path.join(ART, 'frames/good'), captures: path.join(ART, 'captures') };

async function kioskState(p: Page): Promise<{ state: string; connection: string; hasFrame: boolean }> {
  return p.evaluate(() => {
    const v = document.querySelector('kiosk-view') as unknown as KioskView;
    const s = v.store.state;
    return { state: s.state, connection: s.connection, hasFrame: s.frame !== null };
  });
}

beforeAll(async () => {
  await rm(path.join(ART, 'frames'), { recursive: true, force: true });
  await rm(dirs.captures, { recursive: true, force: true });
  await rm(`${dirs.captures}.audit.jsonl`, { force: true });
  await mkdir(ART, { recursive: true });
  await Promise.all([
    buildUi(),
    kioskModules(),
    writeFaceFrames(dirs.occluded, { faceIds: [FACE], occluder: 'left-cheek-square' }),
  ]);
  // the capture cycle: a person no fit and no threshold saw, on the default configuration
  await writeUnseenFrame(dirs.good);
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  page.on('response', (r) => {
    if (r.status() >= 400) failedRequests.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  // UPDATE_SCREENSHOTS=1: small copies for the README under docs/screenshots/.
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    const out = path.resolve('docs/screenshots');
    await mkdir(out, { recursive: true });
    for (const name of ['kiosk-guidance', 'kiosk-holding', 'kiosk-captured', 'kiosk-portrait', 'kiosk-reconnecting', 'operator', 'operator-admam']) {
      const width = name === 'kiosk-portrait' ? 480 : 960;
      await sharp(path.join(ART, `${name}.png`)).resize({ width }).png({ palette: true, quality: 85, compressionLevel: 9 }).toFile(path.join(out, `${name}.png`));
    }
  }
});

describe('kiosk UI against the real server', () => {
  it('shows the preview, draws the PLQ overlay and the guidance for an occluded face', async () => {
    server = await startServer({ replayDir: dirs.occluded, port, captureDir: dirs.captures });
    await page.goto(url + '/');
    await page.waitForFunction(() => {
      const v = document.querySelector('kiosk-view') as unknown as KioskView | null;
      return v?.store.state.frame != null;
    });
    expect(await kioskState(page)).toMatchObject({ connection: 'connected', hasFrame: true });

    // The PLQ map is drawn over the face (enrolment-desk profile: overlay on by default).
    await page.locator('plq-preview canvas[data-overlay="drawn"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('toggle-button.overlay').getAttribute('on')).not.toBeNull();

    // The guidance for a covered left cheek, with its icon and in the aria-live region.
    const cheek = page.locator('guidance-panel [data-id="uncover-left-cheek"]');
    await cheek.waitFor({ timeout: 20_000 });
    await expect.poll(() => cheek.textContent()).toContain('Please uncover your left cheek');
    expect(await cheek.locator('svg').count()).toBe(1);
    const live = await page.locator('guidance-panel [aria-live="polite"]').textContent();
    expect(live).toBeTruthy();
    expect(await page.locator('quality-meter [role="meter"]').getAttribute('aria-valuenow')).not.toBe('0');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ART, 'kiosk-guidance.png') });
    await page.locator('plq-preview').screenshot({ path: path.join(ART, 'kiosk-overlay.png') });

    // Overlay toggle: off and on again.
    await page.locator('toggle-button.overlay button').click();
    await page.locator('plq-preview canvas[data-overlay="none"]').waitFor();
    await page.locator('toggle-button.overlay button').click();
    await page.locator('plq-preview canvas[data-overlay="drawn"]').waitFor();

    // Language switch: the server answers in German.
    await page.locator('.side language-switch button[data-lang="de"]').click();
    await expect.poll(() => cheek.textContent(), { timeout: 10_000 }).toContain('Bitte die linke Wange freimachen');
    await expect.poll(() => page.locator('state-indicator .label').textContent()).toMatch(/Fast geschafft|Foto wird aufgenommen|Gesicht wird gesucht/);
    await page.screenshot({ path: path.join(ART, 'kiosk-guidance-de.png') });
    await page.locator('.side language-switch button[data-lang="en"]').click();
    await expect.poll(() => cheek.textContent(), { timeout: 10_000 }).toContain('Please uncover your left cheek');

    // Portrait orientation keeps everything on screen.
    await page.setViewportSize({ width: 1080, height: 1920 });
    await page.waitForTimeout(300);
    for (const sel of ['plq-preview', 'guidance-panel', 'quality-meter', 'language-switch']) {
      const box = await page.locator(sel).first().boundingBox();
      expect(box, sel).not.toBeNull();
      expect(box!.y + box!.height, sel).toBeLessThanOrEqual(1920 + 1);
      expect(box!.x + box!.width, sel).toBeLessThanOrEqual(1080 + 1);
    }
    // upright, the picture fills the preview's height (ui.previewFill auto), its sides cropped
    const [area, picture] = await Promise.all([page.locator('plq-preview').boundingBox(), page.locator('plq-preview .stage').boundingBox()]);
    expect(Math.abs(picture!.height - area!.height)).toBeLessThan(2);
    expect(picture!.width).toBeGreaterThan(area!.width * 1.2);
    await page.screenshot({ path: path.join(ART, 'kiosk-portrait.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });

    // The operator waives the cheek message for this person (the UI's path of a waiver): the
    // kiosk stops saying it, the operator sees who waived it, and Undo brings it back.
    const op = await operatorPage(browser, url);
    const waive = op.locator('waiver-panel button.waive[data-id="uncover-left-cheek"]');
    await waive.waitFor({ timeout: 20_000 });
    expect(await waive.textContent()).toContain('Please uncover your left cheek');
    await op.screenshot({ path: path.join(ART, 'operator-waive-offer.png') });
    await waive.click();
    await cheek.waitFor({ state: 'detached', timeout: 10_000 });
    const waived = op.locator('waiver-panel [data-k="waived"] span[data-id="uncover-left-cheek"]');
    await waived.waitFor({ timeout: 10_000 });
    expect(await waived.textContent()).toContain(OPERATOR.name);
    expect(await op.locator('waiver-panel button.waive[data-id="uncover-left-cheek"]').count()).toBe(0);
    await op.screenshot({ path: path.join(ART, 'operator-waiver.png') });
    await op.locator('waiver-panel button.undo[data-id="uncover-left-cheek"]').click();
    await cheek.waitFor({ timeout: 20_000 });
    // waived again, then the operator resets the kiosk: the waiver goes with the session, and the view says so
    await waive.click();
    await waived.waitFor({ timeout: 10_000 });
    await op.locator('button.reset').click();
    const ended = op.locator('waiver-panel [data-k="ended"]');
    await ended.waitFor({ timeout: 10_000 });
    expect(await ended.textContent()).toMatch(new RegExp(`the kiosk was reset:\\s*“Please uncover your left cheek” \\(${OPERATOR.name}\\)`));
    expect(await op.locator('waiver-panel [data-k="waived"]').count()).toBe(0);
    await op.screenshot({ path: path.join(ART, 'operator-waiver-ended.png') });
    await op.close();
  });

  it('says "reconnecting" when the server goes away and comes back by itself', async () => {
    // until now, every request of the kiosk page was answered; the page names its icon, so a
    // kiosk browser (headed Chromium asks for /favicon.ico, headless does not) has nothing to miss
    expect(failedRequests).toEqual([]);
    expect(await page.evaluate(() => document.querySelector('link[rel="icon"]')?.getAttribute('href'))).toBe('data:,');
    await server!.close();
    server = null;
    const banner = page.locator('connection-banner .banner');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain('Reconnecting');
    await page.screenshot({ path: path.join(ART, 'kiosk-reconnecting.png') });

    // the server that comes back is told to show the whole frame (ui.previewFill): the page follows its hello
    server = await startServer({ replayDir: dirs.good, port, captureDir: dirs.captures, overrides: { ui: { previewFill: 'whole-frame' } } });
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(async () => (await kioskState(page)).connection, { timeout: 10_000 }).toBe('connected');
    await page.setViewportSize({ width: 1080, height: 1920 });
    await expect.poll(() => page.locator('plq-preview').getAttribute('fill')).toBe('whole-frame');
    const [area, picture] = await Promise.all([page.locator('plq-preview').boundingBox(), page.locator('plq-preview .stage').boundingBox()]);
    expect(Math.abs(picture!.width - area!.width)).toBeLessThan(2);
    expect(picture!.height).toBeLessThan(area!.height * 0.8);
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  it('counts down and shows the captured portrait for a good face; the operator view lists it', async () => {
    // The kiosk may have captured while the page was reconnecting: start a fresh cycle then.
    const review = page.locator('capture-review');
    const holding = page.locator('state-indicator[state="holding"] .count');
    await page.locator('capture-review button.retake, state-indicator[state="holding"] .count').first().waitFor({ timeout: 30_000 });
    if (await review.locator('button.retake').isVisible()) {
      await review.locator('button.retake').click();
      await review.waitFor({ state: 'detached', timeout: 10_000 });
    }
    // Hold still: the countdown of good results still needed.
    await holding.waitFor({ timeout: 30_000 });
    expect(Number(await holding.textContent())).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ART, 'kiosk-holding.png') });

    await review.locator('img').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => {
      const img = document.querySelector('kiosk-view')?.shadowRoot?.querySelector('capture-review')?.shadowRoot?.querySelector('img');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    expect(await review.locator('button.accept').isVisible()).toBe(true);
    expect(await review.locator('button.retake').isVisible()).toBe(true);
    for (const b of await review.locator('button').all()) {
      const box = await b.boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(48);
      expect(box!.width).toBeGreaterThanOrEqual(48);
    }
    await page.screenshot({ path: path.join(ART, 'kiosk-captured.png') });
    const captureId = await page.evaluate(() => (document.querySelector('kiosk-view') as unknown as KioskView).store.state.capture?.id ?? null);
    expect(captureId).toBeTruthy();

    // The operator view lists that capture with portrait, PLQ map, Q^ and measurements.
    const op = await operatorPage(browser, url);
    const card = op.locator(`capture-card article[data-id="${captureId}"]`);
    await card.waitFor({ timeout: 15_000 });
    await card.locator('li').first().waitFor({ timeout: 15_000 });
    await op.waitForFunction(() => {
      const opConsole = document.querySelector('operator-view')?.shadowRoot?.querySelector('operator-console');
      const imgs = [...(opConsole?.shadowRoot?.querySelectorAll('capture-card') ?? [])].flatMap((c) => [...(c.shadowRoot?.querySelectorAll('img') ?? [])]);
      return imgs.length >= 2 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    });
    await expect.poll(() => op.locator('health-panel [data-k="camera"]').textContent(), { timeout: 10_000 }).toBe('streaming');
    await expect.poll(async () => Number(await op.locator('health-panel [data-k="fps"]').textContent()), { timeout: 10_000 }).toBeGreaterThan(0);
    await op.locator('plq-preview canvas').waitFor();
    await op.waitForTimeout(500);
    await op.screenshot({ path: path.join(ART, 'operator.png') });

    // Approve from the operator view.
    await card.locator('button.approve').click();
    await card.locator('.badge.ok').waitFor({ timeout: 10_000 });
    // the list needs the operator's session: asked from the operator's page
    const list = (await op.evaluate(async () => (await fetch('/api/captures')).json())) as Array<{ id: string; approved: boolean }>;
    expect(list.find((c) => c.id === captureId)?.approved).toBe(true);
    expect((await fetch(`${url}/api/captures`)).status).toBe(403);
    // the audit trail names who approved it
    const audit = (await readFile(`${dirs.captures}.audit.jsonl`, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { action: string; user: string; captureId: string });
    expect(audit).toContainEqual(expect.objectContaining({ action: 'approve', user: OPERATOR.name, captureId }));
    await op.close();

    // Accept on the kiosk: thank-you, then the kiosk starts over.
    await review.locator('button.accept').click();
    await review.locator('.thanks').waitFor({ timeout: 5000 });
    await page.screenshot({ path: path.join(ART, 'kiosk-thanks.png') });
    // The kiosk starts over (with the same face still there it may capture again: a new id).
    await page.waitForFunction((id) => (document.querySelector('kiosk-view') as unknown as KioskView).store.state.capture?.id !== id, captureId, { timeout: 10_000 });
  });

  it('the operator view shows the live AD-MAM_H beside the PLQ map when a MAM_H is loaded', async () => {
    const { writeMamFixture } = await import('./helpers/mam-fixture.js');
    const { file } = await writeMamFixture();
    await server?.close();
    server = await startServer({
      replayDir: dirs.good,
      port,
      captureDir: dirs.captures,
      overrides: { xai: { mamFile: file, everyNthPlq: 1 }, capture: { threshold: 1 } },
    });
    const op = await operatorPage(browser, url);
    const mean = await op.waitForFunction(
      () => {
        const panel = document.querySelector('operator-view')?.shadowRoot?.querySelector('operator-console')?.shadowRoot?.querySelector('admam-panel');
        return panel?.shadowRoot?.querySelector('[data-k="admam-mean"]')?.textContent ?? false;
      },
      undefined,
      { timeout: 60_000 },
    );
    expect(Number(await mean.jsonValue())).toBeGreaterThan(0);
    await op.waitForTimeout(500);
    await op.screenshot({ path: path.join(ART, 'operator-admam.png') });
    await op.close();
  });
});
