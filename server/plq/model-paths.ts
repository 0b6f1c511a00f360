import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Absolute path of a file inside an installed npm package (weights ship in packages). */
export function packageFile(pkg: string, file: string): string {
  const root = path.dirname(require.resolve(`${pkg}/package.json`));
  return path.join(root, file);
}
