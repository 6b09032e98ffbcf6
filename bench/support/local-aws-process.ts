import { spawn } from "node:child_process";
import { once } from "node:events";
import type { MarkIdSecretValue, ProvisionedResources } from "../../local/aws/index";
import { REPO_ROOT } from "./simulator-process";

/**
 * Local AWS (Secrets Manager, SNS, SQS, DynamoDB through dynalite) with the stack's resources, in
 * its own process, like the simulator: dynalite's CPU is then not counted against the handler
 * under measurement, as a remote DynamoDB's would not be.
 */
export interface LocalAwsProcess {
  readonly url: string;
  readonly region: string;
  readonly resources: ProvisionedResources;
  close(): Promise<void>;
}

export async function startLocalAwsProcess(secretValue: MarkIdSecretValue): Promise<LocalAwsProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/support/local-aws-main.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, BENCH_SECRET_VALUE: JSON.stringify(secretValue) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const ready = await new Promise<{ url: string; region: string; resources: ProvisionedResources }>(
    (resolve, reject) => {
      let output = "";
      const onData = (chunk: Buffer) => {
        output += chunk.toString("utf8");
        const line = /^ready (.*)$/m.exec(output);
        if (line) {
          child.off("exit", onExit);
          child.stdout.off("data", onData).resume();
          resolve(JSON.parse(line[1]!) as { url: string; region: string; resources: ProvisionedResources });
        }
      };
      const onExit = (code: number | null) =>
        reject(new Error(`local AWS exited (${String(code)}) before ready`));
      child.stdout.on("data", onData);
      child.once("exit", onExit);
    },
  );
  return {
    ...ready,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}
