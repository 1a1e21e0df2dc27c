// app-info-parser (npm): what it parses from an APK (manifest, icon, labels through resources.arsc)
// or an IPA (Info.plist, embedded.mobileprovision). Usage: node bench/app-info.mjs <file>
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AppInfoParser = require('app-info-parser');
const info = await new AppInfoParser(process.argv[2]).parse();
process.stdout.write(`${info.package ?? info.CFBundleIdentifier}\n`);
