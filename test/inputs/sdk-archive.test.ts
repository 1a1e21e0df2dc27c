/** SDK archives: class files (pure parser, fuzzed), `.jar` and `.aar` scanned as inputs. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackscanError } from '../../src/errors.js';
import { parseTextManifest } from '../../src/bundle/android/sdk-archive.js';
import { internalToJavaName, parseClassFile } from '../../src/formats/classfile.js';
import { Scanner } from '../../src/scan.js';
import { writeZip } from '../../src/testing/zip-writer.js';
import { writeClassFile } from './classfile-writer.js';

const scanner = new Scanner();
let tmp: string;
beforeAll(() => (tmp = mkdtempSync(path.join(tmpdir(), 'trackscan-sdk-'))));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const put = (name: string, bytes: Uint8Array) => {
  const f = path.join(tmp, name);
  writeFileSync(f, bytes);
  return f;
};

const FB_CLASSES = ['com/facebook/FacebookSdk', 'com/facebook/appevents/AppEventsLogger', 'com/facebook/GraphRequest'];
const facebookJar = () =>
  writeZip([
    { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\n' },
    { name: 'META-INF/maven/com.facebook.android/facebook-core/pom.properties', data: 'groupId=com.facebook.android\nartifactId=facebook-core\nversion=16.0.0\n' },
    ...FB_CLASSES.map((n, i) => ({
      name: `${n}.class`,
      data: writeClassFile({ name: n, superName: 'java/lang/Object', refs: ['android/content/Context', '[Ljava/lang/String;'], strings: i === 0 ? ['https://graph.facebook.com/v16.0/'] : [], withLong: i === 1 }),
    })),
  ]);

const AAR_MANIFEST = `<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.facebook.core">
    <uses-sdk android:minSdkVersion="15" />
    <uses-permission android:name="android.permission.INTERNET" />
    <uses-permission android:name="com.google.android.gms.permission.AD_ID" />
    <application>
        <provider android:name="com.facebook.internal.FacebookInitProvider" android:authorities="\${applicationId}.FacebookInitProvider" android:exported="false" />
        <receiver android:name="com.facebook.CurrentAccessTokenExpirationBroadcastReceiver" android:exported="false">
            <intent-filter><action android:name="com.facebook.sdk.ACTION_CURRENT_ACCESS_TOKEN_CHANGED" /></intent-filter>
        </receiver>
        <meta-data android:name="com.facebook.sdk.AutoLogAppEventsEnabled" android:value="true" />
    </application>
</manifest>
`;

describe('class files (JVMS §4.4)', () => {
  it('reads this/super/interfaces, Class and String constants, across a Long (two slots)', () => {
    const c = parseClassFile(writeClassFile({ name: 'a/B', superName: 'java/lang/Object', interfaces: ['java/lang/Runnable'], refs: ['c/D'], strings: ['https://x.example.com/'], withLong: true }));
    expect(c.majorVersion).toBe(52);
    expect(c.thisClass).toBe('a/B');
    expect(c.superClass).toBe('java/lang/Object');
    expect(c.interfaces).toEqual(['java/lang/Runnable']);
    expect(c.classNames).toEqual(['a/B', 'java/lang/Object', 'java/lang/Runnable', 'c/D']);
    expect(c.strings).toEqual(['https://x.example.com/']);
    expect(c.anomalies).toEqual([]);
  });
  it('names: internal → Java, arrays to their element class', () => {
    expect(internalToJavaName('com/x/Y$Z')).toBe('com.x.Y$Z');
    expect(internalToJavaName('[[Lcom/x/Y;')).toBe('com.x.Y');
    expect(internalToJavaName('[I')).toBeUndefined();
  });
  it('not a class file throws a typed error; a truncated pool is an anomaly', () => {
    expect(() => parseClassFile(new Uint8Array(4))).toThrow(TrackscanError);
    expect(() => parseClassFile(new Uint8Array(16))).toThrow(TrackscanError);
    const full = writeClassFile({ name: 'a/B', refs: ['c/D', 'e/F'] });
    const c = parseClassFile(full.subarray(0, 30));
    expect(c.anomalies.map((a) => a.code)).toContain('class-pool-truncated');
  });
  it('fuzz: mutants never throw anything but a TrackscanError, and stay fast', () => {
    const seed = writeClassFile({ name: 'a/B', superName: 'x/Y', interfaces: ['i/J'], refs: ['c/D', '[La/Q;'], strings: ['s', 'https://h.example.com'], withLong: true });
    let state = 12345;
    const rnd = (n: number) => ((state = (state * 1103515245 + 12345) >>> 0) % n);
    const started = performance.now();
    for (let k = 0; k < 20000; k++) {
      const m = seed.slice(0, rnd(4) === 0 ? rnd(seed.length + 1) : seed.length);
      for (let j = rnd(6); j >= 0; j--) if (m.length) m[rnd(m.length)] = rnd(256);
      try {
        const c = parseClassFile(m);
        expect(c.classNames.length).toBeLessThan(100);
      } catch (e) {
        if (!(e instanceof TrackscanError)) throw e;
      }
    }
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('text manifests (AAR)', () => {
  it('becomes the tree the manifest reader takes', () => {
    const doc = parseTextManifest(AAR_MANIFEST);
    expect(doc.root?.name).toBe('manifest');
    expect(doc.root?.children.map((c) => c.name)).toEqual(['uses-sdk', 'uses-permission', 'uses-permission', 'application']);
    expect(doc.root?.children[1].attributes[0]).toMatchObject({ namespaceUri: 'http://schemas.android.com/apk/res/android', name: 'name' });
  });
  it('malformed XML is an anomaly, not a crash', () => {
    expect(() => parseTextManifest('<manifest><application></manifest')).not.toThrow();
    expect(parseTextManifest('').root).toBeUndefined();
  });
});

describe('SDK archives as inputs', () => {
  it('.jar: classes from the class files, identity from pom.properties, hosts from constants', () => {
    const r = scanner.scanFile(put('facebook-core-16.0.0.jar', facebookJar()));
    expect(r.platform).toBe('android');
    expect(r.app.id).toBe('com.facebook.android:facebook-core');
    expect(r.app.versionName).toBe('16.0.0');
    expect(r.code.classesDefined).toBe(3);
    expect(r.trackers.map((t) => t.id)).toContain('facebook-app-events');
    expect(r.domains.find((d) => d.host === 'graph.facebook.com')?.provenance.entry).toBe('com/facebook/FacebookSdk.class');
  });
  it('.aar: classes.jar and the text manifest (permissions, components, meta-data)', () => {
    const aar = writeZip([
      { name: 'AndroidManifest.xml', data: AAR_MANIFEST },
      { name: 'classes.jar', data: facebookJar() },
      { name: 'R.txt', data: '' },
      { name: 'jni/arm64-v8a/libfbjni.so', data: 'ELF' },
    ]);
    const r = scanner.scanFile(put('facebook-core.aar', aar));
    expect(r.platform).toBe('android');
    expect(r.app.id).toBe('com.facebook.core');
    expect(r.permissions.map((p) => p.name)).toEqual(['android.permission.INTERNET', 'com.google.android.gms.permission.AD_ID']);
    expect(r.android!.components.map((c) => c.name)).toContain('com.facebook.internal.FacebookInitProvider');
    expect(r.android!.metaData.map((m) => `${m.name}=${m.value}`)).toContain('com.facebook.sdk.AutoLogAppEventsEnabled=true');
    expect(r.android!.nativeLibraries.map((l) => l.name)).toEqual(['libfbjni.so']);
    expect(r.code.classesDefined).toBe(3);
    const fb = r.trackers.find((t) => t.id === 'facebook-app-events');
    expect(fb).toBeDefined();
    expect(JSON.stringify(fb)).toContain('classes.jar!com/facebook/');
  });
});
