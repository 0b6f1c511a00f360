import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, ConfigError, envOverrides, PROFILES } from '../server/kiosk/config/load-config.js';
import { DEFAULT_CONFIG } from '../server/kiosk/config/kiosk-config.js';
import { FrModel } from '../server/plq/fr-model.js';

const run = promisify(execFile);

describe('kiosk config', () => {
  it('works with no file: loopback, replay demo camera, auto backend', async () => {
    const c = await loadConfig({ env: {} });
    expect(c.server.host).toBe('127.0.0.1');
    expect(c.camera.source).toBe('replay:samples');
    expect(c.engine.backend).toBe('auto');
  });

  it('applies profiles, then the file, then the environment, then flags', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plq-cfg-'));
    const file = path.join(dir, 'kiosk.json');
    await writeFile(file, JSON.stringify({ profile: 'enrolment-desk', capture: { successive: 5 }, server: { port: 9000 } }));
    const c = await loadConfig({ file, env: { PLQ_KIOSK__server__port: '9100', PLQ_KIOSK__guidance__language: 'fr' }, overrides: { camera: { source: 'synthetic' } } });
    expect(c.profile).toBe('enrolment-desk');
    expect(c.ui.plqOverlay).toBe(true); // from the profile
    expect(c.capture.successive).toBe(5); // file over profile
    expect(c.server.port).toBe(9100); // env over file
    expect(c.guidance.language).toBe('fr');
    expect(c.camera.source).toBe('synthetic');
    for (const p of ['passport-booth', 'border-gate', 'enrolment-desk', 'demo']) expect((await loadConfig({ profile: p, env: {} })).profile).toBe(p);
  });

  it('capture checks: advisory components by default, per profile, from the environment; unknown names are refused', async () => {
    const d = await loadConfig({ env: {} });
    expect(d.capture.advisoryComponents).toEqual(['PlqQualityScore', 'PlqRegion.*']);
    expect(d.selection).toEqual({ windowMs: 100, centreSigma: 0.35, multipleFacesRatio: 0.7 });
    expect((await loadConfig({ profile: 'enrolment-desk', env: {} })).capture.advisoryComponents).toEqual([]);
    expect((await loadConfig({ profile: 'passport-booth', env: {} })).capture.advisoryComponents).toEqual(['PlqRegion.*']);
    expect((await loadConfig({ profile: 'demo', env: {} })).capture.advisoryComponents).toEqual(expect.arrayContaining(['HeadPoseYaw', 'MouthClosed']));
    const env = await loadConfig({ env: { PLQ_KIOSK__capture__advisoryComponents: '["HeadPoseRoll"]', PLQ_KIOSK__selection__multipleFacesRatio: '0.8' } });
    expect(env.capture.advisoryComponents).toEqual(['HeadPoseRoll']);
    expect(env.selection.multipleFacesRatio).toBe(0.8);
    await expect(loadConfig({ env: {}, overrides: { capture: { advisoryComponents: ['HeadPoseJaw'] } } })).rejects.toThrow(/"capture.advisoryComponents.0" must be equal to one of the allowed values/);
    await expect(loadConfig({ env: {}, overrides: { selection: { multipleFacesRatio: 1.5 } } })).rejects.toThrow(/"selection.multipleFacesRatio" must be <= 1/);
  });

  it('waivable messages: the appearance ones by default; a profile may narrow them; pose, presence and presentation attacks are refused', async () => {
    const d = await loadConfig({ env: {} });
    expect(d.guidance.waivable).toEqual(expect.arrayContaining(['remove-glasses', 'remove-headgear', 'open-eyes', 'uncover-mouth']));
    expect(d.guidance.waivable).not.toContain('close-mouth');
    expect((await loadConfig({ env: {}, overrides: { guidance: { waivable: [] } } })).guidance.waivable).toEqual([]);
    for (const id of ['presentation-attack', 'look-straight', 'no-face', 'multiple-faces', 'too-dark']) {
      await expect(loadConfig({ env: {}, overrides: { guidance: { waivable: [id] } } })).rejects.toThrow(/"guidance.waivable.0" must be equal to one of the allowed values/);
    }
  });

  it('the closed-eye probe is off by default and in every profile; a config may turn it on, with a boolean only', async () => {
    expect((await loadConfig({ env: {} })).guidance.closedEyeProbe).toBe(false);
    for (const profile of PROFILES) expect((await loadConfig({ env: {}, profile })).guidance.closedEyeProbe, profile).toBe(false);
    expect((await loadConfig({ env: {}, overrides: { guidance: { closedEyeProbe: true } } })).guidance.closedEyeProbe).toBe(true);
    await expect(loadConfig({ env: {}, overrides: { guidance: { closedEyeProbe: 'yes' } } })).rejects.toThrow(/"guidance.closedEyeProbe" must be boolean/);
  });

  it('a bad config names the bad key', async () => {
    await expect(loadConfig({ env: { PLQ_KIOSK__server__port: '70000' } })).rejects.toThrow(/"server.port" must be <= 65535/);
    await expect(loadConfig({ env: {}, overrides: { capture: { treshold: 0.5 } } })).rejects.toThrow(/unknown key "capture.treshold"/);
    await expect(loadConfig({ env: {}, overrides: { camera: { source: 'webcam' } } })).rejects.toThrow(/camera.source/);
    await expect(loadConfig({ env: {}, profile: 'airport' })).rejects.toThrow(ConfigError);
    await expect(loadConfig({ env: {}, file: '/nonexistent/kiosk.json' })).rejects.toThrow(/cannot be read \(no such file\)/);
    await expect(loadConfig({ env: {}, file: os.tmpdir() })).rejects.toThrow(/cannot be read \(a folder, not a file\)/);
    expect(envOverrides({ PLQ_KIOSK__ui__speech: 'true', OTHER: 'x' })).toEqual({ ui: { speech: true } });
    expect(DEFAULT_CONFIG.capture.retentionHours).toBeGreaterThan(0);
  });

  it('the audit log is rotated by size: 10 MB, 9 rotated files by default, lines kept 365 days; a size of 0, a negative count or age is refused', async () => {
    expect((await loadConfig({ env: {} })).audit).toEqual({ file: null, maxMB: 10, keepFiles: 9, maxAgeDays: 365 });
    expect((await loadConfig({ env: { PLQ_KIOSK__audit__maxAgeDays: '30' } })).audit.maxAgeDays).toBe(30);
    expect((await loadConfig({ env: { PLQ_KIOSK__audit__maxAgeDays: 'null' } })).audit.maxAgeDays).toBeNull();
    await expect(loadConfig({ env: {}, overrides: { audit: { maxAgeDays: -1 } } })).rejects.toThrow(/"audit.maxAgeDays" must be >= 0.01/);
    expect((await loadConfig({ env: { PLQ_KIOSK__audit__keepFiles: '0' } })).audit.keepFiles).toBe(0);
    await expect(loadConfig({ env: {}, overrides: { audit: { maxMB: 0 } } })).rejects.toThrow(/"audit.maxMB" must be >= 0.001/);
    await expect(loadConfig({ env: {}, overrides: { audit: { keepFiles: -1 } } })).rejects.toThrow(/"audit.keepFiles" must be >= 0/);
    await expect(loadConfig({ env: {}, overrides: { audit: { keepFiles: 2.5 } } })).rejects.toThrow(/"audit.keepFiles" must be integer/);
  });

  it('plq serve stops with a clear message on an invalid config, before opening anything', async () => {
    const tsx = path.resolve('node_modules/.bin/tsx');
    const r = await run(tsx, [path.resolve('server/cli/main.ts'), 'serve', '--camera', 'webcam:0'], { env: { ...process.env } }).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid config: "camera.source"/);
  });

  it('a missing model file gives a clear error naming the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plq-models-'));
    await cp(path.resolve('models/mobileface.json'), path.join(dir, 'mobileface.json'));
    await expect(FrModel.load('mobileface', dir)).rejects.toThrow(/adapted head file .*mobileface.head.f32 is missing/);
    await expect(FrModel.load('faceres', dir)).rejects.toThrow(/unknown model "faceres": no manifest/);
  });
});
