#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_ORDER } from '../tf/backend.js';
import { DEFAULT_MODEL } from '../plq/model-manifest.js';
import { DEFAULT_MAX_PIXELS } from '../image/decode-image.js';
import { assessCommand } from './assess-command.js';
import { calibrateCommand } from './calibrate-command.js';
import { adaptHeadCommand } from './adapt-head-command.js';
import { serveCommand } from './serve-command.js';
import { userCommand } from './user-command.js';
import { fitBrisqueCommand } from './fit-brisque-command.js';
import { analyzeCommand } from './analyze-command.js';
import { workerCommand } from './worker-command.js';
import { deletionInsertionCommand } from './experiment-deletion-command.js';
import { inpaintCommand } from './experiment-inpaint-command.js';
import { evaluateCommand } from './evaluate-command.js';
import { evaluateGuidanceCommand } from './evaluate-guidance-command.js';
import { DEFAULT_CAPTURE_HOLD_MS, evaluateCaptureCommand } from './evaluate-capture-command.js';
import { evaluateSamePersonCommand } from './evaluate-same-person-command.js';
import { SYNTHETIC_KINDS, type SyntheticKind } from '../evaluation/synthetic-occluders.js';
import { splitCommand } from './split-command.js';
import { guidanceLabelsCommand } from './guidance-labels-command.js';
import { fitDetectorsCommand } from './fit-detectors-command.js';
import { DETECTOR_MODES, FIT_OPTIONS, type FitOptions } from '../evaluation/fit-detectors.js';
import type { GuidanceId } from '../kiosk/guidance/guidance-ids.js';
import { invocationDir } from './invocation-dir.js';

const typedIn = invocationDir(process.env, process.cwd());
if (typedIn) process.chdir(typedIn);

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

const nonNegative = (v: string): number => {
  const n = Number(v);
  if (!(Number.isFinite(n) && n >= 0)) throw new InvalidArgumentError('must be a number >= 0');
  return n;
};

const fractionArg = (v: string): number => {
  const n = Number(v);
  if (!(n > 0 && n <= 0.5)) throw new InvalidArgumentError('must be in (0, 0.5]');
  return n;
};

const personBalancedList = (v: string): FitOptions['personBalanced'] => {
  if (v === 'all' || v === 'none') return v;
  const ids = v.split(',').map((s) => s.trim());
  const unknown = ids.filter((id) => !DETECTOR_MODES.some(([d]) => d === id));
  if (unknown.length) throw new InvalidArgumentError(`not a probe: ${unknown.join(', ')} (probes: ${DETECTOR_MODES.map(([d]) => d).join(', ')})`);
  return ids as GuidanceId[];
};

const backendOption = () =>
  new Option('--backend <name>', 'compute backend').choices(['auto', ...BACKEND_ORDER]).default(process.env.PLQ_BACKEND ?? 'auto');

const program = new Command()
  .name('plq')
  .description('Pixel-level face image quality (PLQ): quality maps and explanations for face photos')
  .showHelpAfterError();

program
  .command('assess')
  .description('assess every face in images or folders; writes <stem>[.<k>].json/.plq.png/.overlay.png/.aligned.png')
  .argument('<paths...>', 'image files or folders')
  .option('--model <name>', 'FR model (manifest in models/)', DEFAULT_MODEL)
  .option('--aligned', 'inputs already are the model\'s aligned crops', false)
  .option('--out <dir>', 'output folder', './plq-out')
  .option('--json', 'print one JSON line per face on stdout', false)
  .option('--max-pixels <n>', 'refuse larger images (checked before decoding)', positiveInt, DEFAULT_MAX_PIXELS)
  .addOption(backendOption())
  .action(async (paths: string[], o) => {
    process.exitCode = await assessCommand(paths, {
      model: o.model, aligned: o.aligned, out: o.out, json: o.json, backend: o.backend, maxPixels: o.maxPixels,
    });
  });

