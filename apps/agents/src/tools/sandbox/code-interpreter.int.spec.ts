import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolContext } from '../tool-types';
import { SANDBOX_ID } from './bwrap-args';
import { codeInterpreterTool } from './code-interpreter-tool';
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from './sandbox-limits';

/** Small limits, so each escape attempt meets its limit quickly; generous enough for a busy machine to start Python. */
const LIMITS: SandboxLimits = {
  ...DEFAULT_SANDBOX_LIMITS,
  cpuSeconds: 2,
  processes: 16,
  fileBytes: 1024 * 1024,
  scratchBytes: 4 * 1024 * 1024,
  wallMs: 8000,
  outputBytes: 8 * 1024,
};
const tool = codeInterpreterTool(LIMITS);
const ctx: ToolContext = { projectId: 'p', memoryBankUuids: [], signal: new AbortController().signal };
const run = (code: string) => tool.run({ code }, ctx);

/** Processes of the sandbox's user inside a nested pid namespace: what a sandbox left running would be. */
function sandboxProcesses(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${entry}/status`, 'utf8');
    } catch {
      continue;
    }
    const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    const nspid = /^NSpid:\s+(.+)$/m.exec(status)?.[1].trim().split(/\s+/) ?? [];
    if (uid === String(SANDBOX_ID) && nspid.length > 1) pids.push(Number(entry));
  }
  return pids;
}

async function noneLeft(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (sandboxProcesses().length > 0) {
    if (Date.now() > deadline) throw new Error(`sandbox processes left running: ${sandboxProcesses().join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const passwdHash = () => createHash('sha256').update(readFileSync('/etc/passwd')).digest('hex');

describe('code_interpreter sandbox (bubblewrap + Debian python3)', () => {
  afterEach(noneLeft);

  it('runs Python and answers what it prints', async () => {
    expect(await run('import math\nprint(math.factorial(10))')).toEqual({ content: '[stdout]\n3628800\n' });
    expect(await run('import os\nprint(os.getuid(), os.getcwd())')).toEqual({ content: `[stdout]\n${SANDBOX_ID} /scratch\n` });
    expect(await run('open("notes.txt", "w").write("kept")\nprint(open("notes.txt").read())')).toEqual({ content: '[stdout]\nkept\n' });
  });

  it('has no network', async () => {
    const out = await run('import socket\nsocket.create_connection(("1.1.1.1", 53), timeout=3)');
    expect(out.error).toBe(true);
    expect(out.content).toMatch(/exited with code 1[\s\S]*Network is unreachable/);
    const dns = await run('import socket\nsocket.getaddrinfo("example.com", 80)');
    expect(dns.error).toBe(true);
  });

  it('cannot write /etc/passwd or anything outside its scratch directory, and the host file is untouched', async () => {
    const before = passwdHash();
    for (const path of ['/etc/passwd', '/usr/bin/evil', '/evil', '/tmp/evil']) {
      const out = await run(`open(${JSON.stringify(path)}, "w").write("owned")`);
      expect(out.error, path).toBe(true);
      expect(out.content, path).toMatch(/Read-only file system|No such file or directory|Permission denied/);
    }
    expect(passwdHash()).toBe(before);
    const home = await run('import os\nprint(sorted(os.listdir("/")))');
    expect(home.content).not.toMatch(/home|root|work/);
  });

  it('stops a fork bomb at the process limit, and nothing it started survives', async () => {
    const out = await run('import os, time\nwhile True:\n    if os.fork() == 0:\n        time.sleep(60)\n        os._exit(0)');
    expect(out.error).toBe(true);
    expect(out.content).toMatch(/Resource temporarily unavailable/);
  });

  it('stops an infinite loop at the CPU or wall-clock limit', async () => {
    const out = await run('while True:\n    pass');
    expect(out.error).toBe(true);
    expect(out.content).toMatch(/CPU limit of 2 s|wall-clock limit of 8000 ms/);
    const sleeper = await run('import time\ntime.sleep(120)');
    expect(sleeper).toEqual({ error: true, content: 'code_interpreter: the program was stopped at the wall-clock limit of 8000 ms.' });
  });

  it('cuts huge output at the cap and stops the program', async () => {
    const out = await run('while True:\n    print("x" * 1000)');
    expect(out.error).toBe(true);
    expect(out.content).toMatch(/^code_interpreter: the program was stopped: its output passed the limit of 8192 bytes/);
    expect(out.content.length).toBeLessThan(8192 + 200);
  });

  it('bounds memory and the files it writes', async () => {
    const mem = await run('x = bytearray(2 << 30)');
    expect(mem.content).toMatch(/MemoryError/);
    const file = await run('open("big", "wb").write(b"x" * (2 << 20))');
    expect(file.error).toBe(true);
    expect(file.content).toMatch(/File too large|exited with code|killed by SIGXFSZ/);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = tool.run({ code: 'import time\ntime.sleep(120)' }, { ...ctx, signal: controller.signal });
    setTimeout(() => controller.abort(), 500);
    expect((await pending).error).toBe(true);
  });
});
