/**
 * Dalvik bytecode walker. Pure: code units in, callbacks and a result out; no I/O.
 * Specs: https://source.android.com/docs/core/runtime/dalvik-bytecode (opcodes, payloads) and
 * https://source.android.com/docs/core/runtime/instruction-formats (formats and their sizes).
 *
 * It does not decode registers or control flow: it steps over each instruction by its format's
 * size and reports the instructions that carry a pool index (method, field, type, string, call
 * site, method handle, proto). That is all attribution needs, and it keeps the walk to a table
 * lookup per instruction.
 *
 * Payload pseudo-instructions (packed-switch-payload, sparse-switch-payload,
 * fill-array-data-payload) sit in the instruction stream after the code; they are stepped over by
 * their declared size. Opcodes the spec marks unused, and instructions or payloads that run past
 * the end of the code, end the walk of that method with an anomaly: the rest of the method is not
 * trusted, the rest of the file is still read. Every step advances by at least one code unit, so a
 * walk is bounded by the code's length.
 */

/** What kind of pool index an instruction carries (the `kind` of its format, e.g. `21c`'s `kind@BBBB`). */
export const RefKind = {
  None: 0,
  String: 1,
  Type: 2,
  Field: 3,
  Method: 4,
  CallSite: 5,
  MethodHandle: 6,
  Proto: 7,
} as const;
export type RefKind = (typeof RefKind)[keyof typeof RefKind];

// Payload identifiers (the full first code unit of a payload: nop opcode with this high byte).
export const PACKED_SWITCH_PAYLOAD = 0x0100;
export const SPARSE_SWITCH_PAYLOAD = 0x0200;
export const FILL_ARRAY_DATA_PAYLOAD = 0x0300;

// Opcodes named as in the spec, for the ones callers and tests refer to.
export const OP_NOP = 0x00;
export const OP_CONST_STRING = 0x1a;
export const OP_CONST_STRING_JUMBO = 0x1b;
export const OP_CONST_CLASS = 0x1c;
export const OP_CHECK_CAST = 0x1f;
export const OP_INSTANCE_OF = 0x20;
export const OP_NEW_INSTANCE = 0x22;
export const OP_NEW_ARRAY = 0x23;
export const OP_FILLED_NEW_ARRAY = 0x24;
export const OP_FILLED_NEW_ARRAY_RANGE = 0x25;
export const OP_FILL_ARRAY_DATA = 0x26;
export const OP_PACKED_SWITCH = 0x2b;
export const OP_SPARSE_SWITCH = 0x2c;
export const OP_IGET = 0x52;
export const OP_IPUT_SHORT = 0x5f;
export const OP_SGET = 0x60;
export const OP_SGET_OBJECT = 0x62;
export const OP_SPUT_SHORT = 0x6d;
export const OP_INVOKE_VIRTUAL = 0x6e;
export const OP_INVOKE_SUPER = 0x6f;
export const OP_INVOKE_DIRECT = 0x70;
export const OP_INVOKE_STATIC = 0x71;
export const OP_INVOKE_INTERFACE = 0x72;
export const OP_INVOKE_VIRTUAL_RANGE = 0x74;
export const OP_INVOKE_INTERFACE_RANGE = 0x78;
export const OP_INVOKE_POLYMORPHIC = 0xfa;
export const OP_INVOKE_POLYMORPHIC_RANGE = 0xfb;
export const OP_INVOKE_CUSTOM = 0xfc;
export const OP_INVOKE_CUSTOM_RANGE = 0xfd;
export const OP_CONST_METHOD_HANDLE = 0xfe;
export const OP_CONST_METHOD_TYPE = 0xff;

