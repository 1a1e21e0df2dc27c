/**
 * Mach-O constants, named as Apple's headers name them, so each number can be checked there.
 * Specs:
 *  - <mach-o/loader.h>  https://github.com/apple-oss-distributions/xnu/blob/main/EXTERNAL_HEADERS/mach-o/loader.h
 *  - <mach-o/fat.h>     https://github.com/apple-oss-distributions/xnu/blob/main/EXTERNAL_HEADERS/mach-o/fat.h
 *  - <mach-o/nlist.h>   https://github.com/apple-oss-distributions/cctools/blob/main/include/mach-o/nlist.h
 *  - <mach-o/reloc.h>   https://github.com/apple-oss-distributions/cctools/blob/main/include/mach-o/reloc.h
 *  - <mach/machine.h>   https://github.com/apple-oss-distributions/xnu/blob/main/osfmk/mach/machine.h
 *  - <mach-o/fixup-chains.h> (dyld) and LLVM's llvm/BinaryFormat/MachO.h for chained fixups
 *  - osfmk/kern/cs_blobs.h (xnu) for the code signature blobs (all big-endian)
 *  - objc4 runtime/objc-runtime-new.h for class_t / class_ro_t
 */

// ---- mach_header / mach_header_64 ----------------------------------------------------------------
export const MH_MAGIC = 0xfeedface;
export const MH_CIGAM = 0xcefaedfe;
export const MH_MAGIC_64 = 0xfeedfacf;
export const MH_CIGAM_64 = 0xcffaedfe;
/** sizeof(struct mach_header) */
export const MACH_HEADER_SIZE = 28;
/** sizeof(struct mach_header_64) */
export const MACH_HEADER_64_SIZE = 32;

// ---- fat_header ----------------------------------------------------------------------------------
export const FAT_MAGIC = 0xcafebabe;
export const FAT_CIGAM = 0xbebafeca;
export const FAT_MAGIC_64 = 0xcafebabf;
export const FAT_CIGAM_64 = 0xbfbafeca;
/** sizeof(struct fat_arch): cputype, cpusubtype, offset, size, align (all big-endian u32) */
export const FAT_ARCH_SIZE = 20;
/** sizeof(struct fat_arch_64): cputype, cpusubtype, offset u64, size u64, align, reserved */
export const FAT_ARCH_64_SIZE = 32;

// ---- file types ----------------------------------------------------------------------------------
export const MH_OBJECT = 0x1;
export const MH_EXECUTE = 0x2;
export const MH_FVMLIB = 0x3;
export const MH_CORE = 0x4;
export const MH_PRELOAD = 0x5;
export const MH_DYLIB = 0x6;
export const MH_DYLINKER = 0x7;
export const MH_BUNDLE = 0x8;
export const MH_DYLIB_STUB = 0x9;
export const MH_DSYM = 0xa;
export const MH_KEXT_BUNDLE = 0xb;
export const MH_FILESET = 0xc;

export const FILE_TYPE_NAMES: Record<number, string> = {
  [MH_OBJECT]: 'MH_OBJECT',
  [MH_EXECUTE]: 'MH_EXECUTE',
  [MH_FVMLIB]: 'MH_FVMLIB',
  [MH_CORE]: 'MH_CORE',
  [MH_PRELOAD]: 'MH_PRELOAD',
  [MH_DYLIB]: 'MH_DYLIB',
  [MH_DYLINKER]: 'MH_DYLINKER',
  [MH_BUNDLE]: 'MH_BUNDLE',
  [MH_DYLIB_STUB]: 'MH_DYLIB_STUB',
  [MH_DSYM]: 'MH_DSYM',
  [MH_KEXT_BUNDLE]: 'MH_KEXT_BUNDLE',
  [MH_FILESET]: 'MH_FILESET',
};

// ---- header flags (a few) ------------------------------------------------------------------------
export const MH_NOUNDEFS = 0x1;
export const MH_DYLDLINK = 0x4;
export const MH_TWOLEVEL = 0x80;
export const MH_PIE = 0x200000;
export const MH_SUBSECTIONS_VIA_SYMBOLS = 0x2000;

