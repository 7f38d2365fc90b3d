// Bundled CommonJS dependencies (ssh2, via dockerode) read __dirname at load time, which ES modules
// lack. Imported first by each entry point, before anything that pulls those dependencies in.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const g = globalThis as { __dirname?: string; __filename?: string };
g.__filename ??= fileURLToPath(import.meta.url);
g.__dirname ??= dirname(g.__filename);