program
  .command('calibrate')
  .description('compute alpha, r, gamma and the gradient clip ceiling on the clean faces of the calibrate fold (or a folder); writes models/<model>.json')
  .argument('[dir]', 'folder of face photos instead of the calibrate fold of ../shared/faces')
  .option('--model <name>', 'FR model', DEFAULT_MODEL)
  .option('--dry-run', 'print the values without writing the manifest', false)
  .addOption(backendOption())
  .action(async (dir: string | undefined, o) => {
    process.exitCode = await calibrateCommand(dir, { model: o.model, dryRun: o.dryRun, backend: o.backend });
  });

program
  .command('adapt-head')
  .description('fit the dropout-adapted head kernel (offline, once) on the fit fold (or a folder); writes models/<model>.head.f32')
  .argument('[dir]', 'folder of face photos instead of the fit fold of ../shared/faces')
  .option('--model <name>', 'FR model', DEFAULT_MODEL)
  .addOption(new Option('--faces <which>', 'faces of the fit fold: clean frontal only, or all').choices(['clean', 'all']).default('clean'))
  .option('--augmentations <k>', 'photometric variants per face', positiveInt, 100)
  .option('--seed <n>', 'augmentation seed', positiveInt, 13)
  .option('--negatives <n>', 'blurred / downscaled variants per face whose dropout noise the fit rewards (0: plain fit)', (v: string) => Number(v), 20)
  .option('--mu <w>', 'weight of that reward', Number, 0.5)
  .option('--out <file>', 'write the kernel here instead of models/ (a candidate for plq evaluate)')
  .addOption(backendOption())
  .action(async (dir: string | undefined, o) => {
    process.exitCode = await adaptHeadCommand(dir, { model: o.model, faces: o.faces, augmentations: o.augmentations, seed: o.seed, negatives: o.negatives, mu: o.mu, out: o.out, backend: o.backend });
  });

program
  .command('split')
  .description('the fit / calibrate / validate split of ../shared/faces by identity: writes models/face-split.csv (or --check it)')
  .option('--check', 'fail when models/face-split.csv differs from the rule', false)
  .action(async (o) => {
    process.exitCode = await splitCommand({ check: o.check });
  });

program
  .command('guidance-labels')
  .description('the labelled guidance set: per face of ../shared/faces the messages that must and must not appear (notes + overrides); writes models/guidance-labels.csv (or --check it)')
  .option('--check', 'fail when models/guidance-labels.csv differs from the rules', false)
  .option('--out <file>', 'write here instead of models/guidance-labels.csv')
  .action(async (o) => {
    process.exitCode = await guidanceLabelsCommand({ check: o.check, out: o.out });
  });

program
  .command('fit-detectors')
  .description('train the learned occlusion detectors on the fit fold (thresholds on the calibrate fold); writes models/guidance-detectors.json')
  .option('--cases <fit.json,calibrate.json>', 'reuse plq evaluate guidance --json outputs of the fit and calibrate folds instead of measuring them (several runs of a fold as a.json+b.json)')
  .option('--out <file>', 'write here instead of models/guidance-detectors.json')
  .option('--held-out-parts <k>', 'also score the fit fold held out by person, k parts (each case by a probe trained without its person); 1 = not', positiveInt, FIT_OPTIONS.heldOutParts)
  .option('--pooled-thresholds', 'thresholds from the calibrate fold and the held-out fit cases together', false)
  .option('--person-balanced <ids>', "probes trained with every person weighing the same: 'all', 'none' or guidance ids, comma-separated", personBalancedList, FIT_OPTIONS.personBalanced)
  .option('--dry-run', 'print the figures without writing', false)
  .addOption(backendOption())
  .action(async (o) => {
    let cases: [string, string] | undefined;
    if (o.cases) {
      const parts = String(o.cases).split(',');
      if (parts.length !== 2) throw new InvalidArgumentError('--cases takes two files: fit.json,calibrate.json');
      cases = [parts[0], parts[1]];
    }
    process.exitCode = await fitDetectorsCommand({ cases, out: o.out, dryRun: o.dryRun, backend: o.backend, fit: { heldOutParts: o.heldOutParts, thresholds: o.pooledThresholds ? 'pooled' : 'calibrate', personBalanced: o.personBalanced } });
  });

