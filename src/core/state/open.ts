import type { BlobCredential, BlobStateStoreOptions } from './blob.js';
import { LocalStateStore } from './fs.js';
import type { StateStore } from './store.js';

/** A blob container URL (http(s)://…) rather than a directory. */
export function isBlobLocation(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/**
 * The store at a location given by a user: a blob container URL (with an Azure AD credential or
 * account key; Azurite's URL needs none) or a directory (default: see defaultStateDir).
 */
export async function openStateStore(
  location: string | undefined,
  credential?: BlobCredential,
  options: BlobStateStoreOptions = {},
): Promise<StateStore> {
  if (location && isBlobLocation(location)) {
    // The Azure SDK only when a blob store is asked for.
    const { BlobStateStore } = await import('./blob.js');
    return BlobStateStore.fromUrl(location, credential, options);
  }
  return new LocalStateStore(location || undefined);
}
