/**
 * The bytecode walker: every instruction format steps by its size, payloads are skipped, pool
 * indices are reported with their kind, malformed code ends the method with an anomaly, and
 * seeded mutants of real code never throw or hang.
 */
import { describe, expect, it } from 'vitest';
import {
  OPCODE_FORMATS,
  OPCODE_SIZES,
  RefKind,
  walkCode,
  type RefVisitor,
} from '../../src/formats/dex-code.js';
import { parseDex } from '../../src/formats/dex.js';
import { asm, buildDex, everyFormatBody, everyFormatDex, type DexCodeUnit } from '../../src/testing/dex-writer.js';
import { fuzzParser } from '../helpers/fuzz.js';

const getLast = { classDescriptor: 'Landroid/location/LocationManager;', name: 'getLastKnownLocation', returnType: 'Landroid/location/Location;', parameters: ['Ljava/lang/String;'] };

function collect(insns: number[]): { refs: [number, RefKind, number][]; result: ReturnType<typeof walkCode> } {
  const refs: [number, RefKind, number][] = [];
  const visit: RefVisitor = (op, kind, index) => refs.push([op, kind, index]);
  return { refs, result: walkCode(Uint16Array.from(insns), visit) };
}

/** resolves writer references to index 0 for walker-only tests */
function units(...instructions: DexCodeUnit[][]): number[] {
  return instructions.flat().flatMap((u) => (typeof u === 'number' ? [u] : u.ref === 'string' && u.wide ? [7, 0] : [7]));
}

describe('opcode table', () => {
  it('gives every used opcode the size of its format, and none to the unused ones', () => {
    const unused = [0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x73, 0x79, 0x7a, ...Array.from({ length: 0xf9 - 0xe3 + 1 }, (_, i) => 0xe3 + i)];
    for (let op = 0; op < 256; op++) {
      if (unused.includes(op)) {
        expect(OPCODE_FORMATS[op], `op 0x${op.toString(16)}`).toBeUndefined();
        expect(OPCODE_SIZES[op]).toBe(0);
      } else {
        expect(OPCODE_FORMATS[op], `op 0x${op.toString(16)}`).toBeDefined();
        expect(OPCODE_SIZES[op]).toBe(Number(OPCODE_FORMATS[op]![0]));
      }
    }
    // spot checks against the spec's table
    expect(OPCODE_FORMATS[0x18]).toBe('51l');
    expect(OPCODE_FORMATS[0x1b]).toBe('31c');
    expect(OPCODE_FORMATS[0x26]).toBe('31t');
    expect(OPCODE_FORMATS[0x6e]).toBe('35c');
    expect(OPCODE_FORMATS[0x78]).toBe('3rc');
    expect(OPCODE_FORMATS[0xfa]).toBe('45cc');
    expect(OPCODE_FORMATS[0xfb]).toBe('4rcc');
    expect(OPCODE_FORMATS[0xe2]).toBe('22b');
  });
});

describe('walkCode', () => {
  it('steps over every format and reports each pool index with its kind', () => {
    const body = everyFormatBody();
    const { refs, result } = collect(units(...body));
    expect(result.anomaly).toBeUndefined();
    expect(result.instructions).toBe(body.length);
    expect(result.units).toBe(units(...body).length);
    expect(refs.map(([op, kind]) => [op, kind])).toEqual([
      [0x1a, RefKind.String],
      [0x22, RefKind.Type],
      [0x62, RefKind.Field],
      [0x20, RefKind.Type],
      [0x52, RefKind.Field],
      [0x1b, RefKind.String],
      [0x6e, RefKind.Method],
      [0x24, RefKind.Type],
      [0x77, RefKind.Method],
      [0xfa, RefKind.Method],
      [0xfb, RefKind.Method],
      [0xff, RefKind.Proto],
    ]);
  });

  it('reads the 32-bit string index of const-string/jumbo', () => {
    const { refs } = collect([0x001b, 0x5678, 0x0012, 0x000e]);
    expect(refs).toEqual([[0x1b, RefKind.String, 0x125678]]);
  });

  it('skips packed-switch, sparse-switch and fill-array-data payloads by their declared size', () => {
    const body = [
      ...units(asm.packedSwitch(0, 6), asm.invoke('static', getLast, []), asm.returnVoid()), // 3 + 3 + 1 = 7 units
      0x0000, // pad to an even offset
      ...units(asm.packedSwitchPayload(10, [1, 2, 3])),
      ...units(asm.sparseSwitchPayload([[1, 5], [100, 6]])),
      ...units(asm.fillArrayDataPayload(1, [1, 2, 3])), // 3 bytes → 2 units of data
      ...units(asm.fillArrayDataPayload(8, [1n as unknown as number, 2])),
    ];
    const { refs, result } = collect(body);
    expect(result.anomaly).toBeUndefined();
    expect(result.payloads).toBe(4);
    expect(result.instructions).toBe(4 + 4);
    expect(result.units).toBe(body.length);
    expect(refs).toHaveLength(1);
  });

  it('does not mistake data inside a payload for instructions', () => {
    // a fill-array-data payload whose data is 0x6e (invoke-virtual) opcodes
    const body = [0x000e, 0x0000, ...units(asm.fillArrayDataPayload(2, [0x006e, 0x006e, 0x006e]))];
    const { refs, result } = collect(body);
    expect(refs).toEqual([]);
    expect(result.anomaly).toBeUndefined();
  });

  it('ends the method at an unused opcode, with an anomaly', () => {
    const { result, refs } = collect([...units(asm.constString(0, 'x')), 0x003e, ...units(asm.invoke('static', getLast, []))]);
    expect(result.anomaly?.code).toBe('dex-code-unused-opcode');
    expect(result.anomaly?.pc).toBe(2);
    expect(result.instructions).toBe(1);
    expect(refs).toHaveLength(1);
  });

  it('ends the method at an instruction or payload that runs past the end', () => {
    expect(collect([0x0012, 0x006e, 0x0001]).result.anomaly?.code).toBe('dex-code-truncated-instruction');
    expect(collect([0x0018, 1, 2, 3]).result.anomaly?.code).toBe('dex-code-truncated-instruction');
    expect(collect([0x000e, 0x0100, 0xffff, 0, 0]).result.anomaly?.code).toBe('dex-code-truncated-payload');
    expect(collect([0x000e, 0x0300, 4, 0xffff, 0xffff]).result.anomaly?.code).toBe('dex-code-truncated-payload');
    expect(collect([0x000e, 0x0200]).result.anomaly?.code).toBe('dex-code-truncated-payload');
  });

  it('treats a nop with a stray high byte as a nop', () => {
    const { result } = collect([0x0700, 0x000e]);
    expect(result).toEqual({ instructions: 2, payloads: 0, units: 2 });
  });

  it('walks an empty method', () => {
    expect(walkCode(new Uint16Array(0))).toEqual({ instructions: 0, payloads: 0, units: 0 });
  });
});

