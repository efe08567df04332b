// Start the whole app for the browser tests, on throwaway data, and stop it again:
//   python -m infra.local.services up   (PostgreSQL, Redis, SeaweedFS on free ports; prints JSON, blocks)
//   flask uh migrate / uh seed-demo --size tiny
//   gunicorn serving the API and the built SPA (FRONTEND_DIST) on a free port, and one RQ worker
// Every child runs in its own process group; stop() ends them all (SIGTERM, then SIGKILL).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, openSync, readFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Servers {
  constructor({ root, tmp, log = console.log }) {
    this.root = root;
    this.tmp = tmp;
    this.log = log;
    this.children = [];
    this.logDir = join(tmp, 'logs');
    mkdirSync(this.logDir, { recursive: true });
    this.python = join(root, '.venv/bin/python');
    this.bin = join(root, '.venv/bin');
  }

  spawnLogged(name, cmd, args, env, { pipeStdout = false } = {}) {
    const logFile = join(this.logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(cmd, args, {
      cwd: this.root,
      env,
      detached: true, // own process group, so stop() reaches grandchildren too
      stdio: ['ignore', pipeStdout ? 'pipe' : fd, fd],
    });
    closeSync(fd);
    child.logFile = logFile;
    child.label = name;
    this.children.push(child);
    return child;
  }

  tail(child, lines = 25) {
    try {
      return readFileSync(child.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async startServices() {
    const child = this.spawnLogged(
      'services',
      this.python,
      ['-m', 'infra.local.services', 'up', '--dir', join(this.tmp, 'services')],
      { ...process.env, PYTHONPATH: this.root },
      { pipeStdout: true },
    );
    const rl = createInterface({ input: child.stdout });
    const line = await Promise.race([
      once(rl, 'line').then(([l]) => l),
      once(child, 'exit').then(([code]) => {
        throw new Error(`local services exited (${code}):\n${this.tail(child)}`);
      }),
      sleep(180_000).then(() => {
        throw new Error(`local services did not start within 180 s:\n${this.tail(child)}`);
      }),
    ]);
    rl.on('line', (l) => this.log(`[services] ${l}`));
    const urls = JSON.parse(line);
    this.services = child;
    return urls;
  }

  appEnv(urls) {
    const env = {
      ...process.env,
      DATABASE_URL: urls.database_url,
      REDIS_URL: urls.redis_url,
      S3_ENDPOINT_URL: urls.s3_endpoint_url,
      S3_ACCESS_KEY: urls.s3_access_key,
      S3_SECRET_KEY: urls.s3_secret_key,
      S3_REGION: urls.s3_region,
      SECRET_KEY: 'e2e-only-secret-key-not-for-production',
      // 32 bytes, base64: test value only.
      PII_MASTER_KEY: Buffer.from('e2e-only-pii-master-key-32bytes!').toString('base64'),
      FRONTEND_DIST: join(this.root, 'frontend/dist'),
      // The specs sign in a dozen times a minute from one address.
      APP_LOGIN_IP_LIMIT_PER_MINUTE: '1000',
      PYTHONPATH: [this.root, join(this.root, 'backend'), process.env.PYTHONPATH].filter(Boolean).join(':'),
    };
    return env;
  }

  async run(name, cmd, args, env) {
    const child = this.spawnLogged(name, cmd, args, env);
    const [code] = await once(child, 'exit');
    this.children = this.children.filter((c) => c !== child);
    if (code !== 0) throw new Error(`${name} failed (exit ${code}):\n${this.tail(child)}`);
  }

  async startApp(env) {
    const flask = join(this.bin, 'flask');
    await this.run('migrate', flask, ['--app', 'unionhome.wsgi:app', 'uh', 'migrate'], env);
    const logins = join(this.tmp, 'logins.json');
    await this.run('seed', flask, ['--app', 'unionhome.wsgi:app', 'uh', 'seed-demo', '--size', 'tiny', '--logins-file', logins], env);
    const port = await freePort();
    const api = this.spawnLogged(
      'gunicorn',
      join(this.bin, 'gunicorn'),
      ['-b', `127.0.0.1:${port}`, '-w', '2', '--threads', '4', '--timeout', '120', 'unionhome.wsgi:app'],
      env,
    );
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (api.exitCode !== null) throw new Error(`gunicorn exited (${api.exitCode}):\n${this.tail(api)}`);
      try {
        const res = await fetch(`${base}/healthz`);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`gunicorn did not answer within 60 s:\n${this.tail(api)}`);
      await sleep(250);
    }
    // One RQ worker: imports, evidence verification and bundles run as background jobs.
    this.spawnLogged('worker', this.python, ['-m', 'workers.worker'], env);
    return { base, logins: JSON.parse(readFileSync(logins, 'utf8')) };
  }

  async stop() {
    const alive = this.children.filter((c) => c.exitCode === null && c.signalCode === null);
    // The API first, the backing services last (they take the database down cleanly on SIGTERM).
    alive.sort((a, b) => (a === this.services ? 1 : b === this.services ? -1 : 0));
    for (const child of alive) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const exited = await Promise.race([once(child, 'exit').then(() => true), sleep(20_000).then(() => false)]);
      if (!exited) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    this.children = [];
  }
}