/** Instruction formats of the spec, by name; the first digit is the size in 16-bit code units. */
export type InstructionFormat =
  | '10x' | '12x' | '11n' | '11x' | '10t' | '20t' | '20bc' | '22x' | '21t' | '21s' | '21h' | '21c'
  | '23x' | '22b' | '22t' | '22s' | '22c' | '22cs' | '30t' | '32x' | '31i' | '31t' | '31c'
  | '35c' | '35ms' | '35mi' | '3rc' | '3rms' | '3rmi' | '45cc' | '4rcc' | '51l';

/** Per opcode: format, or undefined for the opcodes the spec marks unused. */
export const OPCODE_FORMATS: readonly (InstructionFormat | undefined)[] = buildFormats();
/** Per opcode: the kind of pool index it carries (first index only for 45cc/4rcc: the method). */
export const OPCODE_REF_KINDS: Uint8Array = buildRefKinds();
/** Per opcode: size in code units, 0 for unused opcodes. */
export const OPCODE_SIZES: Uint8Array = Uint8Array.from(OPCODE_FORMATS, (f) => (f ? Number(f[0]) : 0));

function buildFormats(): (InstructionFormat | undefined)[] {
  const f: (InstructionFormat | undefined)[] = new Array(256).fill(undefined);
  const set = (from: number, to: number, fmt: InstructionFormat) => {
    for (let op = from; op <= to; op++) f[op] = fmt;
  };
  set(0x00, 0x00, '10x'); // nop (and the payload idents, handled apart)
  set(0x01, 0x01, '12x'); // move
  set(0x02, 0x02, '22x'); // move/from16
  set(0x03, 0x03, '32x'); // move/16
  set(0x04, 0x04, '12x'); // move-wide
  set(0x05, 0x05, '22x');
  set(0x06, 0x06, '32x');
  set(0x07, 0x07, '12x'); // move-object
  set(0x08, 0x08, '22x');
  set(0x09, 0x09, '32x');
  set(0x0a, 0x0d, '11x'); // move-result*, move-exception
  set(0x0e, 0x0e, '10x'); // return-void
  set(0x0f, 0x11, '11x'); // return, return-wide, return-object
  set(0x12, 0x12, '11n'); // const/4
  set(0x13, 0x13, '21s'); // const/16
  set(0x14, 0x14, '31i'); // const
  set(0x15, 0x15, '21h'); // const/high16
  set(0x16, 0x16, '21s'); // const-wide/16
  set(0x17, 0x17, '31i'); // const-wide/32
  set(0x18, 0x18, '51l'); // const-wide
  set(0x19, 0x19, '21h'); // const-wide/high16
  set(0x1a, 0x1a, '21c'); // const-string string@
  set(0x1b, 0x1b, '31c'); // const-string/jumbo string@
  set(0x1c, 0x1c, '21c'); // const-class type@
  set(0x1d, 0x1e, '11x'); // monitor-enter/exit
  set(0x1f, 0x1f, '21c'); // check-cast type@
  set(0x20, 0x20, '22c'); // instance-of type@
  set(0x21, 0x21, '12x'); // array-length
  set(0x22, 0x22, '21c'); // new-instance type@
  set(0x23, 0x23, '22c'); // new-array type@
  set(0x24, 0x24, '35c'); // filled-new-array type@
  set(0x25, 0x25, '3rc'); // filled-new-array/range type@
  set(0x26, 0x26, '31t'); // fill-array-data
  set(0x27, 0x27, '11x'); // throw
  set(0x28, 0x28, '10t'); // goto
  set(0x29, 0x29, '20t'); // goto/16
  set(0x2a, 0x2a, '30t'); // goto/32
  set(0x2b, 0x2c, '31t'); // packed-switch, sparse-switch
  set(0x2d, 0x31, '23x'); // cmpkind
  set(0x32, 0x37, '22t'); // if-test
  set(0x38, 0x3d, '21t'); // if-testz
  // 0x3e..0x43 unused
  set(0x44, 0x51, '23x'); // arrayop
  set(0x52, 0x5f, '22c'); // iinstanceop field@
  set(0x60, 0x6d, '21c'); // sstaticop field@
  set(0x6e, 0x72, '35c'); // invoke-kind meth@
  // 0x73 unused
  set(0x74, 0x78, '3rc'); // invoke-kind/range meth@
  // 0x79..0x7a unused
  set(0x7b, 0x8f, '12x'); // unop
  set(0x90, 0xaf, '23x'); // binop
  set(0xb0, 0xcf, '12x'); // binop/2addr
  set(0xd0, 0xd7, '22s'); // binop/lit16
  set(0xd8, 0xe2, '22b'); // binop/lit8
  // 0xe3..0xf9 unused
  set(0xfa, 0xfa, '45cc'); // invoke-polymorphic meth@, proto@
  set(0xfb, 0xfb, '4rcc'); // invoke-polymorphic/range
  set(0xfc, 0xfc, '35c'); // invoke-custom call_site@
  set(0xfd, 0xfd, '3rc'); // invoke-custom/range call_site@
  set(0xfe, 0xfe, '21c'); // const-method-handle method_handle@
  set(0xff, 0xff, '21c'); // const-method-type proto@
  return f;
}

