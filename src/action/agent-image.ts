import type Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pack } from 'tar-stream';

/**
 * The agent image on a runner's Docker. A runner can pull the official Kubernetes images, but the
 * agent is this action's own code: it is pulled when published, else built from the action's
 * `dist/` and the Node.js runtime the runner gave the action (with the shared libraries it links),
 * FROM scratch, as scripts/build-images.sh does on machines without a registry.
 */
export async function ensureAgentImage(
  docker: Docker,
  image: string,
  options: { distDir: string; node?: string; log?: (message: string) => void },
): Promise<'present' | 'pulled' | 'built'> {
  const log = options.log ?? (() => undefined);
  if (await exists(docker, image)) return 'present';
  if (!image.startsWith('localhost/')) {
    try {
      const stream = await docker.pull(image);
      await new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
      );
      return 'pulled';
    } catch (error) {
      log(
        `could not pull ${image} (${(error as Error).message.split('\n')[0]}); building it from this action`,
      );
    }
  }
  await buildAgentImage(docker, image, options.distDir, options.node ?? process.execPath);
  return 'built';
}

async function exists(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

/** The shared libraries a dynamically linked binary loads (empty for a static one). */
function sharedLibraries(binary: string): string[] {
  try {
    return [...execFileSync('ldd', [binary], { encoding: 'utf8' }).matchAll(/(\/\S+)/g)].map(
      (m) => m[1] ?? '',
    );
  } catch {
    return []; // "not a dynamic executable"
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

export async function buildAgentImage(
  docker: Docker,
  image: string,
  distDir: string,
  node: string,
): Promise<void> {
  const tar = pack();
  const add = (name: string, content: Buffer | string, mode = 0o644) => tar.entry({ name, mode }, content);
  add('rootfs/usr/local/bin/node', readFileSync(realpathSync(node)), 0o755);
  for (const lib of sharedLibraries(realpathSync(node)))
    add(`rootfs${lib}`, readFileSync(realpathSync(lib)), 0o755);
  // The agent runs the CLI bundle (dist/index.js and its chunks); the action's own bundle stays out.
  for (const file of filesUnder(distDir).filter((f) => !relative(distDir, f).startsWith('action'))) {
    add(`rootfs/app/${relative(distDir, file)}`, readFileSync(file));
  }
  add('rootfs/etc/passwd', 'root:x:0:0:root:/root:/sbin/nologin\n');
  tar.entry({ name: 'rootfs/tmp', type: 'directory', mode: 0o1777 });
  add(
    'Dockerfile',
    'FROM scratch\nCOPY rootfs/ /\nENTRYPOINT ["/usr/local/bin/node", "/app/index.js", "agent"]\n',
  );
  tar.finalize();
  const stream = await docker.buildImage(tar as unknown as NodeJS.ReadableStream, { t: image });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, events: { error?: string }[]) => {
      const failed = err ?? events?.find((e) => e.error)?.error;
      if (failed) reject(new Error(`building the agent image ${image} failed: ${String(failed)}`));
      else resolve();
    }),
  );
}