// ---- cpu types (mach/machine.h) ------------------------------------------------------------------
export const CPU_ARCH_ABI64 = 0x01000000;
export const CPU_ARCH_ABI64_32 = 0x02000000;
export const CPU_TYPE_X86 = 7;
export const CPU_TYPE_I386 = CPU_TYPE_X86;
export const CPU_TYPE_X86_64 = CPU_TYPE_X86 | CPU_ARCH_ABI64;
export const CPU_TYPE_ARM = 12;
export const CPU_TYPE_ARM64 = CPU_TYPE_ARM | CPU_ARCH_ABI64;
export const CPU_TYPE_ARM64_32 = CPU_TYPE_ARM | CPU_ARCH_ABI64_32;
export const CPU_TYPE_POWERPC = 18;
export const CPU_TYPE_POWERPC64 = CPU_TYPE_POWERPC | CPU_ARCH_ABI64;

export const CPU_SUBTYPE_MASK = 0xff000000;
export const CPU_SUBTYPE_LIB64 = 0x80000000;
export const CPU_SUBTYPE_PTRAUTH_ABI = 0x80000000;
export const CPU_SUBTYPE_X86_ALL = 3;
export const CPU_SUBTYPE_X86_64_ALL = 3;
export const CPU_SUBTYPE_X86_64_H = 8;
export const CPU_SUBTYPE_ARM_ALL = 0;
export const CPU_SUBTYPE_ARM_V6 = 6;
export const CPU_SUBTYPE_ARM_V7 = 9;
export const CPU_SUBTYPE_ARM_V7S = 11;
export const CPU_SUBTYPE_ARM_V7K = 12;
export const CPU_SUBTYPE_ARM64_ALL = 0;
export const CPU_SUBTYPE_ARM64_V8 = 1;
export const CPU_SUBTYPE_ARM64E = 2;

// ---- load commands -------------------------------------------------------------------------------
export const LC_REQ_DYLD = 0x80000000;
export const LC_SEGMENT = 0x1;
export const LC_SYMTAB = 0x2;
export const LC_THREAD = 0x4;
export const LC_UNIXTHREAD = 0x5;
export const LC_DYSYMTAB = 0xb;
export const LC_LOAD_DYLIB = 0xc;
export const LC_ID_DYLIB = 0xd;
export const LC_LOAD_DYLINKER = 0xe;
export const LC_ID_DYLINKER = 0xf;
export const LC_SUB_FRAMEWORK = 0x12;
export const LC_LOAD_WEAK_DYLIB = (0x18 | LC_REQ_DYLD) >>> 0;
export const LC_SEGMENT_64 = 0x19;
export const LC_UUID = 0x1b;
export const LC_RPATH = (0x1c | LC_REQ_DYLD) >>> 0;
export const LC_CODE_SIGNATURE = 0x1d;
export const LC_SEGMENT_SPLIT_INFO = 0x1e;
export const LC_REEXPORT_DYLIB = (0x1f | LC_REQ_DYLD) >>> 0;
export const LC_LAZY_LOAD_DYLIB = 0x20;
export const LC_ENCRYPTION_INFO = 0x21;
export const LC_DYLD_INFO = 0x22;
export const LC_DYLD_INFO_ONLY = (0x22 | LC_REQ_DYLD) >>> 0;
export const LC_LOAD_UPWARD_DYLIB = (0x23 | LC_REQ_DYLD) >>> 0;
export const LC_VERSION_MIN_MACOSX = 0x24;
export const LC_VERSION_MIN_IPHONEOS = 0x25;
export const LC_FUNCTION_STARTS = 0x26;
export const LC_DYLD_ENVIRONMENT = 0x27;
export const LC_MAIN = (0x28 | LC_REQ_DYLD) >>> 0;
export const LC_DATA_IN_CODE = 0x29;
export const LC_SOURCE_VERSION = 0x2a;
export const LC_DYLIB_CODE_SIGN_DRS = 0x2b;
export const LC_ENCRYPTION_INFO_64 = 0x2c;
export const LC_LINKER_OPTION = 0x2d;
export const LC_LINKER_OPTIMIZATION_HINT = 0x2e;
export const LC_VERSION_MIN_TVOS = 0x2f;
export const LC_VERSION_MIN_WATCHOS = 0x30;
export const LC_NOTE = 0x31;
export const LC_BUILD_VERSION = 0x32;
export const LC_DYLD_EXPORTS_TRIE = (0x33 | LC_REQ_DYLD) >>> 0;
export const LC_DYLD_CHAINED_FIXUPS = (0x34 | LC_REQ_DYLD) >>> 0;
export const LC_FILESET_ENTRY = (0x35 | LC_REQ_DYLD) >>> 0;

