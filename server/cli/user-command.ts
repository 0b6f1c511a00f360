/**
 * `plq user add NAME --config FILE` / `plq user remove NAME --config FILE`: operator accounts in
 * the kiosk config (`server.auth.users`, scrypt hashes). The password comes from stdin when it
 * is not a terminal (first line), otherwise from a prompt without echo, asked twice. A config
 * file that others may read is refused (the hashes are secrets); a new file is created 0600.
 * The running server reads accounts at start: restart it afterwards.
 */
import { chmod, chown, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { hashPassword, isUserName, MIN_PASSWORD_LENGTH } from '../security/password-hash.js';
import { isPlainObject, type Json } from '../kiosk/config/deep-merge.js';

type JsonObject = { [k: string]: Json };
const isObject = (v: Json | undefined): v is JsonObject => isPlainObject(v);

export class UserCommandError extends Error {}

async function readStdinLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += chunk.toString();
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0];
}

function promptHidden(question: string, stdin: NodeJS.ReadStream, out: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    out.write(question);
    let answer = '';
    stdin.setRawMode(true);
    stdin.resume();
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      out.write('\n');
      if (err) reject(err);
      else resolve(answer);
    };
    const onData = (buf: Buffer): void => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UserCommandError('cancelled'));
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export async function readPassword(stdin: NodeJS.ReadStream = process.stdin, err: NodeJS.WritableStream = process.stderr): Promise<string> {
  if (!stdin.isTTY) return readStdinLine(stdin);
  const a = await promptHidden('Password: ', stdin, err);
  const b = await promptHidden('Again: ', stdin, err);
  if (a !== b) throw new UserCommandError('the passwords differ');
  return a;
}

/** The config file's mode and owner, kept across the rewrite (a root-run `plq user add` must not take the service's group away). */
interface FileAccess {
  mode: number;
  uid: number;
  gid: number;
}

async function readConfig(file: string): Promise<{ json: JsonObject; access: FileAccess | null }> {
  let st;
  try {
    st = await stat(file);
  } catch {
    return { json: {}, access: null };
  }
  const mode = st.mode & 0o777;
  if (mode & 0o007) {
    throw new UserCommandError(`${file} is accessible to all users (mode ${mode.toString(8)}): run \`chmod 600 ${file}\` (or 640 for a group) first`);
  }
  let json: Json;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as Json;
  } catch (e) {
    throw new UserCommandError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(json)) throw new UserCommandError(`${file} does not hold a JSON object`);
  return { json, access: { mode, uid: st.uid, gid: st.gid } };
}

async function writeConfig(file: string, json: JsonObject, access: FileAccess | null): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(tmp, JSON.stringify(json, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  if (access && (access.uid !== process.getuid?.() || access.gid !== process.getgid?.())) await chown(tmp, access.uid, access.gid);
  await chmod(tmp, access?.mode ?? 0o600);
  await rename(tmp, file);
}

function usersOf(json: JsonObject): { auth: JsonObject; users: JsonObject[] } {
  const server = isObject(json.server) ? json.server : (json.server = {});
  const auth = isObject(server.auth) ? server.auth : (server.auth = {});
  const users = Array.isArray(auth.users) ? auth.users.filter(isObject) : [];
  return { auth, users };
}

/** Adds or updates an account; returns 'added' or 'updated'. */
export async function addUser(file: string, name: string, password: string): Promise<'added' | 'updated'> {
  if (!isUserName(name)) throw new UserCommandError(`invalid user name "${name}": letters, digits, . _ - (max 64), starting with a letter or digit`);
  if (password.length < MIN_PASSWORD_LENGTH) throw new UserCommandError(`the password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  const { json, access } = await readConfig(file);
  const { auth, users } = usersOf(json);
  const entry = { name, passwordHash: await hashPassword(password) };
  const i = users.findIndex((u) => u.name === name);
  const result = i >= 0 ? 'updated' : 'added';
  if (i >= 0) users[i] = entry;
  else users.push(entry);
  auth.users = users;
  await writeConfig(file, json, access);
  return result;
}

export async function removeUser(file: string, name: string): Promise<boolean> {
  const { json, access } = await readConfig(file);
  const { auth, users } = usersOf(json);
  const kept = users.filter((u) => u.name !== name);
  if (kept.length === users.length) return false;
  auth.users = kept;
  await writeConfig(file, json, access);
  return true;
}

export async function userCommand(action: 'add' | 'remove', name: string, opts: { config: string }): Promise<number> {
  try {
    if (action === 'remove') {
      const removed = await removeUser(opts.config, name);
      process.stderr.write(removed ? `plq user: removed ${name} from ${opts.config}; restart the kiosk\n` : `plq user: no user ${name} in ${opts.config}\n`);
      return removed ? 0 : 1;
    }
    const password = await readPassword();
    const result = await addUser(opts.config, name, password);
    process.stderr.write(`plq user: ${result} ${name} in ${opts.config}; restart the kiosk to apply\n`);
    return 0;
  } catch (err) {
    if (err instanceof UserCommandError) {
      process.stderr.write(`plq user: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