program
  .command('evaluate')
  .description('on the validate fold: quality (the candidates: drops, ladders, AUCs, ERC, pointing game, clean Q^), guidance (per message: recall, precision, false alarms, confusion), capture (clean faces captured automatically, faces with an occluder captured anyway) or same-person (another person stepping in told from one taking off an occluder)')
  .argument('[what]', 'quality, guidance, capture or same-person', 'quality')
  .option('--candidates <list>', 'quality: comma-separated candidates (default: all)')
  .addOption(new Option('--fold <fold>', 'fold to judge on (only validate is evidence)').choices(['fit', 'calibrate', 'validate']).default('validate'))
  .option('--limit <n>', 'at most n faces of the fold, taken evenly (quick runs)', positiveInt)
  .option('--max-map-faces <n>', 'quality: at most n clean faces for the map-based checks', positiveInt)
  .option('--json [file]', 'guidance: JSON on stdout instead of the table, or also to a file; quality: also write the figures to a file')
  .option('--set <file>', 'guidance: label file (default models/guidance-labels.csv)')
  .option('--synthetic <kinds>', `guidance: synthetic occluders on each clean face, comma-separated (${SYNTHETIC_KINDS.join(', ')}) or none`, SYNTHETIC_KINDS.join(','))
  .option('--seed <n>', 'guidance: seed of the synthetic occluders', positiveInt, 1)
  .option('--extra-seeds <list>', 'guidance: more seeds, comma-separated: each draws one more set of synthetic occluders (training cases for plq fit-detectors)', (v: string) => v.split(',').map((s) => positiveInt(s.trim())))
  .option('--mirror', 'guidance: also each real face mirrored, its left and right messages swapped (training cases for plq fit-detectors)', false)
  .option('--config <file>', 'guidance: kiosk config JSON (as plq serve)')
  .option('--profile <name>', 'guidance: kiosk profile (as plq serve)')
  .option('--rules-only', 'guidance: without the learned detectors (models/guidance-detectors.json)', false)
  .option('--min-similarity <s>', 'same-person: the FR similarity to judge at (default: the kiosk\'s for its model)', (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < -1 || n > 1) throw new InvalidArgumentError('must be a number from -1 to 1');
    return n;
  })
  .option('--hold-ms <ms>', `capture: hold each face until it is captured or this long (default ${DEFAULT_CAPTURE_HOLD_MS})`, positiveInt)
  .addOption(backendOption())
  .action(async (what: string, o) => {
    const kinds = o.synthetic === 'none' ? [] : String(o.synthetic).split(',').map((k: string) => k.trim()).filter(Boolean);
    if (what === 'guidance' || what === 'capture' || what === 'same-person') {
      for (const k of kinds) if (!(SYNTHETIC_KINDS as readonly string[]).includes(k)) throw new InvalidArgumentError(`unknown synthetic occluder "${k}" (known: ${SYNTHETIC_KINDS.join(', ')}, none)`);
    }
    if (what === 'capture') {
      if (o.mirror || o.extraSeeds) throw new InvalidArgumentError('--mirror and --extra-seeds make training cases for plq fit-detectors; plq evaluate capture does not take them');
      process.exitCode = await evaluateCaptureCommand({
        set: o.set, fold: o.fold, limit: o.limit, synthetic: kinds as SyntheticKind[], seed: o.seed, config: o.config, profile: o.profile, backend: o.backend, json: o.json, holdMs: o.holdMs,
        ...(o.rulesOnly ? { detectors: null } : {}),
      });
      return;
    }
    if (what === 'guidance') {
      process.exitCode = await evaluateGuidanceCommand({
        set: o.set, fold: o.fold, limit: o.limit, synthetic: kinds as SyntheticKind[], seed: o.seed, extraSeeds: o.extraSeeds, mirror: o.mirror, config: o.config, profile: o.profile, backend: o.backend, json: o.json,
        ...(o.rulesOnly ? { detectors: null } : {}),
      });
      return;
    }
    if (what === 'same-person') {
      process.exitCode = await evaluateSamePersonCommand({
        set: o.set, fold: o.fold, limit: o.limit, synthetic: kinds as SyntheticKind[], seed: o.seed, minSimilarity: o.minSimilarity, config: o.config, profile: o.profile, backend: o.backend, json: o.json,
      });
      return;
    }
    if (what !== 'quality') throw new InvalidArgumentError(`unknown evaluation "${what}" (known: quality, guidance, capture, same-person)`);
    if (o.json === true) throw new InvalidArgumentError('plq evaluate quality --json needs a file');
    process.exitCode = await evaluateCommand({
      candidates: o.candidates, fold: o.fold, limit: o.limit, maxMapFaces: o.maxMapFaces, json: o.json, backend: o.backend,
    });
  });

