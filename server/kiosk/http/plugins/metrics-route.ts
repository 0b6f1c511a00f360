import type { FastifyPluginAsync } from 'fastify';
import type { KioskPipeline } from '../../pipeline/kiosk-pipeline.js';

/** Prometheus text exposition of the pipeline's counters, rates and latencies. */
export function prometheusText(pipeline: KioskPipeline): string {
  const m = pipeline.metrics;
  const lines: string[] = [];
  const gauge = (name: string, help: string, value: number, labels = ''): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name}${labels} ${Number.isFinite(value) ? value : 0}`);
  };
  const counter = (name: string, help: string, value: number): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`);
  };
  gauge('plq_kiosk_tracking_fps', 'Frames tracked per second (5 s window)', m.tracked.perSecond());
  gauge('plq_kiosk_input_fps', 'Camera frames per second (5 s window)', m.framesIn.perSecond());
  gauge('plq_kiosk_plq_per_second', 'PLQ maps per second (5 s window)', m.plq.perSecond());
  for (const q of [0.5, 0.95, 0.99]) gauge('plq_kiosk_frame_to_plq_ms', 'Frame capture to PLQ result latency', m.frameToPlqMs.quantile(q), `{quantile="${q}"}`);
  gauge('plq_kiosk_track_ms', 'Tracking time per frame, median', m.trackMs.quantile(0.5));
  gauge('plq_kiosk_plq_ms', 'PLQ worker time per map, median', m.plqMs.quantile(0.5));
  gauge('plq_kiosk_event_loop_lag_ms', `Event-loop lag p99 (how late a timer due every ${m.eventLoop.resolutionMs} ms runs)`, m.eventLoop.percentileMs(99), '{quantile="0.99"}');
  gauge('plq_kiosk_camera_up', 'Camera streaming (1) or not (0)', m.cameraState === 'streaming' ? 1 : 0);
  counter('plq_kiosk_frames_total', 'Camera frames received', m.counters.framesTotal);
  counter('plq_kiosk_tracked_total', 'Frames tracked', m.counters.trackedTotal);
  counter('plq_kiosk_plq_total', 'PLQ maps computed', m.counters.plqTotal);
  counter('plq_kiosk_dropped_frames_total', 'Frames dropped while the tracker was busy', m.counters.droppedTracking);
  counter('plq_kiosk_dropped_plq_total', 'Selected frames dropped while the PLQ worker was busy', m.counters.droppedPlq);
  counter('plq_kiosk_captures_total', 'Captures taken', m.counters.captures);
  counter('plq_kiosk_occluded_results_total', 'PLQ results held back from capture by an occluder on their own map', m.counters.occludedResults);
  counter('plq_kiosk_errors_total', 'Errors in the pipeline', m.counters.errors);
  counter('plq_kiosk_worker_restarts_total', 'Model worker restarts', m.counters.workerRestarts);
  counter('plq_kiosk_camera_lost_total', 'Times the camera was lost', m.counters.cameraLost);
  counter('plq_kiosk_another_person_total', 'Sessions ended because another person stepped in before the leave time', m.counters.anotherPerson);
  counter('plq_kiosk_client_events_throttled_total', 'Client events dropped by the rate limit', m.counters.clientThrottled);
  return lines.join('\n') + '\n';
}

export const metricsRoute: FastifyPluginAsync<{ pipeline: KioskPipeline }> = async (app, { pipeline }) => {
  app.get('/metrics', { config: { role: ['monitor', 'operator'] } }, async (_req, reply) => reply.type('text/plain; version=0.0.4').send(prometheusText(pipeline)));
};
