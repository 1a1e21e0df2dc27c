// The floor: the least work any scanner that reads what trackscan reads must do — find the
// central directory, then read and inflate (node:zlib inflateRawSync) exactly the entries a scan
// needs, and nothing else. No parsing, no CRC check, no hashing. Deliberately independent of
// src/archive so that it measures zlib and the disk, not our reader.
//
// Entries a scan needs (what the collectors read; see README "Inputs"):
//   Android: AndroidManifest.xml, resources.arsc, every classes*.dex, META-INF/*.version,
//            META-INF/*.RSA|*.DSA|*.EC (v1 signature blocks), and the APK Signing Block (raw
//            bytes before the central directory). lib/**.so and everything else are only listed.
//   iOS:     the Info.plist of the app and of every nested bundle (*.framework, *.appex, *.app,
//            *.bundle), the app's GoogleService-Info.plist, every PrivacyInfo.xcprivacy, and the
//            executable of the app, of every framework and of every app extension. Assets
//            (Assets.car, images, videos, localisations, resource files) are only listed.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const utf8 = new TextDecoder();

function readAt(fd, offset, length) {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, offset + done);
    if (n === 0) throw new Error('short read');
    done += n;
  }
  return buf;
}

/** Central directory records: name, method, sizes, local header offset. */
export function listZip(fd, size) {
  const tailLen = Math.min(size, 22 + 0xffff);
  const tail = readAt(fd, size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tailLen - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory');
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  const cd = readAt(fd, cdOffset, cdSize);
  const entries = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    entries.push({
      name: utf8.decode(cd.subarray(p + 46, p + 46 + nameLen)),
      method: cd.readUInt16LE(p + 10),
      csize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      at: cd.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return { entries, cdOffset };
}

const ANDROID_NEEDED = [/^AndroidManifest\.xml$/, /^resources\.arsc$/, /^classes\d*\.dex$/, /^META-INF\/[^/]+\.version$/, /^META-INF\/[^/]+\.(RSA|DSA|EC)$/i];

/** The entries a scan of this bundle reads (see the header comment), and the platform. */
export function neededEntries(entries) {
  if (entries.some((e) => e.name === 'AndroidManifest.xml')) {
    return { platform: 'android', needed: entries.filter((e) => ANDROID_NEEDED.some((re) => re.test(e.name))) };
  }
  const info = entries.map((e) => /^(Payload\/[^/]+\.app\/)Info\.plist$/.exec(e.name)).find(Boolean);
  if (!info) throw new Error('neither an APK nor an IPA');
  const root = info[1];
  const bundles = new Set([root]);
  for (const e of entries) {
    if (!e.name.startsWith(root)) continue;
    const parts = e.name.slice(root.length).split('/');
    for (let i = 0; i < parts.length - 1; i++) {
      if (/\.(framework|appex|bundle|app)$/.test(parts[i])) bundles.add(root + parts.slice(0, i + 1).join('/') + '/');
    }
  }
  const wanted = new Set([`${root}GoogleService-Info.plist`]);
  for (const b of bundles) {
    wanted.add(`${b}Info.plist`);
    const m = /([^/]+)\.(app|framework|appex)\/$/.exec(b);
    if (m) wanted.add(b + m[1]); // the executable (CFBundleExecutable is the bundle's name by convention)
  }
  const needed = entries.filter((e) => wanted.has(e.name) || (e.name.startsWith(root) && e.name.endsWith('/PrivacyInfo.xcprivacy')));
  return { platform: 'ios', needed };
}

/** Reads and inflates every needed entry once. Returns counts (the bytes are dropped as it goes). */
export function floor(path) {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const { entries, cdOffset } = listZip(fd, size);
    const { platform, needed } = neededEntries(entries);
    let inflated = 0;
    let compressed = 0;
    for (const e of needed) {
      const local = readAt(fd, e.at, 30);
      const dataAt = e.at + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const data = readAt(fd, dataAt, e.csize);
      // one output buffer of the declared size, as src/archive/zip.ts does (Node's default 16 KiB
      // chunks cost ~25% more on DEX files: many native calls and a final concatenation)
      const out = e.method === 0 ? data : inflateRawSync(data, { chunkSize: Math.max(64, e.size + 1) });
      inflated += out.length;
      compressed += e.csize;
    }
    if (platform === 'android' && cdOffset >= 24) {
      // APK Signing Block: footer "APK Sig Block 42" just before the central directory
      const footer = readAt(fd, cdOffset - 24, 24);
      if (footer.toString('latin1', 8) === 'APK Sig Block 42') {
        const blockSize = Number(footer.readBigUInt64LE(0)) + 8;
        if (blockSize <= cdOffset) {
          readAt(fd, cdOffset - blockSize, blockSize);
          inflated += blockSize;
        }
      }
    }
    return { platform, entries: entries.length, neededEntries: needed.length, compressed, inflated };
  } finally {
    closeSync(fd);
  }
}
