import { StorageSharedKeyCredential } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { BlobStateStore, describeBlobError, parseBlobContainerUrl } from '../../src/core/state/blob.js';
import { LocalStateStore } from '../../src/core/state/fs.js';
import { isBlobLocation, openStateStore } from '../../src/core/state/open.js';
import { StateError, describeHolder } from '../../src/core/state/store.js';

describe('parseBlobContainerUrl', () => {
  it('reads an Azure container URL: the account is the first label of the host', () => {
    expect(parseBlobContainerUrl('https://prstate.blob.core.windows.net/frankenetes')).toEqual({
      url: 'https://prstate.blob.core.windows.net/frankenetes',
      accountName: 'prstate',
      containerName: 'frankenetes',
      pathStyle: false,
    });
    expect(parseBlobContainerUrl('https://acct.blob.core.chinacloudapi.cn/state/').url).toBe(
      'https://acct.blob.core.chinacloudapi.cn/state',
    );
  });

  it("reads Azurite's path style: account then container in the path", () => {
    expect(parseBlobContainerUrl('http://127.0.0.1:10000/devstoreaccount1/frankenetes')).toEqual({
      url: 'http://127.0.0.1:10000/devstoreaccount1/frankenetes',
      accountName: 'devstoreaccount1',
      containerName: 'frankenetes',
      pathStyle: true,
    });
    expect(parseBlobContainerUrl('http://localhost:10000/devstoreaccount1/c-1').pathStyle).toBe(true);
  });

  it.each([
    ['not a url', 'not a URL'],
    ['http://prstate.blob.core.windows.net/state', 'use https'],
    [
      'https://prstate.blob.core.windows.net/',
      'expected https://<account>.blob.core.windows.net/<container>',
    ],
    [
      'https://prstate.blob.core.windows.net/a/b',
      'expected https://<account>.blob.core.windows.net/<container>',
    ],
    ['http://127.0.0.1:10000/frankenetes', 'expected http://<host>:<port>/<account>/<container>'],
    ['https://prstate.blob.core.windows.net/Upper', '"Upper" is not a valid container name'],
    ['https://prstate.blob.core.windows.net/ab', '"ab" is not a valid container name'],
    ['https://prstate.blob.core.windows.net/a--b', '"a--b" is not a valid container name'],
    ['https://user:pw@prstate.blob.core.windows.net/state', 'remove the query, fragment or user info'],
  ])('refuses %j: %s', (location, why) => {
    expect(() => parseBlobContainerUrl(location)).toThrow(StateError);
    expect(() => parseBlobContainerUrl(location)).toThrow(why);
  });

  it('refuses a SAS token without repeating it', () => {
    const sas = 'https://prstate.blob.core.windows.net/state?sv=2024&sig=SECRETSIGNATURE';
    expect(() => parseBlobContainerUrl(sas)).toThrow('SAS tokens are not supported');
    expect(() => parseBlobContainerUrl(sas)).not.toThrow('SECRETSIGNATURE');
  });
});

describe('openStateStore', () => {
  it('opens a directory as the filesystem store, the default when no location is given', async () => {
    expect(isBlobLocation('/var/lib/frankenetes')).toBe(false);
    const store = await openStateStore('/tmp/some-state');
    expect(store).toBeInstanceOf(LocalStateStore);
    expect(store.location).toBe('/tmp/some-state');
    expect(await openStateStore(undefined)).toBeInstanceOf(LocalStateStore);
  });

  it('opens a container URL as the Blob store, with the given credential', async () => {
    const key = new StorageSharedKeyCredential('prstate', Buffer.from('key').toString('base64'));
    const store = await openStateStore('https://prstate.blob.core.windows.net/frankenetes', key);
    expect(store).toBeInstanceOf(BlobStateStore);
    expect(store.location).toBe('https://prstate.blob.core.windows.net/frankenetes');
  });

  it("needs no credential for Azurite's development account, but does for Azure", async () => {
    expect(await openStateStore('http://127.0.0.1:10000/devstoreaccount1/frankenetes')).toBeInstanceOf(
      BlobStateStore,
    );
    await expect(openStateStore('https://prstate.blob.core.windows.net/frankenetes')).rejects.toThrow(
      'Blob state store https://prstate.blob.core.windows.net/frankenetes: no credential given',
    );
  });

  it('checks the lease length', async () => {
    await expect(
      openStateStore('http://127.0.0.1:10000/devstoreaccount1/x-y', undefined, { leaseSeconds: 5 }),
    ).rejects.toThrow('lease length must be 15 to 60 seconds, not 5');
  });
});

describe('describeBlobError', () => {
  const request = { url: 'https://nosuch.blob.core.windows.net/state?restype=container' };
  it('says a host that does not resolve may be a wrong account name', () => {
    expect(
      describeBlobError({ name: 'RestError', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND', request }),
    ).toBe('nosuch.blob.core.windows.net does not resolve (is the storage account name right?)');
  });

  it('says which role a signed-in identity lacks', () => {
    expect(
      describeBlobError({
        name: 'RestError',
        statusCode: 403,
        code: 'AuthorizationPermissionMismatch',
        message:
          'This request is not authorized to perform this operation using this permission.\nRequestId:1',
      }),
    ).toBe(
      'access denied (403 AuthorizationPermissionMismatch): the identity needs the "Storage Blob Data Contributor" role on the account or container',
    );
  });

  it('reads the error code of a HEAD response from its details, and keeps one line', () => {
    expect(
      describeBlobError({ statusCode: 403, details: { errorCode: 'AuthenticationFailed' }, message: 'a\nb' }),
    ).toBe(
      'authentication failed (403 AuthenticationFailed): a wrong account key, or a token for another tenant',
    );
    expect(
      describeBlobError({ statusCode: 500, code: 'InternalError', message: 'Server busy.\nRequestId:2' }),
    ).toBe('500 InternalError: Server busy.');
  });

  it('says when no Azure credential could be found', () => {
    expect(
      describeBlobError({
        name: 'CredentialUnavailableError',
        message:
          'DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted: …',
      }),
    ).toBe(
      'no Azure credential is available (DefaultAzureCredential failed to retrieve a token from the included credentials.)',
    );
  });
});

describe('describeHolder', () => {
  it('names owner, pid, host and start, leaving out what a holder did not record', () => {
    expect(
      describeHolder({
        owner: 'frankenetes up',
        pid: 7,
        host: 'runner-1',
        since: '2025-01-01T00:00:00.000Z',
      }),
    ).toBe('frankenetes up (pid 7 on runner-1, since 2025-01-01T00:00:00.000Z)');
    expect(describeHolder({ owner: 'another writer' })).toBe('another writer');
    expect(describeHolder({ owner: 'app', since: 'then' })).toBe('app (since then)');
  });
});