describe('walking writer-built DEX', () => {
  it('resolves the writer’s references to the right pool entries', () => {
    const dex = parseDex(buildDex(everyFormatDex()));
    const classes = dex.definedClasses();
    const formats = classes.find((c) => c.descriptor === 'Lcom/example/Formats;')!;
    const data = dex.classData(formats.index);
    const seen: string[] = [];
    for (const m of data.directMethods) {
      const code = dex.codeItem(m.codeOff)!;
      const r = walkCode(code.insns(), (_op, kind, index) => {
        if (kind === RefKind.Method) {
          const ref = dex.methodRef(index);
          seen.push(`${ref.classDescriptor}->${ref.name}`);
        } else if (kind === RefKind.Field) {
          const ref = dex.fieldRef(index);
          seen.push(`${ref.classDescriptor}->${ref.name}`);
        } else if (kind === RefKind.String) seen.push(JSON.stringify(dex.string(index)));
        else if (kind === RefKind.Type) seen.push(dex.typeDescriptor(index));
      });
      expect(r.anomaly).toBeUndefined();
      expect(r.units).toBe(code.insnsSize);
    }
    expect(seen).toContain('Landroid/location/LocationManager;->getLastKnownLocation');
    expect(seen).toContain('Landroid/provider/ContactsContract$Contacts;->CONTENT_URI');
    expect(seen).toContain('"content://com.android.contacts/contacts"');
    expect(seen).toContain('"jumbo string"');
    expect(seen).toContain('[I');
    expect(seen).toContain('Ljava/lang/invoke/MethodHandle;->invokeExact');
    expect(dex.anomalies).toEqual([]);
  });
});

describe('fuzzing', () => {
  it('never throws or hangs on mutated code units', () => {
    const seed = new Uint8Array(Uint16Array.from(units(...everyFormatBody(), asm.packedSwitchPayload(0, [1, 2]), asm.fillArrayDataPayload(2, [1, 2, 3]))).buffer);
    const failures = fuzzParser(
      [seed],
      (bytes) => {
        const insns = new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.length & ~1)));
        const r = walkCode(insns, () => {});
        if (r.units > insns.length) throw new Error('walked past the end');
      },
      () => false,
      { iterations: 3000, seed: 6, maxMs: 50 },
    );
    expect(failures).toEqual([]);
  });

  it('never throws on mutated DEX files walked end to end', () => {
    const seeds = [buildDex(everyFormatDex())];
    const failures = fuzzParser(
      seeds,
      (bytes) => {
        const dex = parseDex(bytes, { verifyChecksum: false });
        for (const cls of dex.definedClasses().slice(0, 50)) {
          const data = dex.classData(cls.index, cls.entry);
          for (const m of [...data.directMethods, ...data.virtualMethods].slice(0, 50)) {
            if (!m.codeOff) continue;
            const code = dex.codeItem(m.codeOff);
            if (!code) continue;
            walkCode(code.insns(), (_op, kind, index) => {
              if (kind === RefKind.Method) dex.methodRef(index);
              else if (kind === RefKind.Field) dex.fieldRef(index);
              else if (kind === RefKind.String) dex.string(index);
              else if (kind === RefKind.Type) dex.typeDescriptor(index);
            });
          }
        }
      },
      (e) => e instanceof Error && e.name === 'FormatError',
      { iterations: 1500, seed: 66 },
    );
    expect(failures).toEqual([]);
  });
});
