// The post step's logic, as `npx @github/local-action` runs it from source (it looks for `run`).
import '../shared/cjs-globals.js';

export { runPost as run } from './run.js';