/** sizeof(struct segment_command) / sizeof(struct section) */
export const SEGMENT_COMMAND_SIZE = 56;
export const SECTION_SIZE = 68;
/** sizeof(struct segment_command_64) / sizeof(struct section_64) */
export const SEGMENT_COMMAND_64_SIZE = 72;
export const SECTION_64_SIZE = 80;
/** sizeof(struct dylib_command) */
export const DYLIB_COMMAND_SIZE = 24;

// ---- section types and attributes ----------------------------------------------------------------
export const SECTION_TYPE = 0x000000ff;
export const SECTION_ATTRIBUTES = 0xffffff00;
export const S_REGULAR = 0x0;
export const S_ZEROFILL = 0x1;
export const S_CSTRING_LITERALS = 0x2;
export const S_LITERAL_POINTERS = 0x5;
export const S_GB_ZEROFILL = 0xc;
export const S_THREAD_LOCAL_ZEROFILL = 0x12;
export const S_ATTR_PURE_INSTRUCTIONS = 0x80000000;
export const S_ATTR_NO_DEAD_STRIP = 0x10000000;
export const S_ATTR_SOME_INSTRUCTIONS = 0x00000400;

// ---- platforms (LC_BUILD_VERSION) ----------------------------------------------------------------
export const PLATFORM_MACOS = 1;
export const PLATFORM_IOS = 2;
export const PLATFORM_TVOS = 3;
export const PLATFORM_WATCHOS = 4;
export const PLATFORM_BRIDGEOS = 5;
export const PLATFORM_MACCATALYST = 6;
export const PLATFORM_IOSSIMULATOR = 7;
export const PLATFORM_TVOSSIMULATOR = 8;
export const PLATFORM_WATCHOSSIMULATOR = 9;
export const PLATFORM_DRIVERKIT = 10;
export const PLATFORM_VISIONOS = 11;
export const PLATFORM_VISIONOSSIMULATOR = 12;

export const PLATFORM_NAMES: Record<number, string> = {
  [PLATFORM_MACOS]: 'macos',
  [PLATFORM_IOS]: 'ios',
  [PLATFORM_TVOS]: 'tvos',
  [PLATFORM_WATCHOS]: 'watchos',
  [PLATFORM_BRIDGEOS]: 'bridgeos',
  [PLATFORM_MACCATALYST]: 'maccatalyst',
  [PLATFORM_IOSSIMULATOR]: 'iossimulator',
  [PLATFORM_TVOSSIMULATOR]: 'tvossimulator',
  [PLATFORM_WATCHOSSIMULATOR]: 'watchossimulator',
  [PLATFORM_DRIVERKIT]: 'driverkit',
  [PLATFORM_VISIONOS]: 'visionos',
  [PLATFORM_VISIONOSSIMULATOR]: 'visionossimulator',
};

// ---- nlist ---------------------------------------------------------------------------------------
export const N_STAB = 0xe0;
export const N_PEXT = 0x10;
export const N_TYPE = 0x0e;
export const N_EXT = 0x01;
export const N_UNDF = 0x0;
export const N_ABS = 0x2;
export const N_SECT = 0xe;
export const N_PBUD = 0xc;
export const N_INDR = 0xa;
export const NLIST_SIZE = 12;
export const NLIST_64_SIZE = 16;

// ---- relocations ---------------------------------------------------------------------------------
export const R_SCATTERED = 0x80000000;
export const RELOCATION_INFO_SIZE = 8;

