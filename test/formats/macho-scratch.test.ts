import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { buildMachO, buildMachOObject, buildFat, buildArchive, sampleMachOInput } from '../../src/testing/macho-writer.js';
import { parseMachO } from '../../src/formats/macho.js';
it('dump', () => {
  const exe = buildMachO(sampleMachOInput({ codeSignature: { identifier: 'com.example.app', teamId: 'ABCDE12345', entitlements: '<?xml version="1.0"?><plist><dict/></plist>' } }));
  writeFileSync('/tmp/mo/exe', exe);
  writeFileSync('/tmp/mo/dylib', buildMachO(sampleMachOInput({ fileType: 'dylib', arch: 'x86_64' })));
  writeFileSync('/tmp/mo/enc', buildMachO(sampleMachOInput({ encryption: { cryptid: 1 } })));
  writeFileSync('/tmp/mo/chained', buildMachO(sampleMachOInput({ pointerFormat: 'chained-64' })));
  const o1 = buildMachOObject({ classes: [{ name: 'AFSDK', methods: ['track:'] }], cStrings: ['x.appsflyer.com'] });
  const o2 = buildMachOObject({ classes: [{ name: 'AFOther' }] , arch: 'x86_64'});
  writeFileSync('/tmp/mo/obj.o', o1);
  writeFileSync('/tmp/mo/lib.a', buildArchive([{ name: 'AFSDK.o', bytes: o1 }, { name: 'a-much-longer-object-file-name.o', bytes: buildMachOObject({ classes: [{ name: 'AFLong' }] }) }]));
  writeFileSync('/tmp/mo/fat', buildFat([exe, buildMachO(sampleMachOInput({ arch: 'x86_64' }))]));
  for (const f of ['exe', 'dylib', 'enc', 'chained', 'obj.o', 'lib.a', 'fat']) {
    const m = parseMachO(new Uint8Array(require('node:fs').readFileSync('/tmp/mo/' + f)));
    console.log(f, m.kind, m.anomalies, m.slices.map((s) => [s.arch, s.fileTypeName, s.member, s.objcClassNames(), s.objcClassList(), s.cStrings().length]));
  }
});