program
  .command('serve')
  .description('start the kiosk server (UI, REST API, Socket.IO /kiosk and /operator, live pipeline); loopback by default')
  .option('--config <file>', 'kiosk config JSON (see kiosk-config/)')
  .option('--profile <name>', 'passport-booth, border-gate, enrolment-desk or demo')
  .option('--camera <spec>', 'replay:PATH, opencv:INDEX, opencv:URL-OR-PIPELINE-OR-FILE or synthetic')
  .option('--port <n>', 'port', (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number');
    return n;
  })
  .option('--host <addr>', 'bind address (default 127.0.0.1)')
  .action(async (o) => {
    process.exitCode = await serveCommand(o);
  });

const user = program.command('user').description('operator accounts of the kiosk (server.auth.users in the config file)');
user
  .command('add')
  .description('add an operator or change its password (read from stdin, or prompted without echo); restart the kiosk afterwards')
  .argument('<name>', 'user name')
  .requiredOption('--config <file>', 'kiosk config JSON to update (created 0600 if absent; refused if others can read it)')
  .action(async (name: string, o: { config: string }) => {
    process.exitCode = await userCommand('add', name, o);
  });
user
  .command('remove')
  .description('remove an operator account')
  .argument('<name>', 'user name')
  .requiredOption('--config <file>', 'kiosk config JSON to update')
  .action(async (name: string, o: { config: string }) => {
    process.exitCode = await userCommand('remove', name, o);
  });

program
  .command('fit-brisque')
  .description('fit the linear BRISQUE model on synthetically distorted aligned faces; writes models/brisque/brisque-faces.json')
  .argument('[dir]', 'folder of face photos (default: the photos shipped in npm packages)')
  .option('--model <name>', 'FR model whose alignment is used', DEFAULT_MODEL)
  .option('--dry-run', 'print the fit without writing the model', false)
  .addOption(backendOption())
  .action(async (dir: string | undefined, o) => {
    process.exitCode = await fitBrisqueCommand(dir, { model: o.model, backend: o.backend, dryRun: o.dryRun });
  });

