/**
 * Hand-built APKs for the attribution tests: classes whose methods really call the APIs (through
 * the DEX writer's assembler), a manifest, and a scan through the real Scanner.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Report } from '../../src/report/model.js';
import { Scanner } from '../../src/scan.js';
import { asm, codeOf, type DexCodeUnit, type DexWriterClass, type DexWriterMethodRef, type DexWriterFieldRef } from '../../src/testing/dex-writer.js';
import { buildApk, component, descriptor, manifest, metaData, type ApkSpec } from '../../src/testing/samples.js';
import type { ZipWriterEntry } from '../../src/testing/zip-writer.js';

export const APP = 'org.example.app';
const scanner = new Scanner();

/** `android.location.LocationManager`, `requestLocationUpdates`, … → a method reference */
export function m(javaClass: string, name: string, returnType = 'V', parameters: string[] = []): DexWriterMethodRef {
  return { classDescriptor: descriptor(javaClass), name, returnType, parameters };
}

export function f(javaClass: string, name: string, type: string): DexWriterFieldRef {
  return { classDescriptor: descriptor(javaClass), name, type };
}

/** A class with one static method `run` whose body is the given instructions (then return-void). */
export function caller(javaName: string, ...instructions: DexCodeUnit[][]): DexWriterClass {
  return {
    descriptor: descriptor(javaName),
    directMethods: [{ name: '<init>' }, { name: 'run', accessFlags: 0x9, code: codeOf(8, 0, 5, ...instructions, asm.returnVoid()) }],
  };
}

/** invoke-virtual of `ref` with enough registers for its parameters */
export function call(ref: DexWriterMethodRef, kind: 'virtual' | 'static' | 'interface' = 'virtual'): DexCodeUnit[] {
  const n = (ref.parameters ?? []).length + (kind === 'static' ? 0 : 1);
  return asm.invoke(kind, ref, Array.from({ length: Math.min(n, 5) }, (_, i) => i));
}

export interface FixtureSpec {
  classes: DexWriterClass[];
  permissions?: string[];
  application?: ApkSpec['manifest']['children'];
  targetSdk?: number;
  files?: ZipWriterEntry[];
  packageName?: string;
}

export { component, metaData };

export function scanFixture(spec: FixtureSpec): Report {
  const dir = mkdtempSync(path.join(tmpdir(), 'trackscan-attr-'));
  try {
    const file = path.join(dir, 'fixture.apk');
    const apk: ApkSpec = {
      manifest: manifest({
        packageName: spec.packageName ?? APP,
        targetSdk: spec.targetSdk ?? 30,
        permissions: spec.permissions ?? [],
        application: (spec.application as never) ?? [],
      }),
      dex: [{ entry: 'classes.dex', input: { classes: spec.classes } }],
      files: spec.files ?? [],
    };
    writeFileSync(file, buildApk(apk));
    return scanner.scanFile(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const cap = (r: Report, id: string) => r.capabilities.find((c) => c.id === id);
export const tracker = (r: Report, id: string) => r.trackers.find((t) => t.id === id);
export const perm = (r: Report, name: string) => r.permissions.find((p) => p.name === name);