function buildRefKinds(): Uint8Array {
  const k = new Uint8Array(256);
  k[OP_CONST_STRING] = RefKind.String;
  k[OP_CONST_STRING_JUMBO] = RefKind.String;
  for (const op of [OP_CONST_CLASS, OP_CHECK_CAST, OP_INSTANCE_OF, OP_NEW_INSTANCE, OP_NEW_ARRAY, OP_FILLED_NEW_ARRAY, OP_FILLED_NEW_ARRAY_RANGE]) k[op] = RefKind.Type;
  for (let op = OP_IGET; op <= OP_SPUT_SHORT; op++) k[op] = RefKind.Field;
  for (let op = OP_INVOKE_VIRTUAL; op <= OP_INVOKE_INTERFACE; op++) k[op] = RefKind.Method;
  for (let op = OP_INVOKE_VIRTUAL_RANGE; op <= OP_INVOKE_INTERFACE_RANGE; op++) k[op] = RefKind.Method;
  k[OP_INVOKE_POLYMORPHIC] = RefKind.Method;
  k[OP_INVOKE_POLYMORPHIC_RANGE] = RefKind.Method;
  k[OP_INVOKE_CUSTOM] = RefKind.CallSite;
  k[OP_INVOKE_CUSTOM_RANGE] = RefKind.CallSite;
  k[OP_CONST_METHOD_HANDLE] = RefKind.MethodHandle;
  k[OP_CONST_METHOD_TYPE] = RefKind.Proto;
  return k;
}

/**
 * Called for each instruction carrying a pool index: `op` is the opcode, `kind` what the index
 * names, `index` the pool index, `pc` the code-unit offset of the instruction in the method.
 */
export type RefVisitor = (op: number, kind: RefKind, index: number, pc: number) => void;

export interface WalkAnomaly {
  code: 'dex-code-unused-opcode' | 'dex-code-truncated-instruction' | 'dex-code-truncated-payload';
  message: string;
  /** code-unit offset in the method */
  pc: number;
}

export interface WalkResult {
  /** instructions stepped over, payload pseudo-instructions included (as dexdump counts them) */
  instructions: number;
  /** payload pseudo-instructions among them */
  payloads: number;
  /** code units walked before the end or the anomaly */
  units: number;
  /** why the walk stopped early, when it did */
  anomaly?: WalkAnomaly;
}

/**
 * Size in code units of the payload starting at `pc` (whose first unit is `ident`), or -1 when
 * its header itself does not fit before `end`.
 */
