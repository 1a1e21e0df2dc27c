/**
 * Code hidden in other entries (report `obfuscation.embeddedCode`) in the HTML, Markdown and
 * SARIF reports: an APK built with our writers whose only tracker classes live in
 * `assets/plugin.apk` shows that entry as a structured item in each format, not only in the note.
 */
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { buildSarif } from '../../src/report/sarif.js';
import { buildDex } from '../../src/testing/dex-writer.js';
import { classes, launcherActivity, manifest, type ApkSpec } from '../../src/testing/samples.js';
import { writeZip } from '../../src/testing/zip-writer.js';
import { androidReport, scanSpec } from './helpers.js';

const PKG = 'org.example.hider';
const ADJUST = ['com.adjust.sdk.Adjust', 'com.adjust.sdk.AdjustConfig', 'com.adjust.sdk.ActivityHandler'];

function spec(withPlugin: boolean): ApkSpec {
  const plugin = writeZip([
    { name: 'AndroidManifest.xml', data: 'not read' },
    { name: 'classes.dex', data: buildDex({ classes: classes(ADJUST), strings: ['https://app.adjust.com/session'] }) },
  ]);
  return {
    manifest: manifest({ packageName: PKG, permissions: ['android.permission.INTERNET'], application: [launcherActivity('.MainActivity')] }),
    dex: [{ entry: 'classes.dex', input: { classes: classes([`${PKG}.MainActivity`, `${PKG}.PluginLoader`], { [`${PKG}.MainActivity`]: 'android.app.Activity' }) } }],
    files: withPlugin ? [{ name: 'assets/plugin.apk', data: plugin }] : [],
  };
}

type Notification = { descriptor: { id: string }; message: { text: string }; locations?: { physicalLocation: { artifactLocation: { uri: string; index: number } } }[]; properties?: Record<string, unknown> };

describe('code hidden in other entries, in HTML, Markdown and SARIF', () => {
  const report = scanSpec('hider.apk', spec(true));
  const control = scanSpec('plain.apk', spec(false));

  it('the scan found it (the premise)', () => {
    expect(report.obfuscation?.embeddedCode).toEqual([{ entry: 'assets/plugin.apk', format: 'zip', dexFiles: ['assets/plugin.apk!classes.dex'], classes: 3 }]);
    expect(control.obfuscation?.embeddedCode).toBeUndefined();
  });

  it('HTML: a table row in "Hidden or renamed code" with the entry, kind, DEX files and classes', () => {
    const page = renderHtml(report);
    const section = page.slice(page.indexOf('<section id="code">'), page.indexOf('</section>', page.indexOf('<section id="code">')));
    expect(section).toContain('<caption>Code hidden in other entries');
    expect(section).toContain('<tr><td class="mono">assets/plugin.apk</td><td>archive</td><td>1<ul class="where"><li class="mono">assets/plugin.apk!classes.dex</li></ul></td><td>3</td></tr>');
    expect(renderHtml(control)).not.toContain('Code hidden in other entries');
    expect(renderHtml(androidReport())).not.toContain('Code hidden in other entries');
  });

  it('Markdown: a small table in the same section', () => {
    const md = renderMarkdown(report);
    const section = md.slice(md.indexOf('Hidden or renamed code'), md.indexOf('Permissions ('));
    expect(section).toContain('| Entry | Kind | DEX files | Classes |\n| --- | --- | --- | --- |\n| `assets/plugin.apk` | archive | 1: `assets/plugin.apk!classes.dex` | 3 |');
    expect(renderMarkdown(control)).not.toContain('| Entry | Kind |');
  });

  it('SARIF: a hidden-code notification located at the entry, and the list in the run properties', () => {
    const run = (buildSarif(report) as { runs: { invocations: { toolExecutionNotifications?: Notification[] }[]; artifacts: { location: { uri: string }; parentIndex?: number }[]; properties: { obfuscation?: { embeddedCode?: unknown } } }[] }).runs[0];
    const located = (run.invocations[0].toolExecutionNotifications ?? []).filter((n) => n.descriptor.id === 'hidden-code' && n.locations);
    expect(located).toHaveLength(1);
    const at = located[0].locations![0].physicalLocation.artifactLocation;
    expect(at.uri).toBe('assets/plugin.apk');
    expect(run.artifacts[at.index]).toEqual({ location: { uri: 'assets/plugin.apk' }, parentIndex: 0 });
    expect(located[0].message.text).toBe("Hidden code: assets/plugin.apk holds an archive with 1 DEX file, 3 classes, outside the classes*.dex Android loads; it was scanned like the app's own code.");
    expect(located[0].properties).toEqual({ entry: 'assets/plugin.apk', format: 'zip', dexFiles: ['assets/plugin.apk!classes.dex'], classes: 3 });
    expect(run.properties.obfuscation?.embeddedCode).toEqual(report.obfuscation?.embeddedCode);

    const plain = (buildSarif(control) as { runs: { invocations: { toolExecutionNotifications?: Notification[] }[]; properties: { obfuscation?: { embeddedCode?: unknown } } }[] }).runs[0];
    expect((plain.invocations[0].toolExecutionNotifications ?? []).filter((n) => n.descriptor.id === 'hidden-code')).toEqual([]);
    expect(plain.properties.obfuscation?.embeddedCode).toBeUndefined();
  });
});