program
  .command('analyze')
  .description('activation-map variation analysis of a set of face photos under several quality methods; writes an HTML report')
  .argument('<paths...>', 'image files or folders')
  .option('--model <name>', 'FR model', DEFAULT_MODEL)
  .option('--methods <list>', 'quality methods: serfiq, plq, embedding-norm (embedding L2 norm, not MagFace quality; alias magnitude, deprecated), brisque, csv:FILE', 'serfiq,plq,embedding-norm,brisque')
  .option('--fraction <f>', 'share of highest (H) and lowest (L) quality faces', fractionArg, 0.1)
  .option('--identities <csv|folders>', 'identities for error-versus-reject curves: a file,identity CSV, or "folders" (one folder per identity)')
  .option('--fmr <f>', 'false match rate of the ERC threshold', Number, 0.001)
  .option('--out <dir>', 'report folder (holds the per-image cache)', './plq-analysis')
  .option('--queue <url>', 'distribute the per-image work on a BullMQ queue (redis://[:PASSWORD@]HOST:PORT[/DB], rediss:// for TLS) served by plq worker')
  .option('--queue-timeout <seconds>', 'give up when Redis has not answered for this long (the cache keeps what was done: rerun to resume)', positiveInt, 60)
  .option('--cache-days <days>', 'delete cached per-image results older than this at start; 0 = delete the cache once the report is written', nonNegative, 30)
  .option('--threads <n>', 'local worker threads', positiveInt, 2)
  .option('--max-pixels <n>', 'refuse larger images (checked before decoding)', positiveInt, DEFAULT_MAX_PIXELS)
  .addOption(backendOption())
  .action(async (paths: string[], o) => {
    process.exitCode = await analyzeCommand(paths, {
      model: o.model, methods: o.methods, fraction: o.fraction, identities: o.identities, fmr: o.fmr, out: o.out,
      queue: o.queue, queueTimeoutSeconds: o.queueTimeout, cacheDays: o.cacheDays, threads: o.threads, backend: o.backend, maxPixels: o.maxPixels,
    });
  });

program
  .command('worker')
  .description('consume plq analyze jobs from a BullMQ queue until interrupted')
  .requiredOption('--queue <url>', 'redis://[:PASSWORD@]HOST:PORT[/DB] or rediss:// (TLS)')
  .option('--concurrency <n>', 'jobs at a time', positiveInt, 1)
  .action(async (o) => {
    process.exitCode = await workerCommand({ queue: o.queue, concurrency: o.concurrency });
  });

const experiment = program.command('experiment').description('the papers\' experiments on real faces');

experiment
  .command('deletion-insertion')
  .description('deletion and insertion curves for PLQ, random and gradient pixel orders (Huber et al., EUSIPCO 2022)')
  .argument('<paths...>', 'image files or folders')
  .option('--model <name>', 'FR model', DEFAULT_MODEL)
  .option('--steps <n>', 'points per curve', positiveInt, 20)
  .option('--seed <n>', 'seed of the random order', positiveInt, 7)
  .option('--out <dir>', 'output folder', './plq-deletion-insertion')
  .addOption(backendOption())
  .action(async (paths: string[], o) => {
    process.exitCode = await deletionInsertionCommand(paths, { model: o.model, steps: o.steps, seed: o.seed, out: o.out, backend: o.backend });
  });

experiment
  .command('inpaint')
  .description('inpaint each face\'s largest low-PLQ region (OpenCV Telea) and count how often Q^ rises, falls or stays within its sd')
  .argument('<paths...>', 'image files or folders')
  .option('--model <name>', 'FR model', DEFAULT_MODEL)
  .option('--repeats <n>', 'repeats with different dropout-mask seeds', positiveInt, 10)
  .option('--occlude <px>', 'paste a black square of this size first (the paper used occluded faces)', positiveInt)
  .option('--seed <n>', 'seed for the square\'s position', positiveInt, 5)
  .option('--out <dir>', 'output folder', './plq-inpaint')
  .addOption(backendOption())
  .action(async (paths: string[], o) => {
    process.exitCode = await inpaintCommand(paths, { model: o.model, repeats: o.repeats, occlude: o.occlude, seed: o.seed, out: o.out, backend: o.backend });
  });

program.parseAsync().catch((err: Error) => {
  process.stderr.write(`plq: ${err.message}\n`);
  process.exitCode = 2;
});
