#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_ORDER } from '../tf/backend.js';
import { DEFAULT_MODEL } from '../plq/model-manifest.js';
import { DEFAULT_MAX_PIXELS } from '../image/decode-image.js';
import { assessCommand } from './assess-command.js';
import { calibrateCommand } from './calibrate-command.js';
import { adaptHeadCommand } from './adapt-head-command.js';
import { serveCommand } from './serve-command.js';

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
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
  .description('compute alpha, r, gamma and the gradient clip ceiling from a development set; writes models/<model>.json')
  .argument('[dir]', 'folder of face photos (default: the photos shipped in npm packages)')
  .option('--model <name>', 'FR model', DEFAULT_MODEL)
  .option('--dry-run', 'print the values without writing the manifest', false)
  .addOption(backendOption())
  .action(async (dir: string | undefined, o) => {
    process.exitCode = await calibrateCommand(dir, { model: o.model, dryRun: o.dryRun, backend: o.backend });
  });

program
  .command('adapt-head')
  .description('fit the dropout-adapted head kernel (offline, once) from face photos; writes models/<model>.head.f32')
  .argument('[dir]', 'folder of face photos (default: the photos shipped in npm packages)')
  .option('--model <name>', 'FR model', DEFAULT_MODEL)
  .option('--augmentations <k>', 'photometric variants per face', positiveInt, 100)
  .option('--seed <n>', 'augmentation seed', positiveInt, 13)
  .addOption(backendOption())
  .action(async (dir: string | undefined, o) => {
    process.exitCode = await adaptHeadCommand(dir, { model: o.model, augmentations: o.augmentations, seed: o.seed, backend: o.backend });
  });

program
  .command('serve')
  .description('start the kiosk server (UI, REST API, Socket.IO /kiosk, live pipeline); loopback by default')
  .option('--config <file>', 'kiosk config JSON (see kiosk-config/)')
  .option('--profile <name>', 'passport-booth, border-gate or enrolment-desk')
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

program.parseAsync().catch((err: Error) => {
  process.stderr.write(`plq: ${err.message}\n`);
  process.exitCode = 2;
});