function payloadSize(units: Uint16Array, pc: number, end: number, ident: number): number {
  if (ident === PACKED_SWITCH_PAYLOAD) {
    // ident, size, first_key (int), targets[size] (int)
    if (pc + 2 > end) return -1;
    return 4 + units[pc + 1] * 2;
  }
  if (ident === SPARSE_SWITCH_PAYLOAD) {
    // ident, size, keys[size] (int), targets[size] (int)
    if (pc + 2 > end) return -1;
    return 2 + units[pc + 1] * 4;
  }
  // fill-array-data-payload: ident, element_width, size (uint), data[(size * width + 1) / 2]
  if (pc + 4 > end) return -1;
  const width = units[pc + 1];
  const size = units[pc + 2] + units[pc + 3] * 0x10000;
  return 4 + Math.ceil((size * width) / 2);
}

/**
 * Steps over every instruction of one method's code units; `visit` sees the ones carrying a pool
 * index. Bounded by `insns.length`; never throws on malformed code.
 */
export function walkCode(insns: Uint16Array, visit?: RefVisitor): WalkResult {
  return walkUnits(insns, 0, insns.length, visit);
}

/**
 * Per RefKind, an optional table by pool index: 0 means the visitor does not want instructions
 * referring to that index (an index past the table's end is always visited). Lets a walk that
 * cares about few pool entries skip the call for the rest.
 */
export type RefFilter = readonly (Uint8Array | undefined)[];

/**
 * {@link walkCode} over `units[start, end)`, one method's code inside a larger array (a whole
 * DEX file's code units), so walking does not make a view per method. The `pc`s it reports, to
 * `visit` and in an anomaly, are relative to `start`. With `wanted`, `visit` sees only the
 * instructions whose pool index the filter wants.
 */
export function walkUnits(units: Uint16Array, start: number, end: number, visit?: RefVisitor, wanted?: RefFilter): WalkResult {
  let pc = start;
  let instructions = 0;
  let payloads = 0;
  while (pc < end) {
    const unit = units[pc];
    const op = unit & 0xff;
    if (op === OP_NOP && unit !== 0) {
      const hi = unit >>> 8;
      if (hi >= 1 && hi <= 3) {
        const size = payloadSize(units, pc, end, unit);
        if (size < 0 || pc + size > end) {
          const at = pc - start;
          return { instructions, payloads, units: at, anomaly: { code: 'dex-code-truncated-payload', message: `payload 0x${unit.toString(16).padStart(4, '0')} at ${at} runs past the end of the code (${end - start} units)`, pc: at } };
        }
        pc += size;
        instructions++;
        payloads++;
        continue;
      }
      // a nop whose unused high byte is set: the runtime ignores the byte; so do we
    }
    const size = OPCODE_SIZES[op];
    if (size === 0) {
      const at = pc - start;
      return { instructions, payloads, units: at, anomaly: { code: 'dex-code-unused-opcode', message: `unused opcode 0x${op.toString(16).padStart(2, '0')} at ${at}`, pc: at } };
    }
    if (pc + size > end) {
      const at = pc - start;
      return { instructions, payloads, units: at, anomaly: { code: 'dex-code-truncated-instruction', message: `instruction 0x${op.toString(16).padStart(2, '0')} at ${at} needs ${size} units, ${end - pc} left`, pc: at } };
    }
    if (visit !== undefined) {
      const kind = OPCODE_REF_KINDS[op];
      if (kind !== RefKind.None) {
        // 31c (const-string/jumbo) holds a 32-bit index; every other indexed format a 16-bit one in unit 1
        const index = op === OP_CONST_STRING_JUMBO ? units[pc + 1] + units[pc + 2] * 0x10000 : units[pc + 1];
        const table = wanted?.[kind];
        if (table === undefined || table[index] !== 0) visit(op, kind as RefKind, index, pc - start);
      }
    }
    pc += size;
    instructions++;
  }
  return { instructions, payloads, units: pc - start };
}

/** The proto index of an invoke-polymorphic instruction (45cc/4rcc: unit 3), for callers that want it. */
export function polymorphicProtoIndex(insns: Uint16Array, pc: number): number {
  return pc + 3 < insns.length ? insns[pc + 3] : -1;
}
