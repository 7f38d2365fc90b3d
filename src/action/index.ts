// The action's bundle: dist/action/main.js and dist/action/post.js (written by the build) each
// call one of these, so main and post share one bundle.
import '../shared/cjs-globals.js';

export { runMain, runPost } from './run.js';
