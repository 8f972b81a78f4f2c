import { type ChildProcess, spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

const PROJECT = join(import.meta.dirname, '../..')

/** A real server process (`node --import tsx src/server/main.ts`) on a free port, stopped by its PID. */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly exited: Promise<number | null>,
  ) {}

  static async start(env: Record<string, string>): Promise<ServerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: PROJECT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    let output = '' // the start-up lines, then only the last few kB (for an error report)
    let listening = false
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.setEncoding('utf8').on('data', (text: string) => {
        output = (output + text).slice(listening ? -4000 : -100_000)
        const line = !listening && /"msg":"listening","url":"([^"]+)"/.exec(output)
        if (line) {
          listening = true
          resolve(line[1]!)
        }
      })
      child.stderr!.setEncoding('utf8').on('data', (text: string) => (output = (output + text).slice(-100_000)))
      void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${output.slice(-2000)}`)))
    })
    return new ServerProcess(child, url, exited)
  }

  get pid(): number {
    return this.child.pid!
  }

  /** Resident memory (VmRSS) in MiB, from /proc. */
  async rssMiB(): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8')
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024
  }

  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000)
    const code = await this.exited
    clearTimeout(timer)
    return code
  }
}