// ---- chained fixups (mach-o/fixup-chains.h) ------------------------------------------------------
export const DYLD_CHAINED_PTR_ARM64E = 1;
export const DYLD_CHAINED_PTR_64 = 2;
export const DYLD_CHAINED_PTR_32 = 3;
export const DYLD_CHAINED_PTR_32_CACHE = 4;
export const DYLD_CHAINED_PTR_32_FIRMWARE = 5;
export const DYLD_CHAINED_PTR_64_OFFSET = 6;
export const DYLD_CHAINED_PTR_ARM64E_KERNEL = 7;
export const DYLD_CHAINED_PTR_64_KERNEL_CACHE = 8;
export const DYLD_CHAINED_PTR_ARM64E_USERLAND = 9;
export const DYLD_CHAINED_PTR_ARM64E_FIRMWARE = 10;
export const DYLD_CHAINED_PTR_X86_64_KERNEL_CACHE = 11;
export const DYLD_CHAINED_PTR_ARM64E_USERLAND24 = 12;
export const DYLD_CHAINED_PTR_START_NONE = 0xffff;
export const DYLD_CHAINED_PTR_START_MULTI = 0x8000;
export const DYLD_CHAINED_PTR_START_LAST = 0x8000;
export const DYLD_CHAINED_IMPORT = 1;
/** sizeof(struct dyld_chained_fixups_header) */
export const DYLD_CHAINED_FIXUPS_HEADER_SIZE = 28;

// ---- code signature blobs (cs_blobs.h; big-endian) -----------------------------------------------
export const CSMAGIC_REQUIREMENT = 0xfade0c00;
export const CSMAGIC_REQUIREMENTS = 0xfade0c01;
export const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
export const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
export const CSMAGIC_DETACHED_SIGNATURE = 0xfade0cc1;
export const CSMAGIC_BLOBWRAPPER = 0xfade0b01;
export const CSMAGIC_EMBEDDED_ENTITLEMENTS = 0xfade7171;
export const CSMAGIC_EMBEDDED_DER_ENTITLEMENTS = 0xfade7172;
export const CSSLOT_CODEDIRECTORY = 0;
export const CSSLOT_INFOSLOT = 1;
export const CSSLOT_REQUIREMENTS = 2;
export const CSSLOT_RESOURCEDIR = 3;
export const CSSLOT_APPLICATION = 4;
export const CSSLOT_ENTITLEMENTS = 5;
export const CSSLOT_DER_ENTITLEMENTS = 7;
export const CSSLOT_ALTERNATE_CODEDIRECTORIES = 0x1000;
export const CSSLOT_SIGNATURESLOT = 0x10000;
export const CS_SUPPORTSSCATTER = 0x20100;
export const CS_SUPPORTSTEAMID = 0x20200;
export const CS_SUPPORTSCODELIMIT64 = 0x20300;
export const CS_SUPPORTSEXECSEG = 0x20400;
export const CS_HASHTYPE_SHA1 = 1;
export const CS_HASHTYPE_SHA256 = 2;
export const CS_HASHTYPE_SHA256_TRUNCATED = 3;
export const CS_HASHTYPE_SHA384 = 4;
export const CS_ADHOC = 0x2;

// ---- ar (static libraries) -----------------------------------------------------------------------
/** "!<arch>\n" */
export const ARMAG = '!<arch>\n';
export const SARMAG = 8;
/** "`\n" at the end of each member header */
export const ARFMAG = '`\n';
/** sizeof(struct ar_hdr) */
export const AR_HDR_SIZE = 60;
/** BSD long-name prefix: the name (N bytes) follows the header and is counted in ar_size */
export const AR_EFMT1 = '#1/';

// ---- objc4 (objc-runtime-new.h) ------------------------------------------------------------------
/** class_t.data: low bits are flags (FAST_IS_SWIFT_LEGACY, FAST_IS_SWIFT_STABLE, FAST_HAS_DEFAULT_RR) */
export const FAST_DATA_MASK_64 = 0x00007ffffffffff8n;
export const RO_META = 1 << 0;
export const RO_ROOT = 1 << 1;
