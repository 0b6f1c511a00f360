/**
 * Socket.IO namespace /kiosk, the touchscreen: the live stream out, and only the session's own
 * actions in (retake, accept, language). The capture event points at the kiosk's portrait route,
 * which serves the current capture's portrait and nothing else.
 */
import type { Namespace, Socket } from 'socket.io';
import type { KioskPipeline } from '../../pipeline/kiosk-pipeline.js';
import type { KioskConfig } from '../../config/kiosk-config.js';
import type { CaptureEvent } from '../../pipeline/kiosk-events.js';
import { LANGUAGES, type Language } from '../../guidance/guidance-ids.js';
import { eventGuard } from './event-guard.js';

export const kioskPortraitUrl = (id: string): string => `/api/kiosk/captures/${encodeURIComponent(id)}/portrait.jpg`;

/** What the kiosk screen is told of a capture: its portrait only, through the kiosk's route. */
export function kioskCaptureEvent(c: CaptureEvent): Omit<CaptureEvent, 'frameUrl' | 'reportUrl'> {
  const { frameUrl: _f, reportUrl: _r, ...rest } = c;
  return { ...rest, portraitUrl: kioskPortraitUrl(c.id) };
}

export function helloPayload(pipeline: KioskPipeline, config: KioskConfig) {
  const pa = config.guidance.presentationAttack;
  return {
    ...pipeline.snapshot(),
    profile: config.profile,
    languages: LANGUAGES,
    ui: { plqOverlay: config.ui.plqOverlay, speech: config.ui.speech, previewFill: config.ui.previewFill, adMam: config.xai.mamFile !== null },
    presentationAttack: pa.enabled ? { minReal: pa.minReal, minLive: pa.minLive } : null,
  };
}

export function wireKioskNamespace(ns: Namespace, pipeline: KioskPipeline, config: KioskConfig): void {
  ns.on('connection', (socket: Socket) => {
    const hello = helloPayload(pipeline, config);
    socket.emit('hello', { ...hello, capture: hello.capture ? kioskCaptureEvent(hello.capture) : null });
    socket.onAny(() => undefined);
    const guard = eventGuard(socket, config.server.clientEventsPerSecond, () => pipeline.metrics.counters.clientThrottled++);
    socket.on('retake', guard(() => pipeline.retake()));
    socket.on('accept', guard(() => pipeline.reset(true)));
    socket.on('language', guard((lang: unknown) => {
      if (typeof lang !== 'string' || !(LANGUAGES as readonly string[]).includes(lang)) throw new Error(`unknown language ${String(lang)}`);
      pipeline.setLanguage(lang as Language);
    }));
  });
}
